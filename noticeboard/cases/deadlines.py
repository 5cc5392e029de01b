"""The time the rules give a 低保 or 特困 application: a decision within 30 working days of
the application (《最低生活保障审核确认办法》; 45 at most in complicated cases), counted on
the official holiday calendar (holidays/). A case's application day is the day it was entered.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_

from noticeboard.cases.models import NOTICE_PROGRAMS, Case, CaseStatus
from noticeboard.core.dates import CHINA, local_today
from noticeboard.holidays.calendar import WorkCalendar

# Not decided yet: the application is still running against its deadline.
UNDECIDED_STATUSES = (CaseStatus.DRAFT, CaseStatus.IN_NOTICE, CaseStatus.INVESTIGATING)


def decision_days() -> int:
    return int(current_app.config.get("DECISION_WORKING_DAYS", 30))


@dataclass
class Deadline:
    due: date
    overdue_days: int  # calendar days past `due` (0 when not past it)
    estimated: bool  # rests on a year whose holidays nobody has entered


def working_days_after(start: date, days: int, today: date | None = None) -> Deadline:
    """The deadline `days` working days after `start` (a decision, a payment…), and how far
    past it `today` is; an estimate when it rests on a year whose holidays nobody knows."""
    today = today or local_today()
    calendar = WorkCalendar()
    due = calendar.add_working_days(start + timedelta(days=1), days)
    return Deadline(due, max((today - due).days, 0), calendar.estimated(start, due))


def applied_on(case: Case) -> date:
    return case.created_at.astimezone(CHINA).date()


def decision_deadline(case: Case, today: date | None = None) -> Deadline | None:
    """When the case must be decided; None when it is decided or has no such deadline."""
    if case.program not in NOTICE_PROGRAMS or case.status not in UNDECIDED_STATUSES:
        return None
    return working_days_after(applied_on(case), decision_days(), today)


@dataclass
class NamedDeadline:
    label: str  # 重新公示时限
    what: str  # 重新公示 (what must happen by the due day)
    days: int
    deadline: Deadline


# Deadlines of a case that areas above this one know (notices: the re-notice after an
# upheld objection): functions of the case giving a NamedDeadline or None, for its page.
DEADLINE_SOURCES: list[Callable[[Case], "NamedDeadline | None"]] = []


def register_deadline(source: Callable[[Case], "NamedDeadline | None"]) -> None:
    DEADLINE_SOURCES.append(source)


def other_deadlines(case: Case) -> list[NamedDeadline]:
    return [found for source in DEADLINE_SOURCES if (found := source(case)) is not None]


def refusal_days() -> int:
    return int(current_app.config.get("REFUSAL_LETTER_WORKING_DAYS", 3))


def started_before(today: date, days: int) -> datetime:
    """The moment before which something with `days` working days to run is late today."""
    day = WorkCalendar().day_before_working_days(today, days)
    return datetime.combine(day, time(0), CHINA)


def overdue_clause(today: date | None = None) -> ColumnElement[bool]:
    """SQL: undecided 低保/特困 cases past their decision deadline today, in one comparison
    (no date arithmetic per row): entered before the day that lies the deadline's number of
    working days before today."""
    return and_(
        Case.program.in_(NOTICE_PROGRAMS),
        Case.status.in_(UNDECIDED_STATUSES),
        Case.created_at < started_before(today or local_today(), decision_days()),
    )


def refusal_letter_deadline(case: Case, today: date | None = None) -> Deadline | None:
    """A refusal (不予确认) is told to the applicant in writing, with its reason, within 3
    working days of the decision (《最低生活保障审核确认办法》 and 《特困人员认定办法》: 在作出
    决定3个工作日内书面告知申请人并说明理由). None when not refused or the letter is recorded."""
    if case.status != CaseStatus.REJECTED or case.decided_at is None:
        return None
    if case.program not in NOTICE_PROGRAMS or case.refusal_told_on is not None:
        return None
    return working_days_after(case.decided_at.astimezone(CHINA).date(), refusal_days(), today)


def refusal_letter_overdue_clause(today: date | None = None) -> ColumnElement[bool]:
    """SQL: refusals whose written notice is not recorded and is past its deadline."""
    return and_(
        Case.program.in_(NOTICE_PROGRAMS),
        Case.status == CaseStatus.REJECTED,
        Case.refusal_told_on.is_(None),
        Case.decided_at < started_before(today or local_today(), refusal_days()),
    )
