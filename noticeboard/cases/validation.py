"""The rules a case's data must meet: every field at once, and one person in one open case."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, select, union
from sqlalchemy.orm import selectinload

from noticeboard.cases.models import (
    DEFAULT_CEILINGS,
    DIBAO_AREAS,
    DIBAO_CATEGORIES,
    LINSHI_REASONS,
    LINSHI_TYPES,
    OPEN_STATUSES,
    RELATIONS,
    SELF_CARE_LEVELS,
    TEKUN_MODES,
    Case,
    CaseMember,
    Program,
    ProgramLimit,
)
from noticeboard.cases.standards import (
    CARE_OF_SELF_CARE,
    StandardKind,
    dibao_check,
    in_force_for,
    tekun_standards,
)
from noticeboard.core import statements
from noticeboard.core.crypto import id_index
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.core.validation import (
    FieldError,
    clean_amount,
    clean_month,
    clean_name,
    clean_paid_on,
    clean_phone,
    clean_resident_id,
)
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import region_in_scope

EXCLUSIVE_PROGRAMS = (Program.DIBAO, Program.TEKUN)


class DuplicateActiveCase(DomainError):
    """The person already belongs to another open 低保/特困 case."""


@dataclass
class MemberInput:
    name: str = ""
    id_number: str = ""
    relation: str = ""
    covered: bool = True

    @property
    def is_blank(self) -> bool:
        return not (self.name or "").strip() and not (self.id_number or "").strip()


def _choice(value, choices, field: str, label: str, errors, required=True):
    value = (value or "").strip()
    if not value and not required:
        return None
    if value not in choices:
        errors.setdefault(field, []).append(f"{label}：请从列表中选择")
        return None
    return value


def _check(errors: dict, field: str, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except FieldError as error:
        errors.setdefault(field, []).append(str(error))
        return None


def clean_case_data(
    user,
    program: Program,
    data: dict,
    limit: Decimal | None = None,
    in_force: dict[StandardKind, Decimal] | None = None,
) -> tuple[dict, list[MemberInput]]:
    """Validate every field at once, so the clerk sees all problems in one round. `limit`
    is the program's ceiling() and `in_force` the county's standards_in_force() when the
    caller checks many cases and has read them once."""
    errors: dict[str, list[str]] = {}
    # Every program's values carry the same keys (bulk inserts take one row's columns for
    # all); the program's own branch below fills in what it has.
    values: dict = {
        "program": program,
        "income_per_person": None,
        "frequent_review": False,
        "amount_override_reason": None,
    }

    village = db.session.get(Region, int(data["village_id"])) if data.get("village_id") else None
    if (
        village is None
        or village.level != RegionLevel.VILLAGE
        or not region_in_scope(user, village)
    ):
        errors["village_id"] = ["所属村/社区：请从列表中选择本乡镇的村或社区"]
    values["village_id"] = village.id if village else None
    # The village itself too: the session keeps a loaded row only while something refers
    # to it, and apply_values would otherwise read it a second time.
    values["village"] = village
    group = (data.get("group_name") or "").strip()
    if len(group) > 20:
        errors["group_name"] = ["组：最多 20 个字"]
    values["group_name"] = group or None

    person = "户主" if program == Program.DIBAO else "姓名"
    values["applicant_name"] = _check(
        errors,
        "applicant_name",
        clean_name,
        data.get("applicant_name"),
        "户主姓名" if program == Program.DIBAO else "姓名",
    )
    values["applicant_id_number"] = _check(
        errors,
        "applicant_id_number",
        clean_resident_id,
        data.get("applicant_id_number"),
        f"{person}身份证号" if program == Program.DIBAO else "身份证号",
    )
    values["applicant_phone"] = _check(
        errors, "applicant_phone", clean_phone, data.get("applicant_phone")
    )
    address = (data.get("address") or "").strip()
    if len(address) > 200:
        errors["address"] = ["详细地址：最多 200 个字"]
    values["address"] = address or None

    limit = ceiling(program) if limit is None else limit
    members: list[MemberInput] = []
    if program == Program.DIBAO:
        values["dibao_area"] = _choice(
            data.get("dibao_area"), DIBAO_AREAS, "dibao_area", "城乡类别", errors
        )
        values["dibao_category"] = _choice(
            data.get("dibao_category"),
            DIBAO_CATEGORIES,
            "dibao_category",
            "保障类别",
            errors,
            required=False,
        )
        values["monthly_amount"] = _check(
            errors, "monthly_amount", clean_amount, data.get("monthly_amount"), "月保障金额", limit
        )
        values["income_per_person"] = _check(
            errors,
            "income_per_person",
            _optional_amount,
            data.get("income_per_person"),
            "家庭月人均收入",
        )
        values["frequent_review"] = bool(data.get("frequent_review"))
        members = _clean_members(data.get("members") or [], errors)
        values["persons_covered"] = 1 + sum(1 for m in members if m.covered)
    elif program == Program.TEKUN:
        values["tekun_mode"] = _choice(
            data.get("tekun_mode"), TEKUN_MODES, "tekun_mode", "供养方式", errors
        )
        values["self_care"] = _choice(
            data.get("self_care"), SELF_CARE_LEVELS, "self_care", "生活自理能力", errors
        )
        values["basic_amount"] = _check(
            errors, "basic_amount", clean_amount, data.get("basic_amount"), "基本生活标准", limit
        )
        values["care_amount"] = _check(
            errors,
            "care_amount",
            clean_amount,
            data.get("care_amount") or "0",
            "照料护理标准",
            limit,
            allow_zero=True,
        )
        if (
            values["basic_amount"]
            and values["care_amount"] is not None
            and (values["basic_amount"] + values["care_amount"] > limit)
        ):
            errors.setdefault("care_amount", []).append(
                f"照料护理标准：基本生活与照料护理合计超过本项目上限 {limit:.2f} 元，请核对"
            )
        reason = (data.get("amount_override_reason") or "").strip()
        if len(reason) > 200:
            errors.setdefault("amount_override_reason", []).append("金额调整原因：最多 200 个字")
        values["amount_override_reason"] = reason or None
    else:
        values["linshi_type"] = _choice(
            data.get("linshi_type"), LINSHI_TYPES, "linshi_type", "救助类型", errors
        )
        values["reason_category"] = _choice(
            data.get("reason_category"), LINSHI_REASONS, "reason_category", "救助事由", errors
        )
        values["amount"] = _check(
            errors, "amount", clean_amount, data.get("amount"), "救助金额", limit
        )
        values["paid_on"] = _check(errors, "paid_on", clean_paid_on, data.get("paid_on"))
        values["emergency_reason"] = _emergency_reason(data, values, errors)
    if village is not None and program != Program.LINSHI:
        if in_force is None:
            in_force = in_force_for(village)
        _check_against_standards(values, in_force, errors)
    if errors:
        raise ValidationFailed(errors)
    return values, members


def _emergency_reason(data: dict, values: dict, errors: dict) -> str | None:
    """先行救助: an emergency 临时救助 the township paid before the paperwork, with the reason."""
    reason = (data.get("emergency_reason") or "").strip()
    if not reason:
        return None
    if not 2 <= len(reason) <= 200:
        errors.setdefault("emergency_reason", []).append("先行救助理由：请写明（2 至 200 字）")
    if data.get("linshi_type") != "emergency":
        errors.setdefault("emergency_reason", []).append(
            "先行救助理由：先行救助只适用于急难型临时救助，请将救助类型选为急难型，或清空此项"
        )
    if values.get("paid_on") is None and "paid_on" not in errors:
        errors.setdefault("paid_on", []).append(
            "发放日期：先行救助是已先行发放的救助，请填写发放日期"
        )
    return reason


def _optional_amount(value, label: str) -> Decimal | None:
    if not str(value if value is not None else "").strip():
        return None
    return clean_amount(value, label, allow_zero=True)


def _check_against_standards(values: dict, in_force: dict, errors: dict) -> None:
    """低保: never above standard × persons covered (a household without income gets that);
    a difference from the 补差 amount is only a warning (cases.standards.amount_warning).
    特困: the standards of the person's self-care level, unless a reason says otherwise."""
    if values["program"] == Program.DIBAO:
        check = dibao_check(
            in_force,
            values.get("dibao_area"),
            values.get("dibao_category"),
            values.get("persons_covered"),
            values.get("income_per_person"),
        )
        amount = values.get("monthly_amount")
        if check is not None and amount is not None and amount > check.ceiling:
            extra = f" + 分类施保 {check.supplement:,.2f}" if check.supplement else ""
            errors.setdefault("monthly_amount", []).append(
                f"月保障金额：{amount:,.2f} 元超过保障标准 {check.standard:,.2f} 元 × "
                f"{check.persons} 人{extra} = {check.ceiling:,.2f} 元，请核对金额或保障人数"
            )
        return
    standards = tekun_standards(in_force, values.get("self_care"))
    entered = (values.get("basic_amount"), values.get("care_amount"))
    if standards is None or None in entered or entered == standards:
        return
    if values.get("amount_override_reason"):
        return
    care_label = StandardKind(CARE_OF_SELF_CARE[values["self_care"]]).label
    errors.setdefault("amount_override_reason", []).append(
        f"金额调整原因：本县现行特困基本生活标准 {standards[0]:,.2f} 元、{care_label} "
        f"{standards[1]:,.2f} 元，所填金额与之不同；请按标准填写，或在此说明原因"
    )


def _clean_members(rows: list, errors: dict) -> list[MemberInput]:
    members = []
    for index, raw in enumerate(rows, start=1):
        row = raw if isinstance(raw, MemberInput) else MemberInput(**raw)
        if row.is_blank:
            continue
        prefix = f"家庭成员第 {index} 行"
        name = _check(errors, "members", clean_name, row.name, f"{prefix}姓名")
        id_number = _check(errors, "members", clean_resident_id, row.id_number, f"{prefix}身份证号")
        relation = (row.relation or "").strip()
        if relation not in RELATIONS:
            errors.setdefault("members", []).append(f"{prefix}与户主关系：请从列表中选择")
        members.append(MemberInput(name or "", id_number or "", relation, bool(row.covered)))
    return members


def _check_distinct_people(values: dict, members: list[MemberInput]) -> None:
    seen = {values["applicant_id_number"]: "户主"}
    for index, member in enumerate(members, start=1):
        if member.id_number in seen:
            message = f"家庭成员第 {index} 行身份证号：与{seen[member.id_number]}重复"
            raise ValidationFailed({"members": [message + "，同一人只能录入一次"]})
        seen[member.id_number] = f"家庭成员第 {index} 行"


# The IDs' keyed digests are one expanding parameter, so these statements are built once and
# their compiled form is reused: building them for each case entered cost more than running
# them (0.4 of 0.7 ms). Two lookups on the keyed ID indexes (the IDs themselves are
# encrypted), then the few cases they name, by primary key: an OR of the two lets the
# planner walk every open case of the programs instead (38 ms at 100,000 cases).
_DIGESTS = bindparam("digests", expanding=True)
_HOLDING = Case.id.in_(
    union(
        select(Case.id).where(Case.applicant_id_index.in_(_DIGESTS)),
        select(CaseMember.case_id).where(CaseMember.id_number_index.in_(_DIGESTS)),
    )
)
# Which of those cases are open 低保/特困 ones is decided on the rows found (is_exclusive),
# not in the WHERE clause: with a condition on the program or status there, SQLite without
# statistics (a database grown since its last ANALYZE) walked the program index through
# every case of the two programs instead of the few found (12 ms against 0.5 ms a case
# entered, at 100,000 cases). With none, the primary key is the only way in.
_HOLDERS = select(Case.id, Case.program, Case.status).where(_HOLDING).order_by(Case.id)


def is_exclusive(program: str, status: str) -> bool:
    """Whether a case of `program` and `status` is an open 低保/特困 case: a person may
    hold one such case at a time."""
    return program in EXCLUSIVE_PROGRAMS and status in OPEN_STATUSES


def _open_holder_ids(id_numbers: list[str]) -> list[int]:
    """Ids, oldest first, of the open 低保/特困 cases whose applicant or a member has one of
    `id_numbers`: the cases holding them are found by id, the open ones picked from those."""
    rows = statements.execute(_HOLDERS, {"digests": [id_index(i) for i in id_numbers]})
    return [case_id for case_id, program, status in rows if is_exclusive(program, status)]


def first_open_case_holding(id_numbers: list[str], except_case_id: int | None) -> Case | None:
    """The oldest open 低保/特困 case other than `except_case_id` holding one of the IDs,
    read only when there is one."""
    found = next((i for i in _open_holder_ids(id_numbers) if i != except_case_id), None)
    return db.session.get(Case, found) if found is not None else None


def holders_of(id_numbers: list[str]) -> dict[str, Case]:
    """The open 低保/特困 case holding each of many IDs, read at once (an imported file's
    thousands of people in a few queries instead of one each); for clean_case's `holders`."""
    holders: dict[str, Case] = {}
    wanted = sorted(set(id_numbers))
    # Chunks keep each statement under the bound-parameter limits of SQLite and psycopg (a
    # person holds one open case, so a chunk's cases are about as many as its IDs at most).
    for start in range(0, len(wanted), 2000):
        found = _open_holder_ids(wanted[start : start + 2000])
        if not found:
            continue
        query = select(Case).where(Case.id.in_(found)).options(selectinload(Case.members))
        for case in db.session.scalars(query.order_by(Case.id.desc())):
            for id_number in (case.applicant_id_number, *(m.id_number for m in case.members)):
                holders[id_number] = case  # the oldest case last, so it wins, as in a query
    return holders


def _check_not_in_other_case(
    values: dict, members: list[MemberInput], case_id: int | None, holders: dict | None = None
):
    """One person, one open 低保/特困 case (特困 persons are not also counted in 低保).
    `holders` (from holders_of) answers instead of a query when many cases are checked."""
    if values["program"] not in EXCLUSIVE_PROGRAMS:
        return
    ids = [values["applicant_id_number"], *(m.id_number for m in members)]
    if holders is None:
        other = first_open_case_holding(ids, case_id)
    else:
        found = [holders[i] for i in ids if i in holders and holders[i].id != case_id]
        other = min(found, key=lambda case: case.id) if found else None
    if other is None:
        return
    other_ids = {other.applicant_id_number, *(m.id_number for m in other.members)}
    field = "applicant_id_number"
    who = "户主" if values["program"] == Program.DIBAO else "本人"
    if values["applicant_id_number"] not in other_ids:
        field = "members"
        index = next(i for i, m in enumerate(members, 1) if m.id_number in other_ids)
        who = f"家庭成员第 {index} 行"
    township = other.village.ancestor(RegionLevel.TOWNSHIP)
    raise DuplicateActiveCase(
        f"身份证号：{who}已在{township.name if township else ''}{other.village.name}的"
        f"{other.reference}（{other.status.label}）中，同一人不能同时享受两份低保或特困；"
        "请先终止原案件，或核对号码",
        field=field,
    )


_CEILING = select(ProgramLimit.ceiling).where(ProgramLimit.program == bindparam("program"))


def ceiling(program: Program) -> Decimal:
    set_by_administrator = statements.execute(_CEILING, {"program": str(program)}).scalar()
    return set_by_administrator if set_by_administrator is not None else DEFAULT_CEILINGS[program]


def clean_case(
    user,
    program: Program,
    data: dict,
    case_id: int | None = None,
    holders: dict | None = None,
    limit: Decimal | None = None,
    in_force: dict | None = None,
):
    """The clean values and members of a case being entered (or, with `case_id`, changed).
    When a whole file of cases is checked, `holders` is holders_of() of every ID, `limit`
    the program's ceiling() and `in_force` the county's standards, each read once."""
    values, members = clean_case_data(user, program, data, limit, in_force)
    _check_distinct_people(values, members)
    _check_not_in_other_case(values, members, case_id, holders)
    return values, members


def clean_benefit_start(value, label: str = "享受起始年月") -> date:
    """The first month of benefits of a recipient approved before the system existed: a
    month that has begun (an approval recorded today starts next month instead)."""
    if not str(value or "").strip():
        raise FieldError(f"{label}：请填写，如 2024-03")
    month = clean_month(value, label)
    if month > local_today():
        raise FieldError(f"{label}：{month:%Y-%m} 还没有到；在保对象的起始月份应是本月或以前")
    return month
