"""Reviews of cases (定期核查) and each county's review setting."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from noticeboard.cases.models import Case
from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.types import Money, StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db


class ReviewOutcome(LabelledStrEnum):
    CONTINUE = "continue", "继续保障"
    CHANGE = "change", "调整保障"
    TERMINATE = "terminate", "终止保障"


class CaseReview(db.Model):
    """One periodic review of a case: when it was due, when it was done and its outcome. The
    next review is due a fixed number of months after the latest one (reviews.next_due)."""

    __tablename__ = "case_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    reviewed_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[ReviewOutcome] = mapped_column(StrEnumColumn(ReviewOutcome, 10))
    note: Mapped[str | None] = mapped_column(String(500))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()

    @property
    def on_time(self) -> bool:
        """Done by the end of the month it was due in."""
        return (self.reviewed_on.year, self.reviewed_on.month) <= (
            self.due_on.year,
            self.due_on.month,
        )


class ReviewSetting(db.Model):
    """A county's rule for reviews that raise an amount: an increase of more than
    `renotice_above` yuan a month goes through a new 7-day notice (复查后重新公示) instead
    of a change on the roster. None: no increase needs one."""

    __tablename__ = "review_settings"
    __table_args__ = (
        CheckConstraint("renotice_above IS NULL OR renotice_above >= 0", name="threshold_positive"),
    )

    county_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    renotice_above: Mapped[Decimal | None] = mapped_column(Money)
