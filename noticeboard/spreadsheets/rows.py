"""Turning the rows of a sheet into the data of cases, as the entry forms would post it.

What Excel did to a value (an ID stored as a number, a date as a serial number, an amount
with 元 or float noise) is undone or named here; whether the value is then valid is decided
by the cases' own rules (cases.validation.clean_case), exactly as for the forms.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from noticeboard.cases.models import (
    DIBAO_AREAS,
    DIBAO_CATEGORIES,
    LINSHI_REASONS,
    LINSHI_TYPES,
    RELATIONS,
    SELF_CARE_LEVELS,
    TEKUN_MODES,
    Program,
)
from noticeboard.core.validation import normalise_resident_id
from noticeboard.spreadsheets.reading import Problem, Table

HEAD_RELATIONS = ("户主", "本人")
YES = ("是", "Y", "YES", "√", "1", "TRUE")
NO = ("否", "N", "NO", "×", "X", "0", "FALSE")
# Enumerations as staff write them in a sheet (the label) → the code the forms post.
CODES = {
    "dibao_area": {label: code for code, label in DIBAO_AREAS.items()},
    "tekun_mode": {
        **{label: code for code, label in TEKUN_MODES.items()},
        **{label.removesuffix("供养"): code for code, label in TEKUN_MODES.items()},
    },
    "self_care": {label: code for code, label in SELF_CARE_LEVELS.items()},
    "linshi_type": {
        **{label: code for code, label in LINSHI_TYPES.items()},
        **{label.removesuffix("型"): code for code, label in LINSHI_TYPES.items()},
    },
}
# What may be written in each column with a list (for messages and the template's drop-downs).
CHOICES = {
    "dibao_area": tuple(DIBAO_AREAS.values()),
    "dibao_category": DIBAO_CATEGORIES,
    "relation": (*HEAD_RELATIONS, *RELATIONS),
    "covered": ("是", "否"),
    "tekun_mode": tuple(TEKUN_MODES.values()),
    "self_care": tuple(SELF_CARE_LEVELS.values()),
    "linshi_type": tuple(LINSHI_TYPES.values()),
    "reason_category": LINSHI_REASONS,
}
# Columns of each program's sheet, in the template's order; the first ones are required.
PROGRAM_COLUMNS = {
    Program.DIBAO: (
        "village", "group_name", "head_id_number", "name", "id_number", "relation", "covered",
        "persons_covered", "phone", "address", "dibao_area", "dibao_category", "monthly_amount",
        "benefit_start",
    ),
    Program.TEKUN: (
        "village", "group_name", "name", "id_number", "phone", "address", "tekun_mode",
        "self_care", "basic_amount", "care_amount", "benefit_start",
    ),
    Program.LINSHI: (
        "village", "group_name", "name", "id_number", "phone", "address", "linshi_type",
        "reason_category", "amount", "paid_on",
    ),
}  # fmt: skip
REQUIRED = {
    Program.DIBAO: ("village", "name", "id_number", "dibao_area", "monthly_amount"),
    Program.TEKUN: ("village", "name", "id_number", "tekun_mode", "self_care", "basic_amount"),
    Program.LINSHI: ("village", "name", "id_number", "linshi_type", "reason_category", "amount"),
}
# The case's fields (as clean_case names them) → the sheet's column.
FIELD_COLUMNS = {
    "village_id": "village",
    "group_name": "group_name",
    "applicant_name": "name",
    "applicant_id_number": "id_number",
    "applicant_phone": "phone",
    "address": "address",
    "dibao_area": "dibao_area",
    "dibao_category": "dibao_category",
    "monthly_amount": "monthly_amount",
    "tekun_mode": "tekun_mode",
    "self_care": "self_care",
    "basic_amount": "basic_amount",
    "care_amount": "care_amount",
    "linshi_type": "linshi_type",
    "reason_category": "reason_category",
    "amount": "amount",
    "paid_on": "paid_on",
}
AMOUNT_COLUMNS = ("monthly_amount", "basic_amount", "care_amount", "amount")
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug included)
SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+", re.IGNORECASE)
YEAR_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?)?")


@dataclass
class Household:
    """The rows of one case to be: its first row is the applicant's (the head's for 低保)."""

    row: int
    data: dict
    member_rows: list[int] = field(default_factory=list)
    village_name: str = ""
    benefit_start: str = ""


def text(value) -> str:
    """A cell as text: NFKC (full-width digits and letters, ideographic spaces), trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return _number_text(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _number_text(value: float) -> str:
    """Excel's floats: 3.0 is 3; 1359.9999999 is float noise for 1360.00."""
    if value == int(value):
        return str(int(value))
    if abs(value - round(value, 2)) < 1e-6:
        return f"{round(value, 2):.2f}"
    return repr(value)


def amount_text(value) -> str:
    """1360元, ￥1,360.00 and 1360 are the same amount; clean_amount reads the rest."""
    return re.sub(r"^[¥￥]|元$", "", text(value)).strip()


def date_text(value) -> str:
    """Dates as Excel keeps them (a date, a serial number) or as typed (2024-03, 2024年3月,
    2024/3/1) as ISO text, which the cases' date and month rules read."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return (EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
    shown = text(value)
    if match := YEAR_MONTH.fullmatch(shown):
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    if re.fullmatch(r"\d{6}", shown):  # 202403
        return f"{shown[:4]}-{shown[4:]}"
    return shown


def id_text(value, row: int, label: str, problems: list[Problem]) -> str:
    """A resident ID; one Excel stored as a number has lost its last digits for good."""
    if (isinstance(value, int | float) and not isinstance(value, bool)) or SCIENTIFIC.fullmatch(
        text(value)
    ):
        problems.append(
            Problem(
                row,
                label,
                f"身份证号被 Excel 存成了数字（显示为 {_scientific(value)}），末几位已丢失，"
                "无法还原：请把该列设置为“文本”格式，再重新录入这些号码",
            )
        )
    return normalise_resident_id(text(value))


def _scientific(value) -> str:
    if isinstance(value, int | float):
        return f"{float(value):.5E}"
    return text(value).upper()


def covered_of(value, row: int, label: str, problems: list[Problem]) -> bool:
    shown = text(value).upper()
    if not shown or shown in YES:
        return True
    if shown in NO:
        return False
    problems.append(Problem(row, label, "请填写“是”或“否”（不填视为“是”）"))
    return True


def _code(name: str, value) -> str:
    shown = text(value)
    return CODES[name].get(shown, shown) if name in CODES else shown


def households(program: Program, table: Table, problems: list[Problem]) -> list[Household]:
    """The cases the rows make, with their data as the entry forms post it."""
    missing = [table.label(n) for n in REQUIRED[program] if n not in table.columns]
    if missing:
        problems.append(
            Problem(None, "", "缺少必填列：" + "、".join(missing) + "（请对照导入模板）")
        )
        return []
    if program != Program.DIBAO:
        return [_single(program, number, values, table, problems) for number, values in table.rows]
    return _dibao_households(table, problems)


def _case_fields(program: Program, number: int, values: dict, table: Table, problems) -> dict:
    data = {
        "group_name": text(values.get("group_name")),
        "applicant_name": text(values.get("name")),
        "applicant_id_number": id_text(
            values.get("id_number"), number, table.label("id_number"), problems
        ),
        "applicant_phone": text(values.get("phone")),
        "address": text(values.get("address")),
    }
    for name in PROGRAM_COLUMNS[program]:
        if name in AMOUNT_COLUMNS:
            data[name] = amount_text(values.get(name))
        elif name in CODES or name in ("dibao_category", "reason_category"):
            data[name] = _code(name, values.get(name))
    if program == Program.LINSHI:
        data["paid_on"] = date_text(values.get("paid_on"))
        if not data["paid_on"]:
            problems.append(Problem(number, table.label("paid_on"), "导入的临时救助须填写发放日期"))
    return data


def _single(program: Program, number: int, values: dict, table: Table, problems) -> Household:
    return Household(
        number,
        _case_fields(program, number, values, table, problems),
        village_name=text(values.get("village")),
        benefit_start=date_text(values.get("benefit_start")),
    )


def _dibao_households(table: Table, problems: list[Problem]) -> list[Household]:
    """One row per person; rows with the same 户主身份证号 are one household."""
    groups: dict[str, list[tuple[int, dict, str]]] = {}
    for number, values in table.rows:
        own = id_text(values.get("id_number"), number, table.label("id_number"), problems)
        head = own
        if "head_id_number" in table.columns and not _blank(values.get("head_id_number")):
            head = id_text(values.get("head_id_number"), number, table.label("head_id_number"), [])
        groups.setdefault(head, []).append((number, values, own))
    result = []
    for head_id, rows in groups.items():
        heads = [
            r for r in rows
            if text(r[1].get("relation")) in HEAD_RELATIONS
            or (not text(r[1].get("relation")) and r[2] == head_id)
        ]  # fmt: skip
        if not heads:
            problems.append(
                Problem(
                    rows[0][0],
                    table.label("relation"),
                    "户主身份证号相同的这一户中，没有与户主关系为“户主”或“本人”的一行",
                )
            )
            continue
        for extra in heads[1:]:
            problems.append(
                Problem(extra[0], table.label("relation"), "同一户只能有一行是户主，请核对")
            )
        number, values, _ = heads[0]
        household = _single(Program.DIBAO, number, values, table, problems)
        if not covered_of(values.get("covered"), number, table.label("covered"), []):
            problems.append(Problem(number, table.label("covered"), "户主须纳入保障"))
        members = []
        for member_number, member_values, own in rows:
            if member_number == number:
                continue
            relation = text(member_values.get("relation"))
            members.append(
                {
                    "name": text(member_values.get("name")),
                    "id_number": own,
                    "relation": relation,
                    "covered": covered_of(
                        member_values.get("covered"),
                        member_number,
                        table.label("covered"),
                        problems,
                    ),
                }
            )
            household.member_rows.append(member_number)
        household.data["members"] = members
        _check_persons_covered(household, values, table, problems)
        result.append(household)
    return result


def _check_persons_covered(household: Household, values: dict, table: Table, problems) -> None:
    stated = text(values.get("persons_covered"))
    if "persons_covered" not in table.columns or not stated:
        return
    counted = 1 + sum(1 for m in household.data["members"] if m["covered"])
    if stated != str(counted):
        problems.append(
            Problem(
                household.row,
                table.label("persons_covered"),
                f"填的是 {stated}，但本户纳入保障的有 {counted} 人"
                "（户主及“纳入保障”为“是”的成员），请核对",
            )
        )


def _blank(value) -> bool:
    return not text(value)
