"""The notice period: 7 calendar days, or 7 working days on the official holiday calendar."""

import logging
from datetime import date, timedelta

import chinese_calendar

NOTICE_DAYS = 7
log = logging.getLogger(__name__)


def is_working_day(day: date) -> bool:
    """Working day per the State Council's holiday arrangement (adjusted weekends included).

    Years the calendar package does not know yet fall back to Monday–Friday, logged, so a
    notice near the new year can still be published; staff see the end date before publishing.
    """
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        log.warning("holiday calendar has no data for %s; counting Monday-Friday", day.year)
        return day.weekday() < 5


def notice_period_end(start: date, working_days: bool = False, days: int = NOTICE_DAYS) -> date:
    """Last day of a notice starting on `start`; the start day counts when it is a working day."""
    if not working_days:
        return start + timedelta(days=days - 1)
    day, counted = start, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == days:
                return day
        day += timedelta(days=1)


def uses_working_days(region) -> bool:
    """Whether the region (or the nearest ancestor that says) counts 7 working days."""
    return bool(region.inherited("working_day_notices"))


def days_left(end: date, today: date) -> int:
    """Calendar days the notice is still up, today included (0 once it has ended)."""
    return max((end - today).days + 1, 0)
