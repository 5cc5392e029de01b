"""The deadline a notice's objection sets: when an objection to a 特困 notice is upheld, the
township investigates again and, within 15 working days, gives its opinion and notices the
case again (《特困人员认定办法》: 对公示有异议的…在15个工作日内提出审核意见，并重新公示).
Until it is noticed again the case stays 复查中 (notices.objections.resolve_objection)."""

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, select

from noticeboard.cases.deadlines import (
    NamedDeadline,
    register_deadline,
    started_before,
    working_days_after,
)
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.cases.search import register_overdue_filter
from noticeboard.core.dates import CHINA, local_today
from noticeboard.extensions import db
from noticeboard.notices.models import Objection, ObjectionOutcome

LABEL = "异议成立后未按时重新公示（特困）"


def renotice_days() -> int:
    return int(current_app.config.get("RENOTICE_WORKING_DAYS", 15))


def _latest_upheld():
    """When the case's latest upheld objection was resolved (a correlated subquery)."""
    return (
        select(func.max(Objection.resolved_at))
        .where(Objection.case_id == Case.id, Objection.outcome == ObjectionOutcome.UPHELD)
        .scalar_subquery()
    )


def renotice_overdue_clause(today=None) -> ColumnElement[bool]:
    """SQL: 特困 cases still 复查中 after an upheld objection, past the re-notice deadline."""
    return and_(
        Case.program == Program.TEKUN,
        Case.status == CaseStatus.INVESTIGATING,
        _latest_upheld() < started_before(today or local_today(), renotice_days()),
    )


def renotice_deadline(case: Case, today=None) -> NamedDeadline | None:
    if case.program != Program.TEKUN or case.status != CaseStatus.INVESTIGATING:
        return None
    upheld = db.session.scalar(
        select(func.max(Objection.resolved_at)).where(
            Objection.case_id == case.id, Objection.outcome == ObjectionOutcome.UPHELD
        )
    )
    if upheld is None:
        return None
    resolved = upheld.astimezone(CHINA).date()
    deadline = working_days_after(resolved, renotice_days(), today)
    return NamedDeadline("重新公示时限", "重新调查核实并重新公示", renotice_days(), deadline)


register_deadline(renotice_deadline)
register_overdue_filter("renotice", LABEL, renotice_overdue_clause)
