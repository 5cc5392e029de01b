"""The rules for entering, changing and finding cases."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from noticeboard.accounts.models import User
from noticeboard.audit import services as audit
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
    CaseStatus,
    Program,
    ProgramLimit,
)
from noticeboard.cases.validation import (
    FieldError,
    clean_amount,
    clean_name,
    clean_paid_on,
    clean_phone,
    clean_resident_id,
)
from noticeboard.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from noticeboard.core.scope import region_in_scope, scope_clause
from noticeboard.core.types import utcnow
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel

# Cases can be edited while being prepared or re-investigated, and when an active case's
# amount changes; a case in notice is frozen until the notice ends or is withdrawn.
EDITABLE_STATUSES = (
    CaseStatus.DRAFT,
    CaseStatus.INVESTIGATING,
    CaseStatus.APPROVED,
    CaseStatus.ACTIVE,
)
EXCLUSIVE_PROGRAMS = (Program.DIBAO, Program.TEKUN)


class DuplicateActiveCase(DomainError):
    """The person already belongs to another open 低保/特困 case."""


class StaleCase(DomainError):
    """Someone saved the case after this editor opened it."""


@dataclass
class MemberInput:
    name: str = ""
    id_number: str = ""
    relation: str = ""
    covered: bool = True

    @property
    def is_blank(self) -> bool:
        return not (self.name or "").strip() and not (self.id_number or "").strip()


def ceiling(program: Program) -> Decimal:
    limit = db.session.get(ProgramLimit, str(program))
    return limit.ceiling if limit is not None else DEFAULT_CEILINGS[program]


def set_ceiling(user, program: Program, value) -> ProgramLimit:
    if not user.is_admin:
        raise Forbidden("只有系统管理员可以设置金额上限")
    try:
        amount = clean_amount(value, f"{program.label}金额上限")
    except FieldError as error:
        raise ValidationFailed({"ceiling": [str(error)]}) from None
    limit = db.session.get(ProgramLimit, str(program)) or ProgramLimit(program=str(program))
    before = {"ceiling": str(limit.ceiling) if limit.ceiling is not None else None}
    limit.ceiling = amount
    db.session.add(limit)
    audit.record(
        "update",
        "program_limit",
        0,
        user=user,
        before=before,
        after={"ceiling": str(amount)},
        note=str(program),
    )
    db.session.commit()
    return limit


def villages_for(user) -> list[Region]:
    return list(
        db.session.scalars(
            select(Region)
            .where(Region.level == RegionLevel.VILLAGE, scope_clause(user))
            .order_by(Region.path)
        )
    )


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


def clean_case_data(user, program: Program, data: dict) -> tuple[dict, list[MemberInput]]:
    """Validate every field at once, so the clerk sees all problems in one round."""
    errors: dict[str, list[str]] = {}
    values: dict = {"program": program}

    village = db.session.get(Region, int(data["village_id"])) if data.get("village_id") else None
    if (
        village is None
        or village.level != RegionLevel.VILLAGE
        or not region_in_scope(user, village)
    ):
        errors["village_id"] = ["所属村/社区：请从列表中选择本乡镇的村或社区"]
    values["village_id"] = village.id if village else None
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

    limit = ceiling(program)
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
    if errors:
        raise ValidationFailed(errors)
    return values, members


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


def _check_not_in_other_case(values: dict, members: list[MemberInput], case_id: int | None):
    """One person, one open 低保/特困 case (特困 persons are not also counted in 低保)."""
    if values["program"] not in EXCLUSIVE_PROGRAMS:
        return
    ids = [values["applicant_id_number"], *(m.id_number for m in members)]
    member_case_ids = select(CaseMember.case_id).where(CaseMember.id_number.in_(ids))
    query = (
        select(Case)
        .where(Case.program.in_(EXCLUSIVE_PROGRAMS))
        .where(Case.status.in_(OPEN_STATUSES))
        .where(or_(Case.applicant_id_number.in_(ids), Case.id.in_(member_case_ids)))
        .options(selectinload(Case.members))
    )
    if case_id is not None:
        query = query.where(Case.id != case_id)
    other = db.session.scalars(query.order_by(Case.id)).first()
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


def _audit_view(case: Case) -> dict:
    """The case's fields as staff read them, for the before/after of the audit log."""
    fields = {
        "status": case.status.label if case.status else None,
        "village": case.village.name if case.village else None,
        "group_name": case.group_name,
        "applicant_name": case.applicant_name,
        "applicant_id_number": case.applicant_id_number,
        "applicant_phone": case.applicant_phone,
        "address": case.address,
        "dibao_area": DIBAO_AREAS.get(case.dibao_area or ""),
        "dibao_category": case.dibao_category,
        "persons_covered": case.persons_covered,
        "monthly_amount": case.monthly_amount,
        "tekun_mode": TEKUN_MODES.get(case.tekun_mode or ""),
        "self_care": SELF_CARE_LEVELS.get(case.self_care or ""),
        "basic_amount": case.basic_amount,
        "care_amount": case.care_amount,
        "linshi_type": LINSHI_TYPES.get(case.linshi_type or ""),
        "amount": case.amount,
        "paid_on": case.paid_on,
        "reason_category": case.reason_category,
        "benefit_start": case.benefit_start,
        "closing_reason": case.closing_reason,
        "members": [
            f"{m.name} {m.id_number} {m.relation}{'' if m.covered else '（不纳入保障）'}"
            for m in case.members
        ]
        or None,
    }
    return {
        k: (str(v) if isinstance(v, Decimal | date) else v)
        for k, v in fields.items()
        if v is not None
    }


def _apply(case: Case, values: dict, members: list[MemberInput]) -> None:
    for key, value in values.items():
        setattr(case, key, value)
    case.village = db.session.get(Region, values["village_id"])
    # Members are matched by resident ID and updated in place: replacing the list would insert
    # the new rows before deleting the old ones and trip the (case, id_number) uniqueness.
    existing = {m.id_number: m for m in case.members}
    kept = []
    for position, member in enumerate(members):
        row = existing.get(member.id_number) or CaseMember(id_number=member.id_number)
        row.position, row.name = position, member.name
        row.relation, row.covered = member.relation, member.covered
        kept.append(row)
    case.members = kept


def _require_editor(user) -> None:
    if not user.can_edit_cases:
        raise Forbidden("只有乡镇经办人可以录入或修改案件")


def create_case(user, program: Program | str, data: dict) -> Case:
    _require_editor(user)
    program = Program(program)
    values, members = clean_case_data(user, program, data)
    _check_distinct_people(values, members)
    _check_not_in_other_case(values, members, None)
    case = Case(status=CaseStatus.DRAFT, created_by_id=user.id, updated_by_id=user.id)
    _apply(case, values, members)
    db.session.add(case)
    db.session.flush()
    audit.record(
        "create", "case", case.id, user=user, region_id=case.village_id, after=_audit_view(case)
    )
    db.session.commit()
    return case


def update_case(user, case_id: int, data: dict, expected_version: int) -> Case:
    """Save an edit made on the copy with `expected_version`; a newer save wins, never this one."""
    _require_editor(user)
    case = get_case(user, case_id)
    if case.version != expected_version:
        raise _stale(case)
    if case.status not in EDITABLE_STATUSES:
        raise DomainError(f"该案件{case.status.label}，不能修改")
    values, members = clean_case_data(user, case.program, data)
    _check_distinct_people(values, members)
    _check_not_in_other_case(values, members, case.id)
    _check_village_change(case, values["village_id"])
    before = _audit_view(case)
    _apply(case, values, members)
    case.updated_by_id = user.id
    after = _audit_view(case)
    if before == after:
        db.session.rollback()
        return case
    # Touching the row makes every edit, members-only ones too, bump the version.
    case.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise _stale(get_case(user, case_id)) from None
    audit.record(
        "update", "case", case.id, user=user, region_id=case.village_id, before=before, after=after
    )
    from noticeboard.notices.services import case_changed  # notices build on cases

    case_changed(case, user)  # a new roster version, in the same commit as the edit
    db.session.commit()
    return case


def _check_village_change(case: Case, village_id: int) -> None:
    """A case listed on a roster or a notice draft stays in its village: moving it would
    leave the old village's list showing it."""
    if village_id == case.village_id:
        return
    if case.status not in (CaseStatus.DRAFT, CaseStatus.INVESTIGATING) or _listed_on_a_notice(
        case, drafts_only=True
    ):
        raise ValidationFailed(
            {
                "village_id": [
                    "所属村/社区：该案件已列入公示或长期公示，不能改村；"
                    "如户籍迁移，请终止后在新村重新录入，或先从公示草稿中移出"
                ]
            }
        )


def _listed_on_a_notice(case: Case, drafts_only: bool = False) -> bool:
    from noticeboard.notices.models import Notice, NoticeEntry, NoticeStatus

    query = select(NoticeEntry.id).where(NoticeEntry.case_id == case.id)
    if drafts_only:
        query = query.join(Notice, Notice.id == NoticeEntry.notice_id).where(
            Notice.status == NoticeStatus.DRAFT
        )
    return db.session.scalar(query.limit(1)) is not None


def _stale(case: Case) -> StaleCase:
    editor = db.session.get(User, case.updated_by_id) if case.updated_by_id else None
    who = editor.display_name if editor else "他人"
    return StaleCase(
        f"保存未成功：{who}已在您打开此页后修改了该案件。为免覆盖对方的修改，"
        "请重新打开案件，核对后再录入您的修改。"
    )


def delete_case(user, case_id: int, expected_version: int) -> None:
    """Only a draft that never went to notice can be deleted; everything else is terminated."""
    _require_editor(user)
    case = get_case(user, case_id)
    if case.version != expected_version:
        raise _stale(case)
    if case.status != CaseStatus.DRAFT or _listed_on_a_notice(case):
        raise DomainError("只能删除从未列入公示的草稿案件；已列入公示的案件请办理终止")
    audit.record(
        "delete", "case", case.id, user=user, region_id=case.village_id, before=_audit_view(case)
    )
    db.session.delete(case)
    db.session.commit()


def get_case(user, case_id: int) -> Case:
    """The case if it lies inside the user's scope; another township's case is NotFound."""
    case = db.session.scalar(
        select(Case)
        .join(Case.village)
        .where(Case.id == case_id, scope_clause(user))
        .options(selectinload(Case.members))
    )
    if case is None:
        raise NotFound("未找到该案件")
    return case


@dataclass
class CaseFilter:
    program: str | None = None
    village_id: int | None = None
    status: str | None = None
    q: str | None = None


def case_query(user, filters: CaseFilter) -> Select:
    query = select(Case).join(Case.village).where(scope_clause(user))
    if filters.program:
        query = query.where(Case.program == filters.program)
    if filters.village_id:
        query = query.where(Case.village_id == filters.village_id)
    if filters.status:
        query = query.where(Case.status == filters.status)
    if q := (filters.q or "").strip():
        if any(ch.isdigit() for ch in q):
            # Resident IDs are searched whole or by any part (clerks often have the last 4-6).
            term = q.upper()
            members = select(CaseMember.case_id).where(
                CaseMember.id_number.contains(term, autoescape=True)
            )
            query = query.where(
                or_(Case.applicant_id_number.contains(term, autoescape=True), Case.id.in_(members))
            )
        else:
            members = select(CaseMember.case_id).where(CaseMember.name.contains(q, autoescape=True))
            query = query.where(
                or_(Case.applicant_name.contains(q, autoescape=True), Case.id.in_(members))
            )
    return query


def list_cases(user, filters: CaseFilter, page: int = 1, per_page: int = 50):
    query = case_query(user, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(Case.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
        .options(selectinload(Case.village))
    ).all()
    return rows, total


def case_history(user, case_id: int):
    """Audit entries of a case in scope; deleted cases are read through the region column."""
    entries = audit.history("case", case_id)
    if not entries:
        raise NotFound("未找到该案件")
    region = db.session.get(Region, entries[-1].region_id) if entries[-1].region_id else None
    if region is None or not region_in_scope(user, region):
        raise NotFound("未找到该案件")
    return entries
