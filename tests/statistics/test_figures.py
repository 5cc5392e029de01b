"""A month's figures from the benefit history equal the ones worked out by hand, and a past
month stays as it was whatever happens today."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from noticeboard.cases import lifecycle
from noticeboard.cases import services as cases
from noticeboard.cases.models import Case, Program
from noticeboard.extensions import db
from noticeboard.notices.models import NoticeKind
from noticeboard.statistics.figures import month_report, trend
from noticeboard.statistics.models import BenefitPeriod
from tests.portal.helpers import travel
from tests.statistics.history import (
    AUGUST_DIBAO,
    JUNE,
    JUNE_TOWNSHIP_A,
    JUNE_TOWNSHIP_B,
    OCTOBER_DIBAO,
    build,
)


def _cell(report_figures, program):
    cell = report_figures.programs[Program(program)]
    return cell.households, cell.persons, cell.amount, cell.ytd


def test_june_of_the_county_equals_the_figures_by_hand(world, factory):
    build(world, factory)
    report = month_report(world.county, date(2026, 6, 1))
    for program, expected in JUNE.items():
        assert _cell(report.total, program) == expected
    rows = {f.region.id: f for f in report.rows}
    assert set(rows) == {world.township_a.id, world.township_b.id}
    for program, expected in JUNE_TOWNSHIP_A.items():
        assert _cell(rows[world.township_a.id], program)[:3] == expected
    for program, expected in JUNE_TOWNSHIP_B.items():
        assert _cell(rows[world.township_b.id], program)[:3] == expected
    assert rows[world.township_b.id].programs[Program.DIBAO].households == 0
    # b's first month; nobody ended in June
    assert report.total.programs[Program.DIBAO].new == 1
    assert report.total.programs[Program.DIBAO].ended == 0
    assert report.total.tekun_care == {("dispersed", "partial"): 1}
    assert report.total.programs[Program.DIBAO].per_person == Decimal("753.33")


def test_a_township_sees_its_villages(world, factory):
    build(world, factory)
    report = month_report(world.township_a, date(2026, 6, 1))
    rows = {f.region.name: f.programs[Program.DIBAO].households for f in report.rows}
    assert rows == {"东风村": 1, "红星村": 1}


def test_an_amount_change_applies_from_its_month_and_a_termination_after_its_month(world, factory):
    build(world, factory)
    august = month_report(world.county, date(2026, 8, 1)).total
    assert _cell(august, "dibao") == AUGUST_DIBAO
    september = month_report(world.county, date(2026, 9, 1)).total
    assert september.programs[Program.DIBAO].ended == 1
    october = month_report(world.county, date(2026, 10, 1)).total
    assert _cell(october, "dibao")[:3] == OCTOBER_DIBAO


def test_past_months_are_unchanged_by_a_termination_today(world, factory):
    history = build(world, factory)
    months = [date(2026, m, 1) for m in range(3, 11)]  # March to October
    before = [month_report(world.county, m).total.programs for m in months]
    with travel(date(2026, 11, 20)):
        lifecycle.terminate_case(world.clerk_a, history.a.id, "户籍迁出本县")
    after = [month_report(world.county, m).total.programs for m in months]
    assert after == before
    # A case terminated in a month is paid for that month: November still counts a.
    november = month_report(world.county, date(2026, 11, 1)).total
    assert november.programs[Program.DIBAO].households == 1
    december = month_report(world.county, date(2026, 12, 1)).total
    assert december.programs[Program.DIBAO].households == 0
    assert month_report(world.county, date(2026, 11, 1)).total.programs[Program.DIBAO].ended == 1


def test_activity_of_the_month_notices_objections_and_days_to_approval(world, factory):
    build(world, factory)
    march = month_report(world.county, date(2026, 3, 1)).total
    # a's and c's 7-day notices, then their villages' first rosters
    assert march.notices == {NoticeKind.PRE_APPROVAL: 2, NoticeKind.ROSTER: 2}
    assert (march.objections_raised, march.objections_upheld) == (1, 0)
    # entered on the 2nd, approved on the 10th
    assert march.approval_days == [8, 8]
    assert march.median_approval_days == 8


def test_trend_gives_each_month_as_the_month_report_does(world, factory):
    build(world, factory)
    points = trend(world.county, date(2026, 11, 1))
    assert points[0].month == date(2025, 12, 1)
    assert len(points) == 12
    by_month = {p.month: p.programs for p in points}
    for month in (date(2026, 6, 1), date(2026, 8, 1), date(2026, 10, 1)):
        full = month_report(world.county, month).total.programs
        for program in Program:
            shown, expected = by_month[month][program], full[program]
            assert (shown.households, shown.persons, shown.amount_fen) == (
                expected.households,
                expected.persons,
                expected.amount_fen,
            )


def test_every_amount_changed_through_the_cases_services_reaches_the_periods(world, factory):
    """A bulk re-calculation (issue 15) changes many amounts through cases.services; each
    change must reach the benefit history in the same transaction."""
    history = build(world, factory)
    with travel(date(2026, 10, 8)):
        for case_id, amount in ((history.a.id, "1100.00"), (history.c.id, None)):
            case = db.session.get(Case, case_id)
            before = cases.audit_view(case)
            if amount:
                case.monthly_amount = Decimal(amount)
            else:
                case.basic_amount = Decimal("1300.00")
            cases.save_edit(world.reviewer_a, case, before, cases.audit_view(case), note="调标")
    open_periods = {
        p.case_id: p.amount_fen
        for p in db.session.scalars(select(BenefitPeriod).where(BenefitPeriod.end_month.is_(None)))
    }
    assert open_periods == {history.a.id: 110000, history.c.id: 175000}
    october = month_report(world.county, date(2026, 10, 1)).total
    assert october.programs[Program.DIBAO].amount == Decimal("1100.00")
    assert october.programs[Program.TEKUN].amount == Decimal("1750.00")
    # September, before the change, is as it was
    september = month_report(world.county, date(2026, 9, 1)).total
    assert september.programs[Program.DIBAO].amount == Decimal("1900.00")


def test_imported_cases_already_paid_get_their_history(world, factory):
    from noticeboard.cases.models import CaseStatus
    from noticeboard.cases.validation import clean_case

    with travel(date(2026, 6, 10)):
        cleaned = [clean_case(world.clerk_a, Program.DIBAO, factory.dibao_data(world.village_a))]
        cases.add_cases(
            world.reviewer_a, cleaned, CaseStatus.ACTIVE, world.clerk_a.id, [date(2025, 1, 1)]
        )
        db.session.commit()
    report = month_report(world.county, date(2026, 6, 1)).total
    assert report.programs[Program.DIBAO].households == 1
    assert report.programs[Program.DIBAO].ytd == Decimal("8160.00")  # 1360 × 6
