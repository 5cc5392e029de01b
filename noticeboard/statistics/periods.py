"""Keeping the benefit history (models.BenefitPeriod) in step with the cases.

Every change that can alter what a case is paid reaches here through a cases signal, in the
transaction of the change: a status change (approval, activation, termination, rejection),
an edit (a confirmed amount or household change, and any future bulk re-calculation that
goes through cases.services.save_edit or sends case_changed), and an import of 在保对象.
`sync_case` is idempotent: it makes the case's open period say what the case says now.

Effective months: a new amount applies from the month it is confirmed in (that month is
paid at the new amount); a termination counts through the month it happens in; a case
approved today starts with its benefit_start (the next month).
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from noticeboard.cases.models import NOTICE_PROGRAMS, ROSTER_STATUSES, Case, Program
from noticeboard.cases.signals import case_changed, case_status_changed, cases_added
from noticeboard.core.dates import local_today
from noticeboard.core.validation import FieldError, clean_month
from noticeboard.extensions import db
from noticeboard.statistics.models import BenefitPeriod


def month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def parse_month(raw: str, today: date, label: str = "统计月份") -> tuple[date, str | None]:
    """A month as typed (2026-06), not in the future; this month, with the reason, when it
    cannot be read."""
    raw = (raw or "").strip()[:20]
    if not raw:
        return today.replace(day=1), None
    try:
        month = clean_month(raw, label)
    except FieldError as error:
        return today.replace(day=1), str(error)
    if month > today:
        return today.replace(day=1), f"{label}：不能是将来的月份，已显示本月"
    return month, None


def to_fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def _paid_values(case: Case) -> dict:
    """What a period records of the case as it stands."""
    return {
        "program": case.program,
        "village_id": case.village_id,
        "persons": (case.persons_covered or 1) if case.program == Program.DIBAO else 1,
        "amount_fen": to_fen(case.listed_amount),
        "tekun_mode": case.tekun_mode if case.program == Program.TEKUN else None,
        "self_care": case.self_care if case.program == Program.TEKUN else None,
    }


def is_paid(case: Case) -> bool:
    return (
        case.program in NOTICE_PROGRAMS
        and case.status in ROSTER_STATUSES
        and case.benefit_start is not None
    )


def sync_case(case: Case, today: date | None = None) -> None:
    """Make the case's periods agree with the case, in the caller's transaction."""
    if case.program not in NOTICE_PROGRAMS or case.id is None:
        return
    if case.benefit_start is None:
        # Never approved (a draft going into a notice, a rejection): no period can exist,
        # and a notice of many cases need not look for each one's.
        return
    now = month_number(today or local_today())
    with db.session.no_autoflush:
        periods = db.session.scalars(
            select(BenefitPeriod).where(BenefitPeriod.case_id == case.id)
        ).all()
    current = next((p for p in periods if p.end_month is None), None)
    if not is_paid(case):
        if current is not None:
            _close(current, now + 1, "terminated")
        return
    values = _paid_values(case)
    if current is None:
        start = month_number(case.benefit_start)
        if periods:  # paid again after an end: never reopen months already counted
            start = max(start, now, *(p.end_month for p in periods))
        db.session.add(
            BenefitPeriod(case_id=case.id, first_month=start, starts_case=True, **values)
        )
    elif any(getattr(current, key) != value for key, value in values.items()):
        if current.first_month >= now:  # not paid yet: no month of it is history
            for key, value in values.items():
                setattr(current, key, value)
        else:
            current.end_month, current.ended_by = now, "changed"
            db.session.flush()  # the one open period per case must be closed first
            db.session.add(
                BenefitPeriod(case_id=case.id, first_month=now, starts_case=False, **values)
            )


def _close(period: BenefitPeriod, end: int, reason: str) -> None:
    if period.first_month >= end:  # ended before its first month was paid
        db.session.delete(period)
    else:
        period.end_month, period.ended_by = end, reason


@case_status_changed.connect
def _status_changed(case: Case, **_) -> None:
    sync_case(case)


@case_changed.connect
def _case_changed(case: Case, **_) -> None:
    sync_case(case)


@cases_added.connect
def _cases_added(cases: tuple, **_) -> None:
    """New cases have no periods yet: those already paid get their first one, without a
    query per case (an import brings thousands)."""
    db.session.add_all(
        BenefitPeriod(
            case_id=case.id,
            first_month=month_number(case.benefit_start),
            starts_case=True,
            **_paid_values(case),
        )
        for case in cases
        if is_paid(case)
    )
