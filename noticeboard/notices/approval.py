"""审核确认: approving or rejecting a case once its 7-day notice ended with no open objection.

This lives with notices rather than cases because what blocks an approval is the state of
the case's latest notice and its objections.
"""

from datetime import date

from sqlalchemy import select

from noticeboard.cases.lifecycle import set_case_status
from noticeboard.cases.models import Case, CaseStatus
from noticeboard.cases.services import get_case
from noticeboard.core.dates import first_of_next_month, local_today
from noticeboard.core.errors import DomainError
from noticeboard.core.permissions import Action, require
from noticeboard.core.types import utcnow
from noticeboard.core.validation import clean_reason
from noticeboard.extensions import db
from noticeboard.notices.models import Notice, NoticeEntry, Objection
from noticeboard.notices.rosters import publish_roster
from noticeboard.notices.state import NoticeState, latest_notice_of, notice_state
from noticeboard.regions.scope import scope_clause


def approval_blocker(case: Case, today: date | None = None) -> str | None:
    """Why the case cannot be approved yet, or None when it can."""
    today = today or local_today()
    if case.status != CaseStatus.IN_NOTICE:
        return f"案件{case.status.label}，不在公示中"
    notice = latest_notice_of(case)
    if notice is None:
        return "案件没有已发布的公示"
    state = notice_state(notice, today)
    if state != NoticeState.ENDED:
        return f"{state.label}（{notice.end_date:%Y-%m-%d} 期满），期满后方可审批"
    listed_on = select(NoticeEntry.notice_id).where(NoticeEntry.case_id == case.id)
    open_anywhere = db.session.scalar(
        select(Objection.id)
        .where(Objection.notice_id.in_(listed_on), Objection.outcome.is_(None))
        .where((Objection.case_id == case.id) | Objection.case_id.is_(None))
        .limit(1)
    )
    if open_anywhere is not None:
        return "公示有未办结的异议"
    return None


def cases_in_notice(user) -> list[Case]:
    """Cases of the user's scope that are in a 7-day notice (waiting for its end or approval)."""
    return list(
        db.session.scalars(
            select(Case)
            .join(Case.village)
            .where(Case.status == CaseStatus.IN_NOTICE, scope_clause(user))
            .order_by(Case.id)
        )
    )


def approval_queue(user, today: date | None = None) -> list[tuple[Case, Notice]]:
    """Cases in the user's scope whose notice ended with no open objection."""
    return [
        (c, latest_notice_of(c))
        for c in cases_in_notice(user)
        if approval_blocker(c, today) is None
    ]


def _case_to_decide(user, case_id: int) -> Case:
    require(user, Action.DECIDE_CASE)
    return get_case(user, case_id)


def approve_case(user, case_id: int, today: date | None = None) -> Case:
    """审核确认: benefits start the month after approval; the roster gets a new version."""
    today = today or local_today()
    case = _case_to_decide(user, case_id)
    if blocker := approval_blocker(case, today):
        raise DomainError(f"{case.reference} 暂不能审批：{blocker}")
    case.benefit_start = first_of_next_month(today)
    case.decided_at = utcnow()
    case.decided_by_id = user.id
    set_case_status(case, CaseStatus.APPROVED, user, f"自 {case.benefit_start:%Y-%m} 起享受")
    publish_roster(case.village, case.program, user, "approved")
    db.session.commit()
    return case


def reject_case(user, case_id: int, reason: str) -> Case:
    """不予确认, with the reason told to the household."""
    case = _case_to_decide(user, case_id)
    reason = clean_reason(reason, "reason", "不予确认的理由", "请写明理由")
    if case.status not in (CaseStatus.IN_NOTICE, CaseStatus.INVESTIGATING):
        raise DomainError(f"{case.reference} {case.status.label}，不能作不予确认处理")
    if case.status == CaseStatus.IN_NOTICE and (blocker := approval_blocker(case)):
        raise DomainError(f"{case.reference} 暂不能审批：{blocker}")
    case.closing_reason = reason
    case.decided_at = utcnow()
    case.decided_by_id = user.id
    set_case_status(case, CaseStatus.REJECTED, user, reason)
    db.session.commit()
    return case
