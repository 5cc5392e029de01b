"""Working days: an administrator's entry for the year first, then chinese-calendar, then
Monday to Friday as an estimate."""

from datetime import date, timedelta

import chinese_calendar
from sqlalchemy import select

from noticeboard.extensions import db
from noticeboard.holidays.models import HolidayYear


def package_knows(year: int) -> bool:
    """Whether the installed chinese-calendar carries the State Council's arrangement."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Reads each year's entry at most once: a period of 7 working days asks about each day."""

    def __init__(self) -> None:
        self._entered: dict[int, tuple[set[date], set[date]] | None] = {}

    def _entry(self, year: int) -> tuple[set[date], set[date]] | None:
        if year not in self._entered:
            row = db.session.scalar(select(HolidayYear).where(HolidayYear.year == year))
            self._entered[year] = (row.holiday_dates, row.workday_dates) if row else None
        return self._entered[year]

    def knows(self, year: int) -> bool:
        return self._entry(year) is not None or package_knows(year)

    def is_working_day(self, day: date) -> bool:
        entry = self._entry(day.year)
        if entry is not None:
            holidays, workdays = entry
            if day in holidays:
                return False
            return day in workdays or day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # an estimate: knows() says so to whoever shows it
            return day.weekday() < 5

    def estimated(self, start: date, end: date) -> bool:
        """Whether working days between `start` and `end` rest on a year nobody knows yet."""
        return not all(self.knows(year) for year in range(start.year, end.year + 1))

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day counting from `start` (itself counted when it is one)."""
        day, counted = start, 0
        while True:
            if self.is_working_day(day):
                counted += 1
                if counted == days:
                    return day
            day += timedelta(days=1)

    def day_before_working_days(self, today: date, days: int) -> date:
        """The working day from which `days` working days (itself the first) run up to the
        day before `today`: something started on it with `days` working days to run is due
        today at the latest (the next `days` working days after it end today or later); one
        started earlier is late."""
        day, counted = today, 0
        while counted < days:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day
