"""先行救助: an emergency 临时救助 the township paid first, with a reason; its paperwork and
the township's approval (the county's, above its township limit: linshi_approval.py) follow
within EMERGENCY_PAPERWORK_WORKING_DAYS working days of the payment (《社会救助暂行办法》
Art. 48, 民发〔2018〕23号). Paid, it is on the month's after-the-fact list
(notices/linshi_lists.py) like every other 临时救助.
"""

from collections.abc import Callable
from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm.exc import StaleDataError

from noticeboard.audit.models import AuditAction
from noticeboard.cases.deadlines import Deadline, working_days_after
from noticeboard.cases.models import Case, Program
from noticeboard.cases.services import audit_case, get_case
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError
from noticeboard.core.permissions import Action, require
from noticeboard.core.types import utcnow
from noticeboard.extensions import db
from noticeboard.holidays.calendar import WorkCalendar
from noticeboard.regions.models import Confirmer


def paperwork_days() -> int:
    return int(current_app.config.get("EMERGENCY_PAPERWORK_WORKING_DAYS", 5))


def paperwork_deadline(case: Case, today: date | None = None) -> Deadline | None:
    """When a 先行救助's paperwork is due; None when it is no 先行救助 or is complete."""
    if case.emergency_reason is None or case.paperwork_done_at is not None:
        return None
    return working_days_after(case.paid_on, paperwork_days(), today)


def paperwork_pending() -> ColumnElement[bool]:
    """SQL: 先行救助 whose paperwork is not complete yet."""
    return and_(
        Case.program == Program.LINSHI,
        Case.emergency_reason.is_not(None),
        Case.paperwork_done_at.is_(None),
    )


def paperwork_overdue(today: date | None = None) -> ColumnElement[bool]:
    """SQL: 先行救助 past their paperwork deadline today, its paperwork still not complete."""
    day = WorkCalendar().day_before_working_days(today or local_today(), paperwork_days())
    return and_(paperwork_pending(), Case.paid_on < day)


def complete_paperwork(user, case_id: int) -> Case:
    """The township's reviewer confirms the paperwork complete and approves the payment
    after the fact; never the clerk who entered it (maker/checker). Above the county's
    township limit the county does (linshi_approval.approve_linshi)."""
    case = get_case(user, case_id)
    require(user, Action.COMPLETE_PAPERWORK, case)
    note = mark_paperwork_done(case, user)
    return record_decision(
        case, user, lambda: audit_case(AuditAction.CONFIRM, case, user, note=note)
    )


def mark_paperwork_done(case: Case, user) -> str:
    """A 先行救助 still waiting has its paperwork done by `user`; the audit entry's note."""
    if case.emergency_reason is None:
        raise DomainError(f"{case.reference} 不是先行救助，无须补办手续")
    if case.paperwork_done_at is not None:
        raise DomainError(f"{case.reference} 的先行救助手续已经补办，无须再次确认")
    deadline = paperwork_deadline(case)
    late = f"，逾期 {deadline.overdue_days} 天" if deadline.overdue_days else ""
    case.paperwork_done_at, case.paperwork_done_by_id = utcnow(), user.id
    return f"先行救助补办手续并审批{late}"


def record_decision(case: Case, user, audited: Callable[[], None]) -> Case:
    """Who approved (or refused) a 临时救助 and when, under the approval it was entered
    under (the county's above its township limit, else the township's); committed with what
    the caller changed, and `audited` (its audit entry) once the version check passed."""
    case.decided_at, case.decided_by_id = utcnow(), user.id
    case.decided_under = case.decided_under or Confirmer.TOWNSHIP
    try:
        db.session.flush()  # the version check: a second decision at once
    except StaleDataError:
        db.session.rollback()
        raise DomainError(f"{case.reference} 刚被他人修改，请刷新后核对") from None
    audited()
    db.session.commit()
    return case
