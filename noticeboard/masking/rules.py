"""Masking rules for personal data shown in public notices (公示信息脱敏规则).

Pure functions with no Flask or database dependency, so they can be used by views,
PDF rendering and exports alike. All lengths are counted in code points, so a
supplementary-plane character such as 𠮷 (U+20BB7) counts as one character.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.validation import LANDLINE, MOBILE

MASK = "*"


class Channel(LabelledStrEnum):
    """Where a notice is shown; each channel has its own masking policy and snapshot."""

    BOARD = "board", "公示栏张贴（纸质）"
    ONLINE = "online", "网上公示、PDF 下载、接口、订阅"


# 复姓. Only treated as a surname when the name has 3+ characters (see mask_name).
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "夏侯", "令狐", "宇文", "司徒", "司空", "端木", "独孤", "南宫", "西门", "百里",
        "呼延", "轩辕", "万俟", "闻人", "赫连", "澹台", "公冶", "宗政", "濮阳", "太叔",
        "申屠", "钟离", "单于", "仲孙", "淳于", "拓跋", "第五", "东郭", "南门", "羊舌",
        "微生", "梁丘", "左丘", "东门", "公羊", "谷梁", "乐正", "漆雕", "壤驷", "公良",
        "司寇", "巫马", "公西", "颛孙", "亓官", "鲜于", "闾丘", "子车", "夹谷", "宰父",
        "完颜", "即墨", "褚师", "呼衍", "司城", "东里",
    }
)  # fmt: skip

# 间隔号 (U+00B7) separates parts of transliterated names; the others are look-alikes
# that show up in typed or imported data, so they are recognised too and kept as written.
NAME_DOTS: frozenset[str] = frozenset("\u00b7\u2022\u22c5\u30fb\uff65")

RESIDENT_ID_KEEPS = ("none", "6+4")
ADDRESS_KEEPS = ("village_group", "village", "none")
NAME_MODES = ("full", "masked")

# Digits only in ASCII: full-width or other Unicode digits are not a valid 身份证号.
_RESIDENT_ID_RE = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_RESIDENT_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])", re.ASCII)
# Phones as clean_phone keeps them: mobiles and landlines with their area code.
_PHONE_IN_TEXT = re.compile(rf"(?<![0-9])(?:{MOBILE.pattern}|{LANDLINE.pattern})(?![0-9])")


def mask_name(name: str) -> str:
    """Mask a personal name (姓名脱敏): 张三→张*, 张三丰→张*丰, 欧阳娜娜→欧阳*娜.

    Surrounding whitespace is stripped; the result has as many code points as the
    stripped input. Names containing a middle dot (e.g. 阿卜杜拉·艾合买提) keep only the
    first character and the dots.
    """
    name = name.strip()
    if not name:
        return ""
    if len(name) == 1:
        # A one-character name is entirely "surname"; showing it would reveal the whole name.
        return MASK
    if any(ch in NAME_DOTS for ch in name):
        return _mask_dotted_name(name)
    surname_len = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    surname, given = name[:surname_len], name[surname_len:]
    if len(given) == 1:
        return surname + MASK
    return surname + MASK * (len(given) - 1) + given[-1]


def _mask_dotted_name(name: str) -> str:
    letters = sum(1 for ch in name if ch not in NAME_DOTS)
    # With a single real character (e.g. "阿·") keeping it would reveal the whole name,
    # exactly like a one-character name.
    keep_first = letters >= 2
    return "".join(
        ch if ch in NAME_DOTS or (i == 0 and keep_first) else MASK for i, ch in enumerate(name)
    )


def mask_resident_id(value: str, keep: str = "none") -> str:
    """Mask a resident ID number (公民身份号码).

    keep="none" hides it completely (returns ""); keep="6+4" shows the first six
    (address code) and last four characters. Raises ValueError for an unknown keep
    value or, with "6+4", for a value that is not an 18-character ID. The value is
    never included in the exception message, since it is personal data.
    """
    if keep not in RESIDENT_ID_KEEPS:
        raise ValueError(f"unknown resident_id keep mode: {keep!r}")
    if keep == "none":
        return ""
    value = value.strip().upper()
    if not _RESIDENT_ID_RE.fullmatch(value):
        raise ValueError("not a resident ID")
    return value[:6] + MASK * 8 + value[-4:]


def mask_resident_id_for_staff(value: str | None) -> str:
    """A resident ID as staff see it until they reveal it (350181********1234): enough to
    tell two people apart and to read it out to a colleague, not enough to use it."""
    if not value:
        return ""
    try:
        return mask_resident_id(value, "6+4")
    except ValueError:
        # Not an ID we recognise: hide all of it rather than guess where its parts are.
        return MASK * len(value)


def mask_phone(value: str | None) -> str:
    """A phone number as staff see it until they reveal it: 138****5678, 059*****0000."""
    if not value:
        return ""
    if len(value) < 8:
        return MASK * len(value)
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_identifiers(text: str) -> str:
    """Every resident ID and phone number inside a text (a line of the audit log's before
    and after: 李四 350181199001011234 配偶) masked as mask_resident_id_for_staff and
    mask_phone do it."""
    text = _RESIDENT_ID_IN_TEXT.sub(lambda m: mask_resident_id_for_staff(m.group(0)), text)
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


def resident_ids_in(text: str) -> int:
    """How many resident IDs a text holds (for the access log's count of IDs shown)."""
    return len(_RESIDENT_ID_IN_TEXT.findall(text))


def mask_address(village: str, group: str | None, keep: str) -> str:
    """Render an address at the allowed precision: 东风村3组, 东风村 or "".

    `group` is expected to carry its own suffix (e.g. "3组"); None or blank omits it.
    """
    if keep not in ADDRESS_KEEPS:
        raise ValueError(f"unknown address keep mode: {keep!r}")
    if keep == "none":
        return ""
    village = village.strip()
    if keep == "village":
        return village
    return village + (group or "").strip()


@dataclass(frozen=True)
class MaskingPolicy:
    """Which masking applies to a notice: name, resident ID and address modes."""

    name: str
    resident_id: str
    address: str

    def __post_init__(self) -> None:
        for field, allowed in (
            ("name", NAME_MODES),
            ("resident_id", RESIDENT_ID_KEEPS),
            ("address", ADDRESS_KEEPS),
        ):
            # Tuples compare with ==, so unhashable junk from JSON gives ValueError, not TypeError.
            if getattr(self, field) not in allowed:
                raise ValueError(
                    f"invalid masking policy {field}: {getattr(self, field)!r} "
                    f"(expected one of {', '.join(allowed)})"
                )

    def apply_name(self, name: str) -> str:
        return name.strip() if self.name == "full" else mask_name(name)

    def apply_resident_id(self, value: str) -> str:
        return mask_resident_id(value, self.resident_id)

    def apply_address(self, village: str, group: str | None) -> str:
        return mask_address(village, group, self.address)

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], default: MaskingPolicy | None = None) -> MaskingPolicy:
        """Build a policy from stored settings; missing keys come from `default`.

        Without an explicit default, ONLINE_DEFAULT is used because it is the stricter
        of the two built-in policies. Unknown keys are ignored.
        """
        base = ONLINE_DEFAULT if default is None else default
        return cls(
            name=d.get("name", base.name),
            resident_id=d.get("resident_id", base.resident_id),
            address=d.get("address", base.address),
        )


# 公示栏 (physical board in the village): full names, as required for local verification.
BOARD_DEFAULT = MaskingPolicy(name="full", resident_id="none", address="village_group")
# 网上公示 (internet): names masked and the address reduced to the village.
ONLINE_DEFAULT = MaskingPolicy(name="masked", resident_id="none", address="village")
