"""The time the rules give a 低保 or 特困 application: a decision within 30 working days of
the application (《最低生活保障审核确认办法》; 45 at most in complicated cases), counted on
the official holiday calendar (holidays/). A case's application day is the day it was entered.
"""

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


def applied_on(case: Case) -> date:
    return case.created_at.astimezone(CHINA).date()


def decision_deadline(case: Case, today: date | None = None) -> Deadline | None:
    """When the case must be decided; None when it is decided or has no such deadline."""
    if case.program not in NOTICE_PROGRAMS or case.status not in UNDECIDED_STATUSES:
        return None
    today = today or local_today()
    calendar = WorkCalendar()
    applied = applied_on(case)
    due = calendar.add_working_days(applied + timedelta(days=1), decision_days())
    return Deadline(due, max((today - due).days, 0), calendar.estimated(applied, due))


def working_days_back(today: date, days: int) -> date:
    """The day with exactly `days` working days after it and before `today`: what started
    on it is due today at the latest, what started before it was due before today. Overdue
    is then one comparison in SQL, with no date arithmetic per row."""
    calendar, day, counted = WorkCalendar(), today, 0
    while counted < days:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def overdue_clause(today: date | None = None) -> ColumnElement[bool]:
    """SQL: undecided 低保/特困 cases past their decision deadline today."""
    day = working_days_back(today or local_today(), decision_days())
    entered_before = datetime.combine(day, time(0), CHINA)
    return and_(
        Case.program.in_(NOTICE_PROGRAMS),
        Case.status.in_(UNDECIDED_STATUSES),
        Case.created_at < entered_before,
    )
