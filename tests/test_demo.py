"""Demo data: what `make run` loads on first start, and the `today=` hook it builds history with."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from noticeboard.accounts.models import Role, User
from noticeboard.cases import relatives
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.core.dates import local_today
from noticeboard.core.errors import ValidationFailed
from noticeboard.extensions import db
from noticeboard.notices import approval, pre_approval, snapshots, state, terminations
from noticeboard.notices.models import (
    Notice,
    NoticeKind,
    NoticeStatus,
    Objection,
    ObjectionChannel,
    ObjectionOutcome,
)
from noticeboard.notices.periods import days_left
from noticeboard.notices.rosters import ROSTER_REASONS, roster_versions
from noticeboard.notices.state import NoticeState
from noticeboard.notices.todo import workbench
from noticeboard.regions.models import Region, RegionLevel


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def demo(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    return runner, result.output


def test_demo_loads_a_county_with_townships_villages_cases_and_users(demo):
    runner, output = demo
    assert "clerk" in output and "demo-pass-2026" in output
    for username in ("admin", "county", "clerk", "reviewer", "clerk2", "reviewer2"):
        assert f"  {username} " in output

    assert count(Region, Region.level == RegionLevel.COUNTY) == 1
    assert count(Region, Region.level == RegionLevel.TOWNSHIP) == 2
    for township in db.session.scalars(select(Region).where(Region.level == "township")):
        assert 3 <= len(township.children) <= 5
    for program in Program:
        assert count(Case, Case.program == program) >= 5
    assert {u.role for u in db.session.scalars(select(User))} == set(Role)

    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "kept as it is" in again.output
    assert count(Region) == 11


# One demo load per test is ~0.6 s, so each test below makes several checks of one load.


def test_demo_public_pages_answer_and_show_no_personal_data(demo, client):
    _check_every_public_page_answers(client)
    _check_no_personal_data_in_online_snapshots()


def test_demo_has_notices_in_every_state_with_objections(demo):
    _check_notice_states()
    _check_published_by_a_reviewer_not_their_maker()
    _check_objections_open_resolved_and_upheld_with_a_renotice()


def _check_notice_states():
    every = list(db.session.scalars(select(Notice)))
    states = {state.notice_state(n) for n in every}
    assert {
        NoticeState.IN_FORCE,
        NoticeState.ENDED,
        NoticeState.SUPERSEDED,
        NoticeState.WITHDRAWN,
        NoticeState.DRAFT,
    } <= states

    # 7-day notices in force in both townships, for both programs, at different points of
    # their period.
    in_force = [
        n
        for n in every
        if n.kind == NoticeKind.PRE_APPROVAL and state.notice_state(n) == NoticeState.IN_FORCE
    ]
    assert {n.region.parent.name for n in in_force} == {"新店镇", "城关街道"}
    assert {n.program for n in in_force} == {Program.DIBAO, Program.TEKUN}
    left = {days_left(n.end_date, local_today()) for n in in_force}
    assert min(left) == 1 and max(left) == 7 and len(left) >= 4

    # A correction superseded a 7-day notice; the draft waits for a reviewer.
    corrected = [n for n in every if n.kind == NoticeKind.PRE_APPROVAL and n.supersedes_id]
    assert corrected and state.notice_state(corrected[0].supersedes) == NoticeState.SUPERSEDED
    draft = next(n for n in every if n.status == NoticeStatus.DRAFT)
    assert draft.prepared_by.role == Role.CLERK


def _check_published_by_a_reviewer_not_their_maker():
    for notice in db.session.scalars(
        select(Notice).where(
            Notice.kind == NoticeKind.PRE_APPROVAL, Notice.published_at.is_not(None)
        )
    ):
        assert notice.published_by.role == Role.REVIEWER
        assert notice.published_by.region_id == notice.region.parent_id
        assert notice.published_by_id != notice.prepared_by_id
        # Backdated history is issued on its own first day, not on the day the demo loaded.
        assert snapshots.snapshot_of(notice, "online")["issued_on"] == notice.start_date.isoformat()


def test_demo_has_rosters_approvals_and_temporary_assistance_lists(demo):
    _check_rosters_and_approvals()
    _check_last_months_temporary_assistance_lists()


def _check_rosters_and_approvals():
    rosters = list(db.session.scalars(select(Notice).where(Notice.kind == NoticeKind.ROSTER)))
    assert rosters
    # Approvals (the county), a termination (the clerk), a confirmed change (the reviewer)
    assert {r.published_by.role for r in rosters} == {Role.COUNTY, Role.CLERK, Role.REVIEWER}
    superseded = [r for r in rosters if state.notice_state(r) == NoticeState.SUPERSEDED]
    assert superseded
    village = superseded[0].region
    versions = db.session.scalars(roster_versions(village, superseded[0].program)).all()
    assert len(versions) >= 3
    assert any(v.supersede_reason == ROSTER_REASONS["terminated"] for v in versions)
    assert count(Case, Case.status == CaseStatus.TERMINATED) >= 1
    assert count(Case, Case.status.in_([CaseStatus.APPROVED, CaseStatus.ACTIVE])) >= 2

    county = db.session.scalar(select(User).where(User.role == Role.COUNTY))
    ready, _ = approval.approval_queue(county)
    assert ready
    assert all(state.notice_state(s.notice) == NoticeState.ENDED for s in ready)


def _check_objections_open_resolved_and_upheld_with_a_renotice():
    objections = list(db.session.scalars(select(Objection)))
    assert any(o.is_open and o.channel == ObjectionChannel.ONLINE for o in objections)
    assert any(
        o.channel == ObjectionChannel.PHONE and o.outcome == ObjectionOutcome.NOT_UPHELD
        for o in objections
    )
    upheld = next(o for o in objections if o.outcome == ObjectionOutcome.UPHELD)
    renotice = state.latest_notice_of(upheld.case)
    assert renotice.id != upheld.notice_id
    assert state.notice_state(renotice) == NoticeState.IN_FORCE
    assert upheld.case.status == CaseStatus.IN_NOTICE


def _check_last_months_temporary_assistance_lists():
    last_month = (local_today().replace(day=1) - timedelta(days=1)).replace(day=1)
    lists = list(db.session.scalars(select(Notice).where(Notice.kind == NoticeKind.LINSHI_LIST)))
    assert {n.region.level for n in lists} == {RegionLevel.VILLAGE, RegionLevel.TOWNSHIP}
    for notice in lists:
        assert notice.month == last_month
        assert snapshots.snapshot_of(notice, "online")["rows"]
        assert state.in_public_view(notice)


def _check_no_personal_data_in_online_snapshots():
    secrets = set()
    for case in db.session.scalars(select(Case)):
        secrets |= {case.applicant_id_number, case.applicant_phone} - {None}
        secrets |= {m.id_number for m in case.members} | {m.name for m in case.members}
    for notice in db.session.scalars(select(Notice).where(Notice.published_at.is_not(None))):
        text = json.dumps(snapshots.snapshot_of(notice, "online"), ensure_ascii=False)
        assert not [s for s in secrets if s in text], notice.title


def _check_every_public_page_answers(client):
    """Follow the portal from the home page: townships, villages, notices all render."""
    seen, todo = set(), ["/"]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        page = client.get(url)
        assert page.status_code == 200, url
        todo += re.findall(
            r'href="(/(?:townships|villages|notices)/\d+)"', page.get_data(as_text=True)
        )
    notices_seen = {u for u in seen if u.startswith("/notices/")}
    in_view = [n for n in db.session.scalars(select(Notice)) if state.in_public_view(n)]
    assert notices_seen == {f"/notices/{n.id}" for n in in_view}


# ---------------------------------------------------------------- the `today=` hook


def test_a_notice_can_be_prepared_and_published_on_a_given_past_day(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    past = local_today() - timedelta(days=20)
    draft = pre_approval.prepare_notice(
        world.clerk_a, world.village_a.id, Program.DIBAO, [case.id], start=past, today=past
    )
    notice = pre_approval.publish_notice(world.reviewer_a, draft.id, today=past)
    assert (notice.start_date, notice.end_date) == (past, past + timedelta(days=6))
    assert snapshots.snapshot_of(notice, "online")["issued_on"] == past.isoformat()
    assert f"{past.year}年{past.month}月" in notice.title
    assert state.notice_state(notice) == NoticeState.ENDED
    ready, _ = approval.approval_queue(world.county_officer)
    assert [(s.case_id, s.notice) for s in ready] == [(case.id, notice)]


def test_without_today_the_real_calendar_still_rules(world, factory):
    case = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    past = local_today() - timedelta(days=3)
    with pytest.raises(ValidationFailed, match="不能早于今天"):
        pre_approval.prepare_notice(
            world.clerk_a, world.village_a.id, Program.TEKUN, [case.id], past
        )
    # A draft dated in the past is moved to today when it is published for real.
    draft = pre_approval.prepare_notice(
        world.clerk_a, world.village_a.id, Program.TEKUN, [case.id], start=past, today=past
    )
    notice = pre_approval.publish_notice(world.reviewer_a, draft.id)
    assert notice.start_date == local_today()
    assert snapshots.snapshot_of(notice, "online")["issued_on"] == local_today().isoformat()
    assert state.notice_state(notice) == NoticeState.IN_FORCE


def test_analyze_gives_the_planner_statistics(app, demo):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["analyze"])
    assert result.exit_code == 0 and "statistics refreshed" in result.output
    if db.engine.dialect.name == "sqlite":
        tables = db.session.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1")).scalars().all()
        assert {"cases", "notice_entries", "notices"} <= set(tables)


def test_demo_has_a_year_of_history_for_the_statistics(demo):
    from noticeboard.statistics.figures import trend

    county = db.session.scalar(select(Region).where(Region.level == RegionLevel.COUNTY))
    points = trend(county, local_today())
    dibao = [p.programs[Program.DIBAO].households for p in points]
    linshi = [p.programs[Program.LINSHI].households for p in points]
    # Paid households grow month by month over the year; 临时救助 paid in most months.
    assert dibao[0] >= 1 and dibao[-1] > dibao[0] + 5
    assert sum(1 for n in linshi if n) >= 10


def test_demo_county_delegates_tekun_to_its_townships(demo):
    """The demo shows delegated approval: a 特困 case in 南门社区 waits for 城关街道's second
    reviewer; the county officer no longer confirms 特困; the reviewer who published may not."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    waiting = [s.case_id for s in approval.approval_queue(users["reviewer3"])[0]]
    assert len(waiting) == 1
    case = db.session.get(Case, waiting[0])
    assert (case.program, case.village.name) == (Program.TEKUN, "南门社区")
    county_ready = approval.approval_queue(users["county"])[0]
    assert all(db.session.get(Case, s.case_id).program == Program.DIBAO for s in county_ready)
    assert approval.approval_queue(users["reviewer2"])[0] == []  # published it
    approved = approval.approve_case(users["reviewer3"], case.id)
    assert approved.decided_under == "township"


def test_demo_shows_a_tekun_termination_notice_in_force_public_and_masked(demo, client):
    """西湖村's 特困 termination notice (终止公示) is up: public, masked, taking objections;
    the person stays on the roster until 城关街道's second reviewer confirms after it ends."""
    (notice,) = db.session.scalars(select(Notice).where(Notice.kind == NoticeKind.TERMINATION))
    assert state.notice_state(notice) == NoticeState.IN_FORCE
    assert (notice.program, notice.region.name) == (Program.TEKUN, "西湖村")
    case = notice.entries[0].case
    assert case.status in (CaseStatus.APPROVED, CaseStatus.ACTIVE)
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "特困人员终止救助供养公示" in page and "第二十六条" in page and "我要提出异议" in page
    assert case.applicant_name not in page and case.closing_reason is None
    assert "终止公示" in client.get(f"/villages/{notice.region_id}").get_data(as_text=True)
    users = {u.username: u for u in db.session.scalars(select(User))}
    _, waiting = terminations.termination_queue(users["reviewer3"])
    assert [s.termination.notice_id for s in waiting] == [notice.id]
    assert terminations.termination_queue(users["reviewer2"]) == ([], [])  # published it
    result = demo[0].invoke(args=["settings", "show", "--region", "示范县"])
    assert "termination.dibao = immediate" in result.output


def test_demo_has_a_near_relative_case_waiting_for_its_home_visit(demo):
    """红星村: registered (近亲属备案), its notice ended, blocked in the county's queue until the
    county records the home visit; the printed notice carries the column, the online one not."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    blocked = approval.approval_queue(users["county"])[1]
    waiting = [s for s in blocked if s.blocker == relatives.HOME_VISIT_NEEDED]
    assert len(waiting) == 1
    case = db.session.get(Case, waiting[0].case_id)
    assert case.village.name == "红星村" and case.near_relatives and not case.home_visits
    notice = waiting[0].notice
    board = snapshots.snapshot_of(notice, "board")
    assert board["rows"][0]["near_relative"] == "是"
    assert "near_relative" not in notice.snapshot_online
    relatives.record_home_visit(
        users["county"],
        case.id,
        {"visited_on": str(local_today()), "visitors": "陈科长", "finding": "与申报一致"},
    )
    assert approval.approve_case(users["county"], case.id).status == CaseStatus.APPROVED


def test_demo_has_an_overdue_emergency_payment_on_the_townships_dashboard(demo):
    """东风村: a 先行救助 paid three weeks ago, its paperwork overdue on 新店镇's 工作台 (and
    not on 城关街道's); the reviewer's 工作台 offers its confirmation."""
    users = {u.username: u for u in db.session.scalars(select(User))}

    def count(username, label):
        return next(t.count for t in workbench(users[username]).tasks if t.label == label)

    assert count("clerk", "逾期未补办手续的先行救助") == 1
    assert count("clerk2", "逾期未补办手续的先行救助") == 0
    assert count("reviewer", "待确认补办手续的先行救助") == 1


def test_demo_has_a_temporary_assistance_payment_waiting_for_the_county(demo):
    """The county lets its townships approve 临时救助 up to 1,000 元; a 东风村 payment of
    1,500 元 waits on the county's 工作台 (县级审批), not on the township reviewer's."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    waiting = [
        t.count for t in workbench(users["county"]).tasks if t.label == "待县级审批的临时救助"
    ]
    assert waiting == [1]
    (case,) = db.session.scalars(
        select(Case).where(Case.program == Program.LINSHI, Case.decided_under == "county")
    )
    assert (case.amount, case.village.name, case.decided_at) == (Decimal("1500.00"), "东风村", None)
    result = demo[0].invoke(args=["settings", "show", "--region", "示范县"])
    assert "linshi.township_limit = 1000.00" in result.output
