"""The 7-day notice (拟保/拟认定公示): prepare, publish, withdraw, correct, edit a draft."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from noticeboard.audit.models import AuditAction
from noticeboard.cases.lifecycle import set_case_status
from noticeboard.cases.models import (
    NOTICE_PROGRAMS,
    NOTICEABLE_STATUSES,
    ROSTER_STATUSES,
    Case,
    CaseStatus,
    Program,
)
from noticeboard.core.dates import CHINA, local_today
from noticeboard.core.errors import DomainError, NotFound, ValidationFailed
from noticeboard.core.permissions import Action, require
from noticeboard.core.types import utcnow
from noticeboard.core.validation import FieldError, clean_date, clean_reason
from noticeboard.extensions import db
from noticeboard.notices.models import Notice, NoticeEntry, NoticeKind, NoticeStatus
from noticeboard.notices.periods import notice_period_end, uses_working_days
from noticeboard.notices.snapshots import audit_notice, clean_public_reason, freeze, title_for
from noticeboard.notices.state import (
    CORRECTABLE,
    WITHDRAWABLE,
    cases_whose_latest_notice_is,
    get_notice,
    notice_state,
)
from noticeboard.notices.terminations import discard_terminations, drop_terminations
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import chosen_region, scope_clause

# A notice is drafted to go up soon: a start months away is a typing slip.
START_WITHIN_DAYS = 90


def prepare_notice(
    user,
    village_id,
    program: Program | str,
    case_ids: list[int],
    start: date | str | None = None,
    *,
    today: date | None = None,
) -> Notice:
    """A clerk drafts the 7-day notice of some cases of one village and program.

    `today` stands in for the calendar (demo history); it defaults to the real local day.
    """
    require(user, Action.PREPARE_NOTICE)
    village = chosen_region(user, village_id, (RegionLevel.VILLAGE,), "村/社区")
    if program not in set(NOTICE_PROGRAMS):
        raise ValidationFailed({"program": ["项目：拟保公示只用于低保和特困"]})
    program = Program(program)
    # Demo history is prepared "on" its day too, so prepared-at never follows published-at.
    created_at = utcnow() if today is None else datetime.combine(today, time(8, 30), CHINA)
    today = today or local_today()
    try:
        start = clean_date(start, "公示开始日期") or today
    except FieldError as error:
        raise ValidationFailed({"start_date": [str(error)]}) from None
    if start < today:
        raise ValidationFailed({"start_date": ["公示开始日期：不能早于今天"]})
    if start > today + timedelta(days=START_WITHIN_DAYS):
        raise ValidationFailed(
            {"start_date": [f"公示开始日期：最晚为 {START_WITHIN_DAYS} 天后，请核对"]}
        )
    cases = _cases_for_notice(user, village, program, case_ids)
    notice = Notice(
        created_at=created_at,
        kind=NoticeKind.PRE_APPROVAL,
        program=program,
        region=village,
        status=NoticeStatus.DRAFT,
        title=title_for(NoticeKind.PRE_APPROVAL, program, village, start),
        start_date=start,
        end_date=notice_period_end(start, uses_working_days(village)),
        prepared_by_id=user.id,
    )
    notice.entries = [NoticeEntry(case=c, line=i) for i, c in enumerate(cases, 1)]
    db.session.add(notice)
    # Listing a case on a draft is a change of the case (its version moves on), so a second
    # clerk drafting the same case at the same instant is refused here, not left with a twin.
    for case in cases:
        case.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ValidationFailed(
            {"case_ids": ["公示对象：所选案件刚被他人列入另一份公示草稿，请刷新后重新选择"]}
        ) from None
    audit_notice(AuditAction.CREATE, notice, user, cases=len(cases))
    db.session.commit()
    return notice


def _cases_for_notice(user, village: Region, program: Program, case_ids) -> list[Case]:
    ids = sorted({int(i) for i in case_ids or []})
    if not ids:
        raise ValidationFailed({"case_ids": ["公示对象：请至少选择一个案件"]})
    cases = db.session.scalars(
        select(Case).join(Case.village).where(Case.id.in_(ids), scope_clause(user))
    ).all()
    problems = []
    found = {c.id for c in cases}
    problems += [f"案件 {i} 不存在或不在本辖区" for i in ids if i not in found]
    for case in cases:
        if case.village_id != village.id or case.program != program:
            problems.append(f"{case.reference} 不属于{village.name}的{program.label}")
        elif case.status not in NOTICEABLE_STATUSES:
            problems.append(f"{case.reference} 当前{case.status.label}，不能列入拟保公示")
    drafts = db.session.scalars(
        select(NoticeEntry)
        .join(NoticeEntry.notice)
        .where(NoticeEntry.case_id.in_(ids), Notice.status == NoticeStatus.DRAFT)
    ).all()
    problems += [f"案件 {e.case_id} 已在待发布的公示草稿 {e.notice_id} 中" for e in drafts]
    if problems:
        raise ValidationFailed({"case_ids": problems})
    return sorted(cases, key=lambda c: (c.group_name or "", c.id))


def draft_fingerprint(notice: Notice) -> str:
    """What a reviewer saw of a draft: its start and each listed case at its version. The
    publish form carries it, so a case changed after the page was opened is not published."""
    lines = ",".join(f"{entry.case_id}.{entry.case.version}" for entry in notice.entries)
    return f"{notice.start_date}|{lines}"


def _changes_since(notice: Notice, seen: str) -> str:
    _, _, lines = seen.partition("|")
    versions = dict(part.split(".", 1) for part in lines.split(",") if part.count(".") == 1)
    changed = []
    for case in notice.cases:
        if versions.pop(str(case.id), None) != str(case.version):
            persons = f"、{case.persons_covered} 人" if case.persons_covered else ""
            changed.append(f"{case.reference} 现为 {case.listed_amount:,.2f} 元{persons}")
    changed += [f"案件 {case_id} 已移出草稿" for case_id in versions]
    detail = "；".join(changed) or "公示开始日期已变化"
    return f"发布未成功：草稿在您打开后有变化（{detail}）。请核对本页内容后再发布。"


def publish_notice(
    user, notice_id: int, *, seen: str | None = None, today: date | None = None
) -> Notice:
    """A reviewer who neither prepared the notice nor entered its cases publishes it, exactly
    as they saw it: `seen` is the draft_fingerprint of the page they published from (None
    only for callers that show no page, such as the demo loader).

    `today` stands in for the calendar (demo history); it defaults to the real local day.
    """
    notice = get_notice(user, notice_id)
    require(user, Action.PUBLISH_NOTICE)
    if notice.status != NoticeStatus.DRAFT:
        raise DomainError("该公示已发布或已撤回，不能再次发布")
    require(user, Action.PUBLISH_NOTICE, notice)
    if notice.returned_at is not None:
        raise DomainError("该草稿已退回经办人修改，经办人重新提交后方可发布")
    if seen is not None and seen != draft_fingerprint(notice):
        raise DomainError(_changes_since(notice, seen))
    cases = notice.cases
    if notice.kind.has_period:
        # A termination notice lists cases still in force; a pre-approval one, cases to decide.
        allowed = NOTICEABLE_STATUSES if notice.kind == NoticeKind.PRE_APPROVAL else ROSTER_STATUSES
        stale = [c.reference for c in cases if c.status not in allowed]
        if stale:
            raise DomainError(f"以下案件状态已变化，请重新拟定公示：{'、'.join(stale)}")
        day = today or local_today()
        if notice.start_date < day:
            notice.start_date = day
            notice.title = title_for(notice.kind, notice.program, notice.region, day)
        notice.end_date = notice_period_end(notice.start_date, uses_working_days(notice.region))
    if notice.kind == NoticeKind.PRE_APPROVAL:
        for case in cases:
            set_case_status(case, CaseStatus.IN_NOTICE, user, f"列入《{notice.title}》")
    freeze(notice, cases, user, today)
    audit_notice(AuditAction.PUBLISH, notice, user, verification_code=notice.verification_code)
    db.session.commit()
    return notice


def return_draft(user, notice_id: int, note: str) -> Notice:
    """A reviewer sends a draft back to its clerk with what to change (退回修改)."""
    notice = get_notice(user, notice_id)
    require(user, Action.PUBLISH_NOTICE)
    note = clean_reason(note, "reason", "退回说明")
    if not notice.is_draft:
        raise DomainError("只能退回尚未发布的草稿")
    notice.returned_at, notice.returned_by_id, notice.return_note = utcnow(), user.id, note
    audit_notice(AuditAction.RETURN, notice, user, note=note)
    db.session.commit()
    return notice


def resubmit_draft(user, notice_id: int) -> Notice:
    """The clerk has made the changes: the draft waits for a reviewer again."""
    notice = get_notice(user, notice_id)
    require(user, Action.PREPARE_NOTICE)
    if not notice.is_draft or notice.returned_at is None:
        raise DomainError("该草稿没有被退回，无需重新提交")
    notice.returned_at = notice.returned_by_id = notice.return_note = None
    audit_notice(AuditAction.RESUBMIT, notice, user)
    db.session.commit()
    return notice


def withdraw_notice(user, notice_id: int, reason: str) -> Notice:
    """Take a notice down, with the reason; its cases go back to be prepared again."""
    notice = get_notice(user, notice_id)
    require(user, Action.WITHDRAW_NOTICE, notice)
    reason = clean_reason(reason, "reason", "撤回原因")
    if notice.kind == NoticeKind.ROSTER:
        raise DomainError("长期公示随案件变化自动更新，不能撤回")
    if notice.is_draft:
        original = notice.supersedes
        if original is not None and original.status == NoticeStatus.PUBLISHED:
            # A dropped correction leaves the original in force: its cases are in notice again.
            for case in cases_whose_latest_notice_is(original):
                if case.status == CaseStatus.DRAFT:
                    note = f"《{notice.title}》的更正草稿删除"
                    set_case_status(case, CaseStatus.IN_NOTICE, user, note)
        audit_notice(AuditAction.DELETE, notice, user, reason=reason)
        discard_terminations(notice)
        db.session.delete(notice)
        db.session.commit()
        return notice
    if notice_state(notice) not in WITHDRAWABLE:
        raise DomainError("该公示已撤回或已被更正")
    held = cases_whose_latest_notice_is(notice)  # before the withdrawal hides the notice
    notice.status = NoticeStatus.WITHDRAWN
    notice.withdrawn_at = utcnow()
    notice.withdrawn_reason = reason
    notice.withdrawn_by_id = user.id
    for case in held:
        if case.status == CaseStatus.IN_NOTICE:
            set_case_status(case, CaseStatus.DRAFT, user, f"《{notice.title}》撤回")
    drop_terminations(notice, user, f"《{notice.title}》撤回：{reason}")
    audit_notice(AuditAction.WITHDRAW, notice, user, reason=reason)
    db.session.commit()
    return notice


def can_correct(notice: Notice) -> bool:
    return (
        notice.kind == NoticeKind.PRE_APPROVAL
        and notice_state(notice) in CORRECTABLE
        and notice.superseded_by is None
    )


def prepare_correction(user, notice_id: int, reason: str) -> Notice:
    """Draft a correction (更正) of a published notice; it supersedes the old one on publishing.

    The cases return to 待公示 so the clerk can fix them; the corrected notice restarts the
    7-day period, since residents must see the corrected figures for the full time.
    """
    old = get_notice(user, notice_id)
    require(user, Action.PREPARE_NOTICE)
    reason = clean_public_reason(reason, "更正原因", "请写明更正了什么、为什么")
    if old.kind != NoticeKind.PRE_APPROVAL or notice_state(old) not in CORRECTABLE:
        raise DomainError("只能更正公示期内的拟保公示")
    if old.superseded_by is not None:
        raise DomainError(f"该公示已有更正公示 {old.superseded_by.id}")
    for case in cases_whose_latest_notice_is(old):
        if case.status == CaseStatus.IN_NOTICE:
            set_case_status(case, CaseStatus.DRAFT, user, f"《{old.title}》更正")
    today = local_today()
    notice = Notice(
        kind=old.kind,
        program=old.program,
        region=old.region,
        status=NoticeStatus.DRAFT,
        title=title_for(old.kind, old.program, old.region, today),
        start_date=today,
        end_date=notice_period_end(today, uses_working_days(old.region)),
        supersedes=old,
        supersede_reason=reason,
        prepared_by_id=user.id,
    )
    notice.entries = [NoticeEntry(case=c, line=i) for i, c in enumerate(old.cases, 1)]
    db.session.add(notice)
    db.session.flush()
    audit_notice(AuditAction.CREATE, notice, user, note=f"更正公示 {old.id}", reason=reason)
    db.session.commit()
    return notice


def remove_from_draft(user, notice_id: int, case_id: int) -> Notice:
    """Take one case out of a draft; the remaining lines are numbered again."""
    require(user, Action.EDIT_CASES)
    notice = get_notice(user, notice_id)
    if not notice.is_draft:
        raise DomainError("只能修改草稿公示")
    remaining = [e for e in notice.entries if e.case_id != case_id]
    if len(remaining) == len(notice.entries):
        raise NotFound("该案件不在此公示中")
    if not remaining:
        raise DomainError("公示至少要有一个对象；若都不需要，请删除草稿")
    notice.entries = remaining
    db.session.flush()
    for line, entry in enumerate(sorted(remaining, key=lambda e: e.line), 1):
        entry.line = -line  # two steps, so the unique (notice, line) holds at every flush
    db.session.flush()
    for entry in remaining:
        entry.line = -entry.line
    db.session.commit()
    return notice
