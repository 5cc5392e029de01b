"""Changes to cases on the long-term roster (待审核变更): a reviewer who did not make the
change confirms it, and only then does it reach the case and the public roster."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from noticeboard.audit.models import AuditAction
from noticeboard.cases.models import Case, CaseChange, ChangeOutcome
from noticeboard.cases.services import (
    apply_values,
    audit_case,
    audit_view,
    log_change_view,
    save_edit,
)
from noticeboard.cases.validation import clean_case
from noticeboard.core.errors import DomainError, NotFound
from noticeboard.core.permissions import Action, require
from noticeboard.core.types import utcnow
from noticeboard.core.validation import clean_reason
from noticeboard.extensions import db
from noticeboard.regions.models import Region
from noticeboard.regions.scope import scope_clause


def pending_changes(user) -> list[CaseChange]:
    """Changes waiting for confirmation in the user's scope, oldest first."""
    return list(
        db.session.scalars(
            select(CaseChange)
            .join(Case, Case.id == CaseChange.case_id)
            .join(Region, Region.id == Case.village_id)
            .where(CaseChange.outcome.is_(None), scope_clause(user))
            .order_by(CaseChange.id)
            .options(selectinload(CaseChange.case))
        )
    )


def get_change(user, change_id: int) -> CaseChange:
    change = db.session.scalar(
        select(CaseChange)
        .join(Case, Case.id == CaseChange.case_id)
        .join(Region, Region.id == Case.village_id)
        .where(CaseChange.id == change_id, scope_clause(user))
    )
    if change is None:
        raise NotFound("未找到该变更")
    return change


def change_for_review(user, change_id: int) -> CaseChange:
    """The change as its page shows it, every value in full; logged when personal data
    changes (cases.services.log_change_view)."""
    change = get_change(user, change_id)
    log_change_view(user, change.case, change.changes)
    return change


def _decide(user, change_id: int) -> CaseChange:
    change = get_change(user, change_id)
    require(user, Action.CONFIRM_CASE_CHANGE, change)
    if not change.is_pending:
        raise DomainError(f"变更 {change.id} 已{change.outcome.label}")
    return change


def _close(change: CaseChange, user, outcome: ChangeOutcome, note: str | None) -> None:
    change.outcome = outcome
    change.decided_by_id = user.id
    change.decided_at = utcnow()
    change.note = note


def confirm_change(user, change_id: int) -> Case:
    """Apply the change as the clerk submitted it; the roster publishes a new version."""
    change = _decide(user, change_id)
    case = change.case
    if case.version != change.base_version:
        raise DomainError(
            f"{case.reference} 在提交此变更后又有修改，此变更已不适用：请退回，由经办人重新修改"
        )
    values, members = clean_case(user, case.program, change.proposed, case.id)
    before = audit_view(case)
    apply_values(case, values, members)
    _close(change, user, ChangeOutcome.CONFIRMED, None)
    save_edit(user, case, before, audit_view(case), note=f"确认变更 {change.id}")
    return case


def reject_change(user, change_id: int, reason: str) -> CaseChange:
    """Send the change back with the reason; the case stays as it was."""
    change = _decide(user, change_id)
    reason = clean_reason(reason, "reason", "退回原因")
    _close(change, user, ChangeOutcome.REJECTED, reason)
    audit_case(AuditAction.UPDATE, change.case, user, note=f"退回变更 {change.id}：{reason}")
    db.session.commit()
    return change
