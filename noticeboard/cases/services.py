"""Entering, changing, deleting and finding one case of the user's scope."""

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from noticeboard.accounts.models import User
from noticeboard.audit import services as audit
from noticeboard.audit.access import record_access
from noticeboard.audit.models import (
    AccessKind,
    AuditAction,
    register_masked_fields,
    register_references,
    shown_value,
)
from noticeboard.cases.inserts import insert_new_case
from noticeboard.cases.models import (
    DIBAO_AREAS,
    EDITABLE_STATUSES,
    LINSHI_TYPES,
    NOTICE_PROGRAMS,
    ROSTER_STATUSES,
    SELF_CARE_LEVELS,
    TEKUN_MODES,
    Case,
    CaseChange,
    CaseMember,
    CaseStatus,
    Program,
    ProgramLimit,
)
from noticeboard.cases.signals import (
    batch_of_changes,
    case_changed,
    cases_added,
    cases_changed,
    is_listed_on_a_notice,
)
from noticeboard.cases.validation import MemberInput, clean_case
from noticeboard.core.errors import DomainError, NotFound, ValidationFailed
from noticeboard.core.permissions import Action, require
from noticeboard.core.statements import commit_keeping_loaded
from noticeboard.core.types import utcnow
from noticeboard.core.validation import FieldError, clean_amount
from noticeboard.extensions import db
from noticeboard.masking.rules import mask_identifiers, mask_name, resident_ids_in
from noticeboard.regions.delegation import county_id_of, linshi_confirmer, linshi_rule
from noticeboard.regions.models import Confirmer
from noticeboard.regions.scope import scope_clause


class StaleCase(DomainError):
    """Someone saved the case after this editor opened it."""


def set_ceiling(user, program: Program | str, value) -> ProgramLimit:
    require(user, Action.ADMINISTER)
    if program not in set(Program):
        raise ValidationFailed({"program": ["项目：请从列表中选择"]})
    program = Program(program)
    try:
        amount = clean_amount(value, f"{program.label}金额上限")
    except FieldError as error:
        raise ValidationFailed({"ceiling": [str(error)]}) from None
    limit = db.session.get(ProgramLimit, str(program)) or ProgramLimit(program=program)
    before = {"ceiling": str(limit.ceiling) if limit.ceiling is not None else None}
    limit.ceiling = amount
    db.session.add(limit)
    audit.record(
        AuditAction.UPDATE,
        "program_limit",
        0,
        user=user,
        before=before,
        after={"ceiling": str(amount)},
        note=program.label,
    )
    db.session.commit()
    return limit


def audit_case(action: AuditAction, case: Case, user, **entry) -> None:
    """An audit entry about the case, in the caller's transaction (region: its village)."""
    audit.record(action, "case", case.id, user=user, region_id=case.village_id, **entry)


def audit_view(case: Case) -> dict:
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
        "emergency_reason": case.emergency_reason,
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


# audit_view's fields that hold personal data, under their access-log names
# (audit.models.ACCESS_FIELDS); the log pages show them masked.
PERSONAL_LOG_FIELDS = {
    "applicant_id_number": "id_number",
    "members": "member_id_numbers",
    "applicant_phone": "phone",
    "address": "address",
}
register_masked_fields(
    {
        **dict.fromkeys(("applicant_id_number", "applicant_phone", "members"), mask_identifiers),
        "address": lambda _: "（已隐藏）",
    }
)


def log_change_view(user, case: Case, changes: dict) -> None:
    """A page showing a change's before and after in full (the reviewer checks a new ID
    against the documents): logged when the change touches personal data."""
    keys = [key for key in PERSONAL_LOG_FIELDS if key in changes]
    if keys:
        values = " ".join(shown_value(value) for key in keys for value in changes[key])
        fields = [PERSONAL_LOG_FIELDS[key] for key in keys]
        record_access(user, AccessKind.VIEW, fields, case=case, identifiers=resident_ids_in(values))
        db.session.commit()


def case_references(ids: list[int]) -> dict[int, str]:
    """Cases as the audit log names them: 低保-000048 张*平 (the name masked: the log is read
    far from the case)."""
    rows = db.session.execute(
        select(Case.id, Case.program, Case.applicant_name).where(Case.id.in_(ids))
    )
    return {
        case_id: f"{Program(program).label}-{case_id:06d} {mask_name(name)}"
        for case_id, program, name in rows
    }


register_references("case", case_references)


def apply_values(case: Case, values: dict, members: list[MemberInput]) -> None:
    for key, value in values.items():
        setattr(case, key, value)  # the village too (clean_case_data)
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


# What each program's form posts besides the common fields (cases/forms.py).
FORM_FIELDS = {
    Program.DIBAO: (
        "dibao_area",
        "dibao_category",
        "monthly_amount",
        "income_per_person",
        "frequent_review",
    ),
    Program.TEKUN: (
        "tekun_mode",
        "self_care",
        "basic_amount",
        "care_amount",
        "amount_override_reason",
    ),
    Program.LINSHI: ("linshi_type", "reason_category", "amount", "paid_on", "emergency_reason"),
}


def form_data(case: Case) -> dict:
    """The case as its form posts it, for a change made elsewhere (a review) that goes the
    form's way: clean_case, and the reviewer's confirmation for a case on the roster."""
    fields = ("village_id", "group_name", "applicant_name", "applicant_id_number")
    fields += ("applicant_phone", "address", *FORM_FIELDS[case.program])
    data = {f: getattr(case, f) for f in fields}
    data = {k: str(v) if isinstance(v, Decimal | date) else v for k, v in data.items()}
    data["members"] = [
        {"name": m.name, "id_number": m.id_number, "relation": m.relation, "covered": m.covered}
        for m in case.members
    ]
    return data


def create_case(user, program: Program | str, data: dict) -> Case:
    case = enter_case(user, program, data)
    commit_keeping_loaded()  # the case's values are the ones just written
    return case


def enter_case(user, program: Program | str, data: dict) -> Case:
    """A new draft case with its audit entry, in the caller's transaction: callers entering
    many cases at once (an import) commit them together, or roll all of them back."""
    require(user, Action.EDIT_CASES)
    program = Program(program)
    values, members = clean_case(user, program, data)
    case = Case(status=CaseStatus.DRAFT, created_by_id=user.id, updated_by_id=user.id)
    apply_values(case, values, members)
    note = route_linshi(case)
    insert_new_case(db.session, case)
    audit_case(AuditAction.CREATE, case, user, after=audit_view(case), note=note)
    return case


def route_linshi(case: Case) -> str | None:
    """Who approves a 临时救助 (民发〔2018〕23号), fixed when it is entered and again when its
    amount changes (an approval covers the amount approved): above the county's township
    limit, decided_under is the county and the case waits for its approval
    (cases/linshi_approval.py); otherwise the township's entry is its approval, as ever.
    A 先行救助 whose paperwork is done keeps its approval. Gives the audit entry's note."""
    if case.program != Program.LINSHI or case.paperwork_done_at is not None:
        return None
    county_id = county_id_of(case.village)
    by = linshi_confirmer(county_id, case.amount)
    case.decided_at, case.decided_by_id = None, None
    case.decided_under = Confirmer.COUNTY if by == Confirmer.COUNTY else None
    return f"{linshi_rule(county_id, by)}：待县级审批" if by == Confirmer.COUNTY else None


def add_cases(
    user,
    cleaned: list[tuple[dict, list[MemberInput]]],
    status: CaseStatus,
    entered_by_id: int,
    benefit_start: list[date | None] | None = None,
) -> list[Case]:
    """Many cases, already through clean_case, in the caller's transaction with their audit
    entries (an imported file: all of them or none); the caller has asked who may. They are
    entered by `entered_by_id` (who uploaded them) and recorded as `user`'s action (who
    confirmed them). Active ones (在保对象, approved before the system existed) carry their
    first benefit month."""
    cases = []
    for index, (values, members) in enumerate(cleaned):
        case = Case(status=status, created_by_id=entered_by_id, updated_by_id=user.id)
        apply_values(case, values, members)
        if benefit_start is not None:
            case.benefit_start = benefit_start[index]
        cases.append(case)
    db.session.add_all(cases)
    db.session.flush()  # one flush: the inserts go out in batches
    for case in cases:
        audit_case(AuditAction.CREATE, case, user, after=audit_view(case), note="导入")
    cases_added.send(tuple(cases), user=user)
    return cases


def update_case(user, case_id: int, data: dict, expected_version: int) -> Case:
    """Save an edit made on the copy with `expected_version`; a newer save wins, never this one."""
    require(user, Action.EDIT_CASES)
    case = get_case(user, case_id)
    if case.version != expected_version:
        raise _stale(case)
    if case.status not in EDITABLE_STATUSES:
        raise DomainError(f"该案件{case.status.label}，不能修改")
    values, members = clean_case(user, case.program, data, case.id)
    _check_village_change(case, values["village_id"])
    if case.paperwork_done_at is not None and not values.get("emergency_reason"):
        raise ValidationFailed(
            {"emergency_reason": ["先行救助理由：该先行救助已补办手续并审批，理由不能清空"]}
        )
    before = audit_view(case)
    apply_values(case, values, members)
    after = audit_view(case)
    if before == after:
        db.session.rollback()
        return case
    if case.status in ROSTER_STATUSES and case.program in NOTICE_PROGRAMS:
        # The case is on the public roster: the edit waits for a reviewer (maker/checker).
        db.session.rollback()
        _propose_change(user, case, data, audit.diff(before, after))
        return case
    note = route_linshi(case) if before.get("amount") != after.get("amount") else None
    save_edit(user, case, before, after, note)
    return case


def save_edit(user, case: Case, before: dict, after: dict, note: str | None = None) -> None:
    """Commit an applied edit with its audit entry; a change to a case on the roster
    publishes a new roster version in the same commit."""
    case.updated_by_id = user.id
    # Touching the row makes every edit, members-only ones too, bump the version.
    case.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise _stale(get_case(user, case.id)) from None
    audit_case(AuditAction.UPDATE, case, user, before=before, after=after, note=note)
    case_changed.send(case, user=user, change="changed")
    db.session.commit()


# The amount columns a new standard may change, and what the audit log shows of them.
AMOUNT_FIELDS = ("monthly_amount", "basic_amount", "care_amount")


def change_amounts(user, updates: list[tuple[Case, dict]], note: str) -> list[Case]:
    """Set new amounts on many cases in the caller's transaction (a re-calculation after a
    new standard): one audit entry per case, case_changed for each (statistics keep every
    case's amount history), then one cases_changed so that each village's roster publishes
    a single new version. `updates` pairs each case with its new AMOUNT_FIELDS values.

    Tens of thousands of cases: the rows are written by one UPDATE per set of fields, run
    for all of them, each still checking the version it was read at (a case changed since
    fails the whole change with StaleDataError), and the objects take the written values."""
    now = utcnow()
    table = Case.__table__
    batches: dict[tuple[str, ...], list[dict]] = {}
    entries = []
    for case, amounts in updates:
        fields = tuple(sorted(amounts))
        row = {"b_id": case.id, "b_version": case.version}
        batches.setdefault(fields, []).append(row | {f"b_{f}": amounts[f] for f in fields})
        entries.append(
            {
                "action": AuditAction.UPDATE,
                "entity_type": "case",
                "entity_id": case.id,
                "user": user,
                "region_id": case.village_id,
                "before": {f: str(getattr(case, f)) for f in fields},
                "after": {f: str(amounts[f]) for f in fields},
                "note": note,
            }
        )
    for fields, rows in batches.items():
        statement = (
            table.update()
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
            .values(
                {f: bindparam(f"b_{f}") for f in fields}
                | {"version": table.c.version + 1, "updated_at": now, "updated_by_id": user.id}
            )
        )
        if db.session.execute(statement, rows).rowcount != len(rows):
            raise StaleDataError("a case changed after its amounts were computed")
    audit.record_many(entries)
    changed = []
    with batch_of_changes():
        for case, amounts in updates:
            written = amounts | {"version": case.version + 1, "updated_at": now}
            for field, value in (written | {"updated_by_id": user.id}).items():
                set_committed_value(case, field, value)
            case_changed.send(case, user=user, change="changed")
            changed.append(case)
    cases_changed.send(changed, user=user, change="changed")
    return changed


def pending_change_of(case: Case) -> CaseChange | None:
    return db.session.scalar(
        select(CaseChange).where(CaseChange.case_id == case.id, CaseChange.outcome.is_(None))
    )


def _propose_change(user, case: Case, data: dict, changes: dict) -> CaseChange:
    if (pending := pending_change_of(case)) is not None:
        raise DomainError(
            f"该案件已有待审核的变更（{pending.created_at:%Y-%m-%d}提交），"
            "请待审核人确认或退回后再修改"
        )
    # Plain JSON (amounts and dates as typed): the reviewer's confirmation validates it again.
    proposed = json.loads(json.dumps(data, default=str))
    change = CaseChange(
        case_id=case.id,
        base_version=case.version,
        proposed=proposed,
        changes=changes,
        created_by_id=user.id,
    )
    db.session.add(change)
    db.session.flush()
    audit_case(AuditAction.CREATE, case, user, note=f"提交变更 {change.id}，待审核")
    db.session.commit()
    return change


def _check_village_change(case: Case, village_id: int) -> None:
    """A case listed on a roster or a notice draft stays in its village: moving it would
    leave the old village's list showing it."""
    if village_id == case.village_id:
        return
    if case.status not in (CaseStatus.DRAFT, CaseStatus.INVESTIGATING) or is_listed_on_a_notice(
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


def _stale(case: Case) -> StaleCase:
    editor = db.session.get(User, case.updated_by_id) if case.updated_by_id else None
    who = editor.display_name if editor else "他人"
    return StaleCase(
        f"保存未成功：{who}已在您打开此页后修改了该案件。为免覆盖对方的修改，"
        "请重新打开案件，核对后再录入您的修改。"
    )


def delete_case(user, case_id: int, expected_version: int) -> None:
    """Only a draft that never went to notice can be deleted; everything else is terminated."""
    require(user, Action.EDIT_CASES)
    case = get_case(user, case_id)
    if case.version != expected_version:
        # The refusal of a delete is flashed (kept in the readable session cookie): it names
        # no one, unlike the edit form's message, which stays on the page.
        raise StaleCase("删除未成功：该案件在您打开此页后已被修改，请重新打开案件核对后再操作")
    if case.status != CaseStatus.DRAFT or is_listed_on_a_notice(case):
        raise DomainError("只能删除从未列入公示的草稿案件；已列入公示的案件请办理终止")
    audit_case(AuditAction.DELETE, case, user, before=audit_view(case))
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


def personal_fields(case: Case) -> tuple[list[str], int]:
    """What a page showing the case in full shows (audit.models.ACCESS_FIELDS), and how many
    resident IDs: the applicant's and each member's."""
    fields = ["id_number"] + (["member_id_numbers"] if case.members else [])
    fields += ["phone"] if case.applicant_phone else []
    fields += ["address"] if case.address else []
    return fields, 1 + len(case.members)


def reveal_case(user, case_id: int) -> Case:
    """The case with its full IDs, phone and address for this page, the reveal logged."""
    case = get_case(user, case_id)
    require(user, Action.REVEAL_PERSONAL_DATA)
    _log_full_view(user, case, AccessKind.REVEAL)
    return case


def case_for_editing(user, case_id: int) -> Case:
    """The case for its form, which shows every value in full to change it: logged."""
    case = get_case(user, case_id)
    require(user, Action.EDIT_CASES)
    _log_full_view(user, case, AccessKind.VIEW)
    return case


def _log_full_view(user, case: Case, kind: AccessKind) -> None:
    fields, identifiers = personal_fields(case)
    record_access(user, kind, fields, case=case, identifiers=identifiers)
    db.session.commit()


def case_history(user, case_id: int):
    """Audit entries of a case in scope; deleted cases are read through the region column."""
    entries = audit.history(user, "case", case_id)
    if not entries:
        raise NotFound("未找到该案件")
    return entries
