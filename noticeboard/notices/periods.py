"""The notice period: 7 calendar days, or 7 working days on the official holiday calendar."""

from datetime import date, timedelta

from noticeboard.holidays.calendar import WorkCalendar

NOTICE_DAYS = 7


def is_working_day(day: date) -> bool:
    """Working day per the State Council's holiday arrangement (adjusted weekends included):
    an administrator's entry for the year, else chinese-calendar's data, else Monday to
    Friday (an estimate: period_estimated says so)."""
    return WorkCalendar().is_working_day(day)


def notice_period_end(start: date, working_days: bool = False, days: int = NOTICE_DAYS) -> date:
    """Last day of a notice starting on `start`; the start day counts when it is a working day."""
    if not working_days:
        return start + timedelta(days=days - 1)
    return WorkCalendar().add_working_days(start, days)


def period_estimated(start: date | None, end: date | None, working_days: bool) -> bool:
    """Whether a period counted in working days rests on a year whose holidays nobody knows
    yet (shown as 估算 until an administrator enters that year)."""
    if not working_days or start is None or end is None:
        return False
    return WorkCalendar().estimated(start, end)


def uses_working_days(region) -> bool:
    """Whether the region (or the nearest ancestor that says) counts 7 working days."""
    return bool(region.inherited("working_day_notices"))


def days_left(end: date, today: date) -> int:
    """Calendar days the notice is still up, today included (0 once it has ended)."""
    return max((end - today).days + 1, 0)
