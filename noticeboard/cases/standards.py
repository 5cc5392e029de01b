"""Assistance standards (保障标准) and the amount rules that follow from them.

Kept in the cases area because a case's own validation (clean_case) checks its amount
against the standard in force; entering a standard and re-calculating every case after it
live above, in noticeboard/standards.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    UniqueConstraint,
    bindparam,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from noticeboard.audit.models import register_field_labels
from noticeboard.core import statements
from noticeboard.core.dates import local_today
from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.types import Money, StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db
from noticeboard.regions.delegation import county_id_of
from noticeboard.regions.models import Region

CENT = Decimal("0.01")


class StandardKind(LabelledStrEnum):
    DIBAO_URBAN = "dibao_urban", "城市低保标准"
    DIBAO_RURAL = "dibao_rural", "农村低保标准"
    # 分类施保: added to the household's amount of that category, per household and month.
    SUPPLEMENT_A = "supplement_a", "A类分类施保加发"
    SUPPLEMENT_B = "supplement_b", "B类分类施保加发"
    SUPPLEMENT_C = "supplement_c", "C类分类施保加发"
    TEKUN_BASIC = "tekun_basic", "特困基本生活标准"
    CARE_FULL = "care_full", "照料护理标准（全自理）"
    CARE_PARTIAL = "care_partial", "照料护理标准（半护理）"
    CARE_NONE = "care_none", "照料护理标准（全护理）"

    @property
    def unit(self) -> str:
        if self in SUPPLEMENT_KINDS:
            return "元/户·月"
        return "元/人·月"


DIBAO_STANDARD_OF_AREA = {"urban": StandardKind.DIBAO_URBAN, "rural": StandardKind.DIBAO_RURAL}
SUPPLEMENT_OF_CATEGORY = {
    "A类": StandardKind.SUPPLEMENT_A,
    "B类": StandardKind.SUPPLEMENT_B,
    "C类": StandardKind.SUPPLEMENT_C,
}
SUPPLEMENT_KINDS = frozenset(SUPPLEMENT_OF_CATEGORY.values())
CARE_OF_SELF_CARE = {
    "full": StandardKind.CARE_FULL,
    "partial": StandardKind.CARE_PARTIAL,
    "none": StandardKind.CARE_NONE,
}
# Kinds that may be 0: a county without 分类施保, a care standard for those who need none.
ZERO_ALLOWED = SUPPLEMENT_KINDS | {StandardKind.CARE_FULL}

register_field_labels({"standard": "保障标准"})


class AssistanceStandard(db.Model):
    """One standard of a county from its start month on (保障标准). It is in force once a
    second county officer has confirmed it, which also re-calculates every case it affects;
    until then it is a proposal shown with its preview."""

    __tablename__ = "assistance_standards"
    __table_args__ = (
        UniqueConstraint("county_id", "kind", "start_month", name="uq_standards_month"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint(
            "(confirmed_at IS NULL) = (confirmed_by_id IS NULL)", name="confirmed_by_someone"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    kind: Mapped[StandardKind] = mapped_column(StrEnumColumn(StandardKind, 20))
    amount: Mapped[Decimal] = mapped_column(Money)
    start_month: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(200))

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def makers(self) -> set[int]:
        return {self.created_by_id} if self.created_by_id else set()

    @property
    def label(self) -> str:
        return f"{self.kind.label} {self.amount:,.2f} {self.kind.unit}，自 {self.start_month:%Y-%m}"


# Built once (every case entered reads it; building it was most of the read's time).
_IN_FORCE = (
    select(AssistanceStandard.kind, AssistanceStandard.amount)
    .where(AssistanceStandard.county_id == bindparam("county_id"))
    .where(AssistanceStandard.confirmed_at.is_not(None))
    .where(AssistanceStandard.start_month <= bindparam("month"))
    .order_by(AssistanceStandard.start_month)
)


def standards_in_force(county_id: int, month: date) -> dict[StandardKind, Decimal]:
    """Each kind's confirmed standard of the county for `month`: the latest one started."""
    rows = statements.execute(_IN_FORCE, {"county_id": county_id, "month": month})
    return {StandardKind(kind): amount for kind, amount in rows}


def dibao_topup(
    standard: Decimal, income_per_person: Decimal, persons: int, supplement: Decimal = Decimal(0)
) -> Decimal:
    """The 补差 rule: (standard − income per person) × persons covered, plus the category
    supplement; nothing when the income reaches the standard."""
    gap = max(standard - income_per_person, Decimal(0))
    if gap == 0:
        return Decimal("0.00")
    return (gap * persons + supplement).quantize(CENT)


def dibao_ceiling(standard: Decimal, persons: int, supplement: Decimal = Decimal(0)) -> Decimal:
    """The most a household may receive: a household without any income gets exactly this."""
    return (standard * persons + supplement).quantize(CENT)


@dataclass(frozen=True)
class DibaoCheck:
    """What the standard in force says about a 低保 household's amount."""

    standard: Decimal
    supplement: Decimal
    persons: int
    ceiling: Decimal
    expected: Decimal | None  # None without a recorded income

    def warning(self, amount: Decimal | None) -> str | None:
        if self.expected is None or amount is None or amount == self.expected:
            return None
        return (
            f"月保障金额 {amount:,.2f} 元与按补差计算的 {self.expected:,.2f} 元不同"
            f"（标准 {self.standard:,.2f} 元 − 人均收入）× {self.persons} 人"
            + (f" + 分类施保 {self.supplement:,.2f} 元" if self.supplement else "")
            + "；已保存，请核对"
        )


def dibao_check(
    in_force: dict[StandardKind, Decimal],
    area: str | None,
    category: str | None,
    persons: int | None,
    income: Decimal | None,
) -> DibaoCheck | None:
    """None when the county has no standard in force for the household's area."""
    standard = in_force.get(DIBAO_STANDARD_OF_AREA.get(area or ""))
    if standard is None or not persons:
        return None
    supplement = in_force.get(SUPPLEMENT_OF_CATEGORY.get(category or ""), Decimal(0))
    expected = None if income is None else dibao_topup(standard, income, persons, supplement)
    return DibaoCheck(
        standard, supplement, persons, dibao_ceiling(standard, persons, supplement), expected
    )


def tekun_standards(
    in_force: dict[StandardKind, Decimal], self_care: str | None
) -> tuple[Decimal, Decimal] | None:
    """(basic, care) for a 特困 person of this self-care level; None while either is unset."""
    basic = in_force.get(StandardKind.TEKUN_BASIC)
    care = in_force.get(CARE_OF_SELF_CARE.get(self_care or ""))
    if basic is None or care is None:
        return None
    return basic, care


def in_force_for(region: Region) -> dict[StandardKind, Decimal]:
    """The standards in force today in the county of `region` (a village or a staff
    member's township or county); the county's id comes from the region's path, unread."""
    return standards_in_force(county_id_of(region), local_today())


def case_check(case) -> DibaoCheck | None:
    """What today's standard says about a 低保 case's amount; None for others."""
    if case.program != "dibao":
        return None
    in_force = in_force_for(case.village)
    return dibao_check(
        in_force, case.dibao_area, case.dibao_category, case.persons_covered, case.income_per_person
    )


def amount_warning(case) -> str | None:
    """The warning (not a refusal) when a saved 低保 amount differs from the 补差 amount."""
    check = case_check(case)
    return check.warning(case.monthly_amount) if check else None
