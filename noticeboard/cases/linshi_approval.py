"""县级审批: a 临时救助 above the county's township limit (民发〔2018〕23号) waits, off the
after-the-fact list, until the county approves it or refuses it with a reason; a 先行救助
above it, already paid, has its paperwork confirmed by the county instead of the township's
reviewer. Where a case goes is fixed when it is entered (services.route_linshi)."""

from sqlalchemy import ColumnElement, and_, or_

from noticeboard.audit.models import AuditAction
from noticeboard.cases.emergency import mark_paperwork_done, record_decision
from noticeboard.cases.lifecycle import set_case_status
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.cases.services import audit_case, get_case
from noticeboard.core.errors import DomainError
from noticeboard.core.permissions import Action, require
from noticeboard.core.validation import clean_reason
from noticeboard.regions.delegation import county_id_of, linshi_rule
from noticeboard.regions.models import Confirmer


def awaiting_county() -> ColumnElement[bool]:
    """SQL: 临时救助 sent to the county and not decided yet (先行救助 among them)."""
    return and_(
        Case.program == Program.LINSHI,
        Case.decided_under == Confirmer.COUNTY,
        Case.decided_at.is_(None),
        Case.status != CaseStatus.REJECTED,
    )


def listable() -> ColumnElement[bool]:
    """SQL: what the after-the-fact list may show: not a 临时救助 still waiting for the
    county's approval. A 先行救助 is listed once paid, whoever confirms its paperwork."""
    return or_(
        Case.decided_under.is_distinct_from(Confirmer.COUNTY),
        Case.decided_at.is_not(None),
        Case.emergency_reason.is_not(None),
    )


def paid_and_standing() -> ColumnElement[bool]:
    """SQL: a 临时救助 payment that counts, on the after-the-fact list and in the statistics
    alike: not refused, and not still waiting for the county's approval."""
    return and_(Case.status != CaseStatus.REJECTED, listable())


def _awaiting(user, case_id: int) -> Case:
    case = get_case(user, case_id)
    waiting = (
        case.program == Program.LINSHI
        and case.decided_under == Confirmer.COUNTY
        and case.decided_at is None
        and case.status != CaseStatus.REJECTED
    )
    if not waiting:
        raise DomainError(f"{case.reference} 不是待县级审批的临时救助")
    require(user, Action.APPROVE_LINSHI, case)
    return case


def approve_linshi(user, case_id: int) -> Case:
    """The county approves; a 先行救助's paperwork is confirmed complete with it."""
    case = _awaiting(user, case_id)
    rule = linshi_rule(county_id_of(case.village), Confirmer.COUNTY)
    if case.emergency_reason is not None:
        action, note = AuditAction.CONFIRM, f"{mark_paperwork_done(case, user)}（{rule}）"
    else:
        action, note = AuditAction.APPROVE, f"县级审批（{rule}）"
    return record_decision(case, user, lambda: audit_case(action, case, user, note=note))


def refuse_linshi(user, case_id: int, reason: str) -> Case:
    """不予审批, with the reason told to the applicant; never on any list."""
    case = _awaiting(user, case_id)
    if case.emergency_reason is not None:
        raise DomainError(
            f"{case.reference} 是已发放的先行救助：请核对补办的手续后审批，不能作不予审批处理"
        )
    case.closing_reason = clean_reason(reason, "reason", "不予审批的理由", "请写明理由")
    note = f"县级不予审批：{case.closing_reason}"
    return record_decision(
        case, user, lambda: set_case_status(case, CaseStatus.REJECTED, user, note)
    )
