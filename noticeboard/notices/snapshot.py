"""What a published notice shows, frozen as canonical JSON with its SHA-256.

A snapshot is built once per channel (printed board, online) with that channel's masking
policy already applied, so nothing personal beyond the policy is ever stored in it.
"""

import base64
import hashlib
import json

from noticeboard.cases.models import DIBAO_AREAS, LINSHI_TYPES, TEKUN_MODES, Case, Program
from noticeboard.core.dates import chinese_date
from noticeboard.masking.rules import MaskingPolicy

SCHEMA = 1
OBJECTION_HOWTO = (
    "公示期内，任何单位和个人如有异议，可向乡镇（街道）社会救助经办机构或县民政局反映，"
    "也可扫描二维码或访问公示网页在线提出。反映情况请实事求是。"
)


def canonical_json(snapshot: dict) -> str:
    """One byte-exact text per snapshot: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verification_code(sha256: str) -> str:
    """8 characters of base32 from the hash, as XXXX-XXXX: easy to read out and type."""
    code = base64.b32encode(bytes.fromhex(sha256)[:5]).decode("ascii")
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str:
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    # Residents copy 0/1 for O/I; base32 has neither digit.
    cleaned = cleaned.replace("0", "O").replace("1", "I")
    return f"{cleaned[:4]}-{cleaned[4:8]}" if len(cleaned) == 8 else cleaned


def columns_for(kind: str, program: Program) -> list[dict]:
    if program == Program.DIBAO:
        columns = [
            {"key": "line", "label": "序号"},
            {"key": "name", "label": "户主姓名"},
            {"key": "address", "label": "住址"},
            {"key": "area", "label": "城乡类别"},
            {"key": "category", "label": "保障类别"},
            {"key": "persons", "label": "保障人数", "align": "right"},
            {"key": "amount", "label": "月保障金额（元）", "align": "right"},
        ]
    elif program == Program.TEKUN:
        columns = [
            {"key": "line", "label": "序号"},
            {"key": "name", "label": "姓名"},
            {"key": "address", "label": "住址"},
            {"key": "mode", "label": "供养方式"},
            {"key": "basic", "label": "基本生活标准（元/月）", "align": "right"},
            {"key": "care", "label": "照料护理标准（元/月）", "align": "right"},
            {"key": "amount", "label": "合计（元/月）", "align": "right"},
        ]
    else:
        columns = [
            {"key": "line", "label": "序号"},
            {"key": "name", "label": "姓名"},
            {"key": "address", "label": "住址"},
            {"key": "type", "label": "救助类型"},
            {"key": "amount", "label": "救助金额（元）", "align": "right"},
            {"key": "paid_on", "label": "发放日期"},
        ]
    if kind == "roster":
        columns.append({"key": "since", "label": "享受起始"})
    return columns


def case_row(case: Case, line: int, policy: MaskingPolicy, kind: str) -> dict:
    """One line of a notice: only what the program needs, masked for the channel.

    Never: members' names, phone, detailed address, health, income or hardship details.
    """
    row = {
        "line": line,
        "name": policy.apply_name(case.applicant_name),
        "address": policy.apply_address(case.village.name, case.group_name),
        "amount": f"{case.monthly_total:.2f}",
    }
    if policy.resident_id != "none":
        row["resident_id"] = policy.apply_resident_id(case.applicant_id_number)
    if case.program == Program.DIBAO:
        row |= {
            "area": DIBAO_AREAS[case.dibao_area],
            "category": case.dibao_category or "",
            "persons": case.persons_covered,
        }
    elif case.program == Program.TEKUN:
        row |= {
            "mode": TEKUN_MODES[case.tekun_mode],
            "basic": f"{case.basic_amount:.2f}",
            "care": f"{case.care_amount:.2f}",
        }
    else:
        row |= {
            "type": LINSHI_TYPES[case.linshi_type],
            "paid_on": case.paid_on.isoformat() if case.paid_on else "",
        }
    if kind == "roster":
        row["since"] = f"{case.benefit_start:%Y-%m}" if case.benefit_start else ""
    return row


def totals(cases: list[Case]) -> dict:
    result = {
        "label": "合计",
        "households": len(cases),
        "amount": f"{sum((c.monthly_total for c in cases), start=0):.2f}",
    }
    if cases and cases[0].program == Program.DIBAO:
        result["persons"] = sum(c.persons_covered or 0 for c in cases)
    return result


def period_text(start, end) -> str:
    return f"{chinese_date(start)}至{chinese_date(end)}"
