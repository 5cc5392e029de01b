"""The written refusal (不予确认书面告知): a refused applicant is told in writing, with the
reason, within 3 working days of the decision; the township records the day it was done.
The deadline itself lives in cases/deadlines.py with the other deadlines of a case."""

from datetime import date

from noticeboard.audit.models import AuditAction
from noticeboard.cases.models import NOTICE_PROGRAMS, Case, CaseStatus
from noticeboard.cases.services import audit_case, get_case
from noticeboard.core.dates import CHINA, local_today
from noticeboard.core.errors import DomainError
from noticeboard.core.permissions import Action, require
from noticeboard.core.validation import FieldError, clean_date
from noticeboard.extensions import db

LABEL = "书面告知日期"


def record_refusal_letter(user, case_id: int, told_on) -> Case:
    """The day the applicant was handed the written refusal; a correction is audited too."""
    case = get_case(user, case_id)
    require(user, Action.RECORD_REFUSAL_LETTER, case)
    if case.status != CaseStatus.REJECTED or case.program not in NOTICE_PROGRAMS:
        raise DomainError(f"{case.reference} 未作不予确认决定，无需登记书面告知")
    decided = case.decided_at.astimezone(CHINA).date() if case.decided_at else None
    try:
        day = clean_date(told_on, LABEL, earliest=decided or date(2000, 1, 1), latest=local_today())
    except FieldError as error:
        raise DomainError(str(error), field="told_on") from None
    if day is None:
        raise DomainError(f"{LABEL}：请填写把不予确认告知书交给申请人的日期", field="told_on")
    told = case.refusal_told_on
    before = {"refusal_told_on": told.isoformat() if told else None}
    case.refusal_told_on = day
    audit_case(
        AuditAction.UPDATE,
        case,
        user,
        before=before,
        after={"refusal_told_on": day.isoformat()},
        note="不予确认书面告知",
    )
    db.session.commit()
    return case
