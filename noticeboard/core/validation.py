"""Field rules for identity data, money and stated reasons; each returns the clean value or
raises with a Chinese message naming the field and the fix."""

import functools
import re
import unicodedata
from datetime import date
from decimal import Decimal

from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric

from noticeboard.core.dates import local_today
from noticeboard.core.errors import ValidationFailed

MIDDLE_DOT = "\u00b7"
# Letters (category Lo) that show as nothing, or as a whole sentence: fillers of Hangul and
# the Arabic ligatures of U+FDFA-FDFD. A name made of them reads as blank or as a phrase.
NOT_IN_NAMES = frozenset("\u115f\u1160\u3164\uffa0\ufdfa\ufdfb\ufdfd")
# Look-alikes that clerks type or paste instead of the middle dot of minority names.
DOT_LOOKALIKES = "\u2022\u22c5\u30fb\uff65\u2027\u0387"
NAME_MAX = 20

MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Area code 0xx or 0xxx, then a 7 or 8 digit number; an extension is not accepted on a notice.
LANDLINE = re.compile(r"0[0-9]{2,3}-?[2-9][0-9]{6,7}")
# Yuan: up to 9 whole digits (far above any benefit), at most 2 decimals.
AMOUNT = re.compile(r"[0-9]{1,9}(\.[0-9]{0,2})?")


@functools.cache
def _known_province(code: str) -> bool:
    return any("province" in props for _, props in numdb.get("cn/loc").info(code + "0000"))


class FieldError(ValueError):
    """A value failed its rule; the message names the field and the fix."""


def to_ascii_digits(text: str) -> str:
    """Identifiers and numbers as stored and compared: NFKC (full-width ３５０ → 350, Ｘ → X,
    ideographic space → space), then every other Unicode decimal digit (Arabic-Indic ١٩٨, …)
    as its ASCII digit. A look-alike digit must never make a second identity."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text
    )


def normalise_resident_id(value: str) -> str:
    """The form a resident ID is stored, searched and compared in: ASCII digits and X."""
    return re.sub(r"\s+", "", to_ascii_digits(value or "")).upper()


def clean_resident_id(value: str, label: str = "身份证号") -> str:
    """A valid 18-character resident ID (GB 11643-1999), upper-case X, or FieldError."""
    text = normalise_resident_id(value)
    if not text:
        raise FieldError(f"{label}：请填写 18 位居民身份证号码")
    if len(text) != 18:
        raise FieldError(f"{label}：应为 18 位，现在是 {len(text)} 位，请核对")
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise FieldError(f"{label}：前 17 位只能是数字，最后一位是数字或 X")
    # Checksum and birth date only: stdnum's full validate() also ties the county code to the
    # birth year, which refuses real IDs re-issued with a code newer than the holder.
    if ric.calc_check_digit(text) != text[-1]:
        raise FieldError(f"{label}：校验位不正确，请逐位核对号码（常见为抄错一位）")
    try:
        born = ric.get_birth_date(text)
    except stdnum_errors.InvalidComponent:
        raise FieldError(f"{label}：其中的出生日期不是有效日期，请核对第 7 至 14 位") from None
    if born > local_today() or born.year < 1880:
        raise FieldError(f"{label}：其中的出生日期 {born:%Y-%m-%d} 不可能，请核对第 7 至 14 位")
    if not _known_province(text[:2]):
        raise FieldError(f"{label}：前 2 位不是有效的省级代码，请核对")
    return text


def clean_name(value: str, label: str = "姓名") -> str:
    """A person's name: 1 to 20 characters (code points), Han or letters, with the middle dot."""
    text = unicodedata.normalize("NFC", (value or "").strip())
    for dot in DOT_LOOKALIKES:
        text = text.replace(dot, MIDDLE_DOT)
    if not text:
        raise FieldError(f"{label}：请填写姓名")
    if len(text) > NAME_MAX:
        raise FieldError(f"{label}：最多 {NAME_MAX} 个字，现在是 {len(text)} 个")
    if text.startswith(MIDDLE_DOT) or text.endswith(MIDDLE_DOT) or MIDDLE_DOT * 2 in text:
        raise FieldError(f"{label}：间隔号“·”只能用在两段姓名之间")
    for char in text:
        if char == MIDDLE_DOT:
            continue
        if char in NOT_IN_NAMES:
            raise FieldError(f"{label}：含有不可见或特殊字符（U+{ord(char):04X}），请重新输入姓名")
        category = unicodedata.category(char)
        # Lo covers Han including the supplementary planes (𠮷); Lu/Ll allow Latin letters.
        if category not in ("Lo", "Lu", "Ll"):
            shown = "空格" if char.isspace() else f"“{char}”"
            raise FieldError(f"{label}：不能含有{shown}，只能是汉字、字母和间隔号“·”")
    return text


def clean_phone(value: str, label: str = "联系电话", required: bool = False) -> str | None:
    """A mainland mobile (13800138000) or a landline with area code (0591-12345678)."""
    text = re.sub(r"[\s()（）]", "", to_ascii_digits(value or "")).replace("—", "-")
    if text.startswith("+86"):
        text = text[3:]
    if not text:
        if required:
            raise FieldError(f"{label}：请填写手机号或带区号的座机号")
        return None
    if MOBILE.fullmatch(text):
        return text
    if LANDLINE.fullmatch(text):
        return text
    raise FieldError(
        f"{label}：请填写 11 位手机号（如 13800138000）或带区号的座机号（如 0591-87654321）"
    )


def clean_amount(value, label: str, ceiling: Decimal | None = None, allow_zero=False) -> Decimal:
    """A positive yuan amount with at most 2 decimals, under the program's ceiling.

    The text is matched against a plain pattern before Decimal sees it: Decimal would expand
    "1e200000000" into a number of 200 million digits.
    """
    text = to_ascii_digits(str(value if value is not None else "")).strip()
    text = text.replace(",", "").replace("，", "")
    if not text:
        raise FieldError(f"{label}：请填写金额（元）")
    shown = text[:20]
    if text.startswith("-") and AMOUNT.fullmatch(text[1:]):
        raise FieldError(f"{label}：必须大于 0")
    if not AMOUNT.fullmatch(text):
        if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
            raise FieldError(f"{label}：最多保留 2 位小数（到分）")
        if re.fullmatch(r"[0-9]{10,}(\.[0-9]*)?", text):
            raise FieldError(f"{label}：金额过大，请核对（最多 9 位整数）")
        raise FieldError(f"{label}：“{shown}”不是金额，请只填数字，如 680.00")
    amount = Decimal(text)
    if amount == 0 and not allow_zero:
        raise FieldError(f"{label}：必须大于 0")
    if ceiling is not None and amount > ceiling:
        raise FieldError(
            f"{label}：{amount:.2f} 元超过本项目上限 {ceiling:.2f} 元，请核对或联系管理员"
        )
    return amount.quantize(Decimal("0.01"))


EARLIEST_DATE = date(1900, 1, 1)


def clean_date(
    value, label: str, earliest: date = EARLIEST_DATE, latest: date | None = None
) -> date | None:
    """A date typed as 2026-11-05 (or 2026/11/05, 2026.11.05) inside a sane window; None
    when left empty. Dates far out (9999-12-31) are typing slips, and would overflow the
    date arithmetic of notice periods."""
    if isinstance(value, date):
        day = value
    else:
        text = to_ascii_digits(str(value or "")).strip().replace("/", "-").replace(".", "-")
        if not text:
            return None
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise FieldError(f"{label}：请按 2026-11-05 的格式填写日期") from None
    latest = latest or date(local_today().year + 1, 12, 31)
    if not earliest <= day <= latest:
        raise FieldError(f"{label}：应在 {earliest:%Y-%m-%d} 至 {latest:%Y-%m-%d} 之间，请核对")
    return day


def clean_month(value, label: str) -> date:
    """A month typed as 2026-10 (an <input type=month>) or any day of it; its first day."""
    if isinstance(value, date):
        return value.replace(day=1)
    text = to_ascii_digits(str(value or "")).strip().replace("/", "-").replace(".", "-")
    try:
        month = date.fromisoformat(text + "-01" if len(text) == 7 else text).replace(day=1)
    except ValueError:
        raise FieldError(f"{label}：请按 2026-10 的格式填写月份") from None
    if month < EARLIEST_DATE:
        raise FieldError(f"{label}：应在 1900 年以后，请核对")
    return month


def clean_paid_on(value, label: str = "发放日期") -> date | None:
    """The date a 临时救助 payment was made; empty while not yet paid, never in the future."""
    paid = clean_date(value, label, latest=date.max)
    if paid is None:
        return None
    if paid > local_today():
        raise FieldError(f"{label}：不能晚于今天；尚未发放请留空")
    return paid


def clean_reason(
    value, field: str, label: str, hint: str = "请写明原因", shortest: int = 2, longest: int = 500
) -> str:
    """The stated reason of a decision (withdrawal, rejection, termination, correction)."""
    reason = (value or "").strip()
    if not shortest <= len(reason) <= longest:
        raise ValidationFailed({field: [f"{label}：{hint}（{shortest} 至 {longest} 字）"]})
    return reason


# Longer than any id the database hands out (a BIGINT has 19 digits): anything longer is noise.
ID_DIGITS_MAX = 18


def parse_id(value) -> int | None:
    """A record id typed or posted as text: ASCII digits only ("²" and "١" are not ids)."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > ID_DIGITS_MAX or not (text.isascii() and text.isdecimal()):
        return None
    return int(text)
