"""A year's holidays and adjusted working days as an administrator entered them."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from noticeboard.core.types import UTCDateTime, utcnow
from noticeboard.extensions import db


class HolidayYear(db.Model):
    """One year of the State Council's arrangement; it overrides chinese-calendar's data."""

    __tablename__ = "holiday_years"
    __table_args__ = (CheckConstraint("year BETWEEN 2000 AND 2100", name="year_sane"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # ISO dates: days off (放假) and weekend days worked instead (调休上班).
    holidays: Mapped[list] = mapped_column(JSON)
    workdays: Mapped[list] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def holiday_dates(self) -> set[date]:
        return {date.fromisoformat(d) for d in self.holidays}

    @property
    def workday_dates(self) -> set[date]:
        return {date.fromisoformat(d) for d in self.workdays}
