"""Where a case stands (its status) and the changes of status that need no notice rule:
termination (停保/终止供养) and the start of benefits. Approval and rejection depend on the
7-day notice and live in notices.approval."""

from datetime import date

from sqlalchemy import select

from noticeboard.audit.models import AuditAction
from noticeboard.cases.models import CLOSED_STATUSES, ROSTER_STATUSES, Case, CaseStatus
from noticeboard.cases.services import audit_case, audit_view, get_case
from noticeboard.cases.signals import case_changed, case_status_changed
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError
from noticeboard.core.permissions import Action, require
from noticeboard.core.types import utcnow
from noticeboard.core.validation import clean_reason
from noticeboard.extensions import db
from noticeboard.regions.models import TerminationPath
from noticeboard.regions.termination import termination_path

# Changes of status the audit log names as such; the others (into a notice, back to a
# draft) are 修改 of the status.
STATUS_ACTIONS = {
    CaseStatus.APPROVED: AuditAction.APPROVE,
    CaseStatus.REJECTED: AuditAction.REJECT,
    CaseStatus.TERMINATED: AuditAction.TERMINATE,
    CaseStatus.ACTIVE: AuditAction.ACTIVATE,
    CaseStatus.INVESTIGATING: AuditAction.INVESTIGATE,
}


def set_case_status(case: Case, status: CaseStatus, user, note: str) -> None:
    """Change the status in the caller's transaction, with an audit entry saying why."""
    before = {"status": case.status.label}
    case.status = status
    if status in CLOSED_STATUSES:
        case.closed_at = utcnow()  # the retention period runs from here
    case.updated_by_id = user.id if user else None
    action = STATUS_ACTIONS.get(status, AuditAction.UPDATE)
    audit_case(action, case, user, before=before, after={"status": status.label}, note=note)
    case_status_changed.send(case, user=user)


def can_terminate(case: Case) -> bool:
    return case.status in ROSTER_STATUSES


def needs_termination_notice(case: Case) -> bool:
    """Whether the case ends only after a 7-day termination notice (特困 always; 低保 when
    its county chose so), which notices.terminations runs."""
    return termination_path(case.village, case.program) == TerminationPath.NOTICE


def terminate_case(user, case_id: int, reason: str) -> Case:
    """停保/终止供养 at once, with the reason; the village roster gets a new version."""
    require(user, Action.TERMINATE_CASE)
    case = get_case(user, case_id)
    reason = clean_reason(reason, "reason", "终止原因")
    if not can_terminate(case):
        raise DomainError(f"{case.reference} {case.status.label}，不能终止")
    if needs_termination_notice(case):
        raise DomainError(f"{case.reference} 须先进行终止公示，期满无异议后方可终止")
    close_case(case, user, reason)
    db.session.commit()
    return case


def close_case(case: Case, user, reason: str) -> None:
    """The termination itself, in the caller's transaction: the reason told to the household,
    the status, and the roster's new version (through case_changed)."""
    case.closing_reason = reason
    set_case_status(case, CaseStatus.TERMINATED, user, reason)
    case_changed.send(case, user=user, change="terminated")


def reinvestigate(user, case: Case, amounts: dict, note: str) -> None:
    """New amounts that need a new 7-day notice (复查后重新公示): the case returns to 复查中
    with them and leaves the roster until it is approved again; in the caller's transaction."""
    before = audit_view(case)
    for name, value in amounts.items():
        setattr(case, name, value)
    case.updated_by_id = user.id
    audit_case(AuditAction.UPDATE, case, user, before=before, after=audit_view(case), note=note)
    set_case_status(case, CaseStatus.INVESTIGATING, user, note)
    case_changed.send(case, user=user, change="reinvestigated")


def activate_due(today: date | None = None) -> int:
    """Approved cases whose first benefit month has come become active (保障中)."""
    today = today or local_today()
    due = db.session.scalars(
        select(Case).where(Case.status == CaseStatus.APPROVED, Case.benefit_start <= today)
    ).all()
    for case in due:
        set_case_status(case, CaseStatus.ACTIVE, None, "开始享受")
    db.session.commit()
    return len(due)
