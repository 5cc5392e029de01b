"""The periodic review (定期核查): when it is due, what is due or overdue, and recording one."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from noticeboard.cases import services as cases
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.core.dates import CHINA
from noticeboard.core.errors import DomainError
from noticeboard.extensions import db
from noticeboard.notices.models import Notice, NoticeKind
from noticeboard.standards import reviews
from noticeboard.standards.models import ReviewSetting
from tests.conftest import login, post_form
from tests.standards.conftest import in_force, on_roster

NOV_26 = date(2026, 11, 26)


def _approved(factory, world, day: date, village=None, **overrides) -> Case:
    case = factory.case(world.clerk_a, Program.DIBAO, village or world.village_a, **overrides)
    return on_roster(case, datetime(day.year, day.month, day.day, 4, tzinfo=UTC))


def test_months_are_added_with_the_day_kept_or_the_months_last_day():
    assert reviews.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert reviews.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert reviews.add_months(date(2025, 12, 31), 2) == date(2026, 2, 28)
    assert reviews.add_months(date(2026, 1, 15), -12) == date(2025, 1, 15)


def test_reviews_due_this_month_and_overdue_across_month_ends(factory, world):
    due_now = _approved(factory, world, date(2025, 11, 30))  # due 2026-11-30
    overdue = _approved(factory, world, date(2025, 10, 31))  # due 2026-10-31
    # Six-monthly: approved 2026-05-31, due 2026-11-30.
    frequent = _approved(factory, world, date(2026, 5, 31), frequent_review=True)
    _approved(factory, world, date(2025, 12, 1))  # due next month: not listed
    lines = reviews.due_reviews(world.township_a, NOV_26)
    assert [(line.case_id, line.due_on, line.overdue) for line in lines] == [
        (overdue.id, date(2026, 10, 31), True),
        (due_now.id, date(2026, 11, 30), False),
        (frequent.id, date(2026, 11, 30), False),
    ]
    # On the first of December the November reviews not done are overdue.
    december = reviews.due_reviews(world.township_a, date(2026, 12, 1))
    assert [line.overdue for line in december if line.case_id == due_now.id] == [True]
    assert reviews.due_reviews(world.township_b, NOV_26) == []


def test_a_review_moves_the_next_one_a_year_on(factory, world):
    case = _approved(factory, world, date(2025, 11, 3))
    reviews.record_review(world.clerk_a, case.id, "continue", today=date(2026, 11, 20))
    assert reviews.due_on_of(db.session.get(Case, case.id)) == date(2027, 11, 20)
    assert reviews.due_reviews(world.township_a, NOV_26) == []
    history = cases.case_history(world.clerk_a, case.id)
    assert [e.action_label for e in history][-1] == "定期核查"


def test_a_review_that_terminates_the_case_ends_it_with_a_new_roster_version(factory, world):
    case = _approved(factory, world, date(2025, 10, 1))
    versions = select(func.count()).where(
        Notice.kind == NoticeKind.ROSTER, Notice.region_id == world.village_a.id
    )
    before = db.session.scalar(versions)
    review = reviews.record_review(
        world.clerk_a, case.id, "terminate", "家庭成员就业，人均收入已超过低保标准"
    )
    db.session.expire_all()
    ended = db.session.get(Case, case.id)
    assert ended.status == CaseStatus.TERMINATED
    assert ended.closing_reason == "家庭成员就业，人均收入已超过低保标准"
    assert review.outcome == "terminate" and review.on_time is False
    assert db.session.scalar(versions) == before + 1
    actions = [e.action_label for e in cases.case_history(world.clerk_a, case.id)]
    assert actions[-2:] == ["定期核查", "终止"]


def test_a_termination_without_a_reason_is_refused_and_nothing_is_recorded(factory, world):
    case = _approved(factory, world, date(2025, 10, 1))
    with pytest.raises(DomainError):
        reviews.record_review(world.clerk_a, case.id, "terminate", "")
    db.session.rollback()
    assert reviews.reviews_of(case.id) == []


def test_a_review_change_goes_to_the_reviewer_like_any_roster_change(factory, world):
    case = _approved(factory, world, date(2025, 10, 1))
    reviews.record_review(
        world.clerk_a, case.id, "change", "女儿外出务工", {"monthly_amount": "1200.00"}
    )
    change = cases.pending_change_of(db.session.get(Case, case.id))
    assert change.changes["monthly_amount"] == ["1360.00", "1200.00"]
    assert db.session.get(Case, case.id).monthly_amount == Decimal("1360.00")


def test_an_increase_above_the_countys_threshold_goes_to_a_new_notice(factory, world):
    db.session.add(ReviewSetting(county_id=world.county.id, renotice_above=Decimal("200")))
    db.session.commit()
    case = _approved(factory, world, date(2025, 10, 1))
    reviews.record_review(
        world.clerk_a, case.id, "change", "户主重病失去收入", {"monthly_amount": "1700.00"}
    )
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == CaseStatus.INVESTIGATING
    assert case.monthly_amount == Decimal("1700.00")
    roster = db.session.scalar(
        select(Notice)
        .where(Notice.kind == NoticeKind.ROSTER, Notice.region_id == world.village_a.id)
        .order_by(Notice.id.desc())
    )
    assert case.id not in {entry.case_id for entry in roster.entries}


def test_the_county_sees_the_share_done_on_time_per_township(factory, world):
    on_time = _approved(factory, world, date(2025, 6, 10))
    reviews.record_review(world.clerk_a, on_time.id, "continue", today=date(2026, 6, 5))
    late = _approved(factory, world, date(2025, 5, 10))
    reviews.record_review(world.clerk_a, late.id, "continue", today=date(2026, 7, 1))
    _approved(factory, world, date(2025, 9, 1))  # overdue on 11-26
    shares = {s.township.name: s for s in reviews.shares_on_time(world.county, NOV_26)}
    assert (shares["新店镇"].on_time, shares["新店镇"].late, shares["新店镇"].overdue) == (1, 1, 1)
    assert shares["新店镇"].share == pytest.approx(1 / 3)
    assert shares["城关街道"].share is None


def test_the_workbench_and_the_page_show_reviews_due(app, factory, world, clerk_client):
    _approved(factory, world, reviews.add_months(date.today(), -13))
    home = clerk_client.get("/staff/home").get_data(as_text=True)
    assert "逾期未核查的案件" in home
    page = clerk_client.get("/staff/reviews/").get_data(as_text=True)
    assert "其中逾期 1 件" in page
    county = app.test_client()
    login(county, world.county_officer.username)
    assert "各乡镇按时完成率" in county.get("/staff/reviews/").get_data(as_text=True)


def test_the_review_page_records_a_review(factory, world, clerk_client):
    case = _approved(factory, world, date(2025, 10, 1))
    url = f"/staff/cases/{case.id}/review"
    response = post_form(clerk_client, url, {"outcome": "continue", "note": ""})
    assert response.status_code == 302
    assert "已登记定期核查：继续保障" in clerk_client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    refused = post_form(clerk_client, url, {"outcome": "terminate", "note": ""})
    assert refused.status_code == 422
    assert "核查情况" in refused.get_data(as_text=True)


def test_the_commands_print_the_standards_and_the_reviews_due(app, factory, world):
    in_force(world, "dibao_rural", "780.00", "2025-01")
    in_force(world, "dibao_rural", "820.00", "2026-01")
    _approved(factory, world, reviews.add_months(date.today(), -13))
    listed = app.test_cli_runner().invoke(args=["standards", "list", "--region", "示范县"])
    assert listed.output.splitlines() == [
        "农村低保标准\t820.00 元/人·月\t2026-01",
        "农村低保标准\t780.00 元/人·月\t2025-01",
    ]
    due = app.test_cli_runner().invoke(args=["reviews", "due", "--region", "示范县/新店镇"])
    assert due.output.splitlines()[-1] == "共 1 件：本月到期 0 件，逾期 1 件"
    assert "逾期" in due.output.splitlines()[0]
    unknown = app.test_cli_runner().invoke(args=["reviews", "due", "--region", "示范县/无此镇"])
    assert unknown.exit_code != 0 and "区划“示范县/无此镇”不存在" in unknown.output


def expected_due(case_id: int) -> date:
    """The rule written out from the case's own fields and reviews (not the stored anchor):
    12 or 6 months after the last review, else the approval, else the first benefit month,
    else the entry, in Beijing days."""
    case = db.session.get(Case, case_id)
    last = max((r.reviewed_on for r in reviews.reviews_of(case_id)), default=None)
    if last is not None:
        anchor = last
    elif case.decided_at is not None:
        anchor = case.decided_at.astimezone(CHINA).date()
    elif case.benefit_start is not None:
        anchor = case.benefit_start
    else:
        anchor = case.created_at.astimezone(CHINA).date()
    assert reviews.due_on_of(case) == reviews.next_due(case.frequent_review, anchor)
    return reviews.add_months(anchor, 6 if case.frequent_review else 12)


def test_sql_picks_exactly_the_reviews_the_rule_makes_due(factory, world, monkeypatch):
    """The SQL filter and counts (one comparison per case) against next_due() for every
    case: anchors at Beijing midnight, month ends, six- and twelve-monthly, a last review,
    a first benefit month only, the entry only; several days of the year."""
    made = []
    for decided in (
        datetime(2025, 10, 31, 15, 30, tzinfo=UTC),  # Beijing 10-31 23:30
        datetime(2025, 10, 31, 16, 30, tzinfo=UTC),  # Beijing 11-01 00:30
        datetime(2025, 11, 30, 4, tzinfo=UTC),
        datetime(2025, 12, 31, 4, tzinfo=UTC),
        datetime(2026, 5, 31, 4, tzinfo=UTC),
        datetime(2026, 6, 1, 4, tzinfo=UTC),
    ):
        for frequent in (False, True):
            case = factory.case(
                world.clerk_a, Program.DIBAO, world.village_a, frequent_review=frequent
            )
            case.status, case.decided_at = CaseStatus.ACTIVE, decided
            made.append(case)
    taken_over = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    taken_over.status, taken_over.benefit_start = CaseStatus.ACTIVE, date(2025, 11, 1)
    entered = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    entered.status = CaseStatus.ACTIVE
    entered.created_at = datetime(2025, 11, 30, 17, tzinfo=UTC)  # Beijing 12-01 01:00
    db.session.commit()
    reviewed = made[0]
    reviews.record_review(world.clerk_a, reviewed.id, "continue", today=date(2026, 4, 30))
    every = [*made, taken_over, entered]
    for today in (
        date(2026, 4, 30),
        date(2026, 10, 31),
        date(2026, 11, 1),
        date(2026, 11, 30),
        date(2026, 12, 1),
        date(2027, 2, 28),
        date(2027, 4, 1),
    ):
        month_start = today.replace(day=1)
        next_month = reviews.add_months(month_start, 1)
        due = {c.id: expected_due(c.id) for c in every}
        expected = {i for i, on in due.items() if on < next_month}
        lines = reviews.due_reviews(world.township_a, today)
        assert {line.case_id for line in lines} == expected, today
        # the page cut in SQL: the same cases, in order of their due day
        page = reviews.due_review_page(world.township_a, 1, today)
        assert page.total == len(expected) and {line.case_id for line in page.items} == expected
        assert [line.due_on for line in page.items] == sorted(due[i] for i in expected), today
        # pages of 4: the two frequencies merged page by page give the same order
        with monkeypatch.context() as small:
            small.setattr(reviews, "PER_PAGE", 4)
            first = reviews.due_review_page(world.township_a, 1, today)
            cut = [
                line.case_id
                for number in range(1, first.pages + 1)
                for line in reviews.due_review_page(world.township_a, number, today).items
            ]
        assert cut == [line.case_id for line in page.items], today
        overdue = sum(1 for i in expected if due[i] < month_start)
        assert reviews.due_review_counts(world.township_a, today) == (
            len(expected) - overdue,
            overdue,
        ), today
