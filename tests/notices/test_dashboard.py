"""The notices dashboard and the 工作台 count in the database (issue 13): their figures are
the ones the old code got by loading every notice of the scope and weighing each waiting
case in Python, on notices in every state; each section shows its first lines with its
true total, and its own page lists the rest."""

from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from noticeboard.accounts.models import Role
from noticeboard.accounts.permissions import decidable_programs
from noticeboard.accounts.services import create_user
from noticeboard.cases import relatives
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.core.dates import local_today
from noticeboard.extensions import db
from noticeboard.notices import approval, objections, pre_approval, queries
from noticeboard.notices.models import Notice, NoticeKind, NoticeStatus, Objection
from noticeboard.notices.queries import Section
from noticeboard.notices.state import NoticeState, notice_state
from noticeboard.regions.scope import scope_clause
from tests.cases.test_near_relatives import REGISTRATION
from tests.conftest import PASSWORD, login
from tests.notices.test_lifecycle import travel

TODAY = local_today()
PAST = TODAY - timedelta(days=20)  # notices published then have ended


def _notice(world, village, program, cases, start=None, reviewer=None):
    draft = pre_approval.prepare_notice(
        world.clerk_a if village.parent_id == world.township_a.id else world.clerk_b,
        village.id,
        program,
        [c.id for c in cases],
        start,
    )
    reviewer = reviewer or (
        world.reviewer_a if village.parent_id == world.township_a.id else world.reviewer_b
    )
    return pre_approval.publish_notice(reviewer, draft.id)


def _cases(world, factory, village, n, program=Program.DIBAO):
    clerk = world.clerk_a if village.parent_id == world.township_a.id else world.clerk_b
    return [factory.case(clerk, program, village) for _ in range(n)]


@pytest.fixture
def county(world, factory):
    """Notices in every state, in both townships."""
    a, a2, b = world.village_a, world.village_a2, world.village_b
    world.reviewer_b = create_user(
        "reviewer_b", PASSWORD, Role.REVIEWER, world.township_b, "周审核"
    )
    with travel(PAST):
        _notice(world, a, Program.DIBAO, _cases(world, factory, a, 2))  # ended, both ready
        objected = _notice(world, a2, Program.DIBAO, _cases(world, factory, a2, 3))
        objections.raise_objection(objected.id, "请核实这一户的收入情况。", line=1)
        unvisited = _cases(world, factory, a, 1)  # member 李秀英
        relatives.register_near_relative(world.clerk_a, unvisited[0].id, REGISTRATION)
        _notice(world, a, Program.DIBAO, unvisited)  # ended, waits for the home visit
        # Re-noticed after an upheld objection: the case waits on its newer notice.
        first_cases = _cases(world, factory, a2, 2)
        first = _notice(world, a2, Program.DIBAO, first_cases)
        upheld = objections.raise_objection(first.id, "情况不属实，请核查。", line=1)
        objections.resolve_objection(world.reviewer_a, upheld.id, "upheld", "入户核查属实。")
        _notice(world, a2, Program.DIBAO, first_cases[:1])
        # A corrected notice (its original superseded) and a withdrawn one.
        corrected = _notice(world, a, Program.DIBAO, _cases(world, factory, a, 1))
        draft = pre_approval.prepare_correction(world.clerk_a, corrected.id, "金额录入有误")
        pre_approval.publish_notice(world.reviewer_a, draft.id)
        withdrawn = _notice(world, a, Program.DIBAO, _cases(world, factory, a, 1))
        pre_approval.withdraw_notice(world.reviewer_a, withdrawn.id, "名单有误，撤回")
        _notice(world, b, Program.DIBAO, _cases(world, factory, b, 2))  # township B, ended
        # Approved already: nothing waits on it.
        done = _cases(world, factory, a, 1)
        _notice(world, a, Program.DIBAO, done)
    with travel(PAST + timedelta(days=10)):
        approval.approve_case(world.county_officer, done[0].id)
    with travel(TODAY - timedelta(days=3)):
        _notice(world, a, Program.DIBAO, _cases(world, factory, a, 1))  # ends this week
        _notice(world, b, Program.TEKUN, _cases(world, factory, b, 1, Program.TEKUN))
    # 7 working days from today end after more than a week: in force, not ending this week.
    a2.working_day_notices = True
    db.session.commit()
    _notice(world, a2, Program.DIBAO, _cases(world, factory, a2, 1))
    _notice(world, a, Program.DIBAO, _cases(world, factory, a, 1), TODAY + timedelta(days=3))
    pre_approval.prepare_notice(
        world.clerk_a, a.id, "dibao", [c.id for c in _cases(world, factory, a, 1)]
    )
    returned = pre_approval.prepare_notice(
        world.clerk_a, a2.id, "dibao", [c.id for c in _cases(world, factory, a2, 1)]
    )
    pre_approval.return_draft(world.reviewer_a, returned.id, "金额有误，请核对")
    pre_approval.prepare_notice(
        world.clerk_b, b.id, "dibao", [c.id for c in _cases(world, factory, b, 1)]
    )
    return world


def _old_figures(user, today):
    """The figures as the dashboard computed them before issue 13: every notice of the scope
    loaded, its state and each waiting case's approval state weighed in Python."""
    notices = db.session.scalars(
        select(Notice)
        .join(Notice.region)
        .where(scope_clause(user), Notice.kind == NoticeKind.PRE_APPROVAL)
        .where(Notice.status != NoticeStatus.WITHDRAWN)
        .order_by(Notice.end_date, Notice.id)
        .options(selectinload(Notice.entries), selectinload(Notice.superseded_by))
    ).all()
    figures = defaultdict(list)
    figures["awaiting"] = {}
    in_notice = [
        e.case_id
        for n in notices
        for e in n.entries
        if e.case.status == CaseStatus.IN_NOTICE and n.status == NoticeStatus.PUBLISHED
    ]
    states = {
        s.case_id: s for s in approval.approval_states(select(Case).where(Case.id.in_(in_notice)))
    }
    for n in notices:
        state = notice_state(n, today)
        if state == NoticeState.DRAFT:
            figures["drafts"].append(n.id)
            figures["returned"] += [n.id] if n.returned_at else []
        elif state == NoticeState.IN_FORCE:
            figures["in_force"].append(n.id)
            if n.end_date < today + timedelta(days=7):
                figures["ending"].append(n.id)
        elif state == NoticeState.SCHEDULED:
            figures["scheduled"].append(n.id)
        elif state == NoticeState.ENDED:
            waiting = [
                states[e.case_id]
                for e in n.entries
                if e.case_id in states and states[e.case_id].notice == n
            ]
            if waiting:
                ready = sum(1 for s in waiting if s.blocker is None)
                figures["awaiting"][n.id] = (len(waiting), ready)
                figures["ready_notices"].append((n, ready))
    figures["drafts"].sort()
    mine, delegated = decidable_programs(user), approval.delegated_programs(user)
    per_township = defaultdict(int)
    for n, ready in figures.pop("ready_notices"):
        if ready and n.program in mine and not approval.made_by(user, n, delegated):
            per_township[n.region.parent_id] += ready
    figures["to_approve"] = dict(per_township)
    return figures


def _new_figures(user, today):
    board = queries.dashboard(user, today)
    counts = queries.dashboard_counts(user, today)
    ids = {
        section: [line.id if section == Section.DRAFTS else line.notice.id for line in lines.lines]
        for section, lines in board.sections.items()
    }
    returned = [counts.returned_id] if counts.returned == 1 else [None] * counts.returned
    awaiting = board.sections[Section.AWAITING].lines
    return {
        "in_force": ids[Section.IN_FORCE],
        "ending": ids[Section.ENDING],
        "scheduled": ids[Section.SCHEDULED],
        "drafts": ids[Section.DRAFTS],
        "returned": returned,
        "awaiting": {line.notice.id: (line.awaiting, line.ready) for line in awaiting},
        "to_approve": {t.id: n for t, n in queries.ready_per_township(user, today)},
        "totals": {s: lines.total for s, lines in board.sections.items()},
        "counts": (counts.in_force, counts.ending, counts.scheduled, counts.drafts),
    }


@pytest.mark.parametrize("who", ["county_officer", "clerk_a", "reviewer_a", "clerk_b"])
def test_the_dashboards_sql_figures_are_the_old_python_ones_for_notices_in_every_state(county, who):
    user = getattr(county, who)
    old, new = _old_figures(user, TODAY), _new_figures(user, TODAY)
    for name in ("in_force", "ending", "scheduled", "drafts", "returned", "awaiting"):
        assert new[name] == old[name], name
    assert new["to_approve"] == old["to_approve"]
    sections = {
        Section.IN_FORCE: "in_force",
        Section.ENDING: "ending",
        Section.SCHEDULED: "scheduled",
        Section.DRAFTS: "drafts",
        Section.AWAITING: "awaiting",
    }
    assert new["totals"] == {s: len(old[name]) for s, name in sections.items()}
    assert new["counts"] == tuple(
        len(old[n]) for n in ("in_force", "ending", "scheduled", "drafts")
    )


def test_the_dataset_has_notices_in_every_state_and_cases_ready_and_blocked(county):
    """Otherwise the comparison above could pass on empty lists."""
    old = _old_figures(county.county_officer, TODAY)
    assert set(old["ending"]) < set(old["in_force"])  # one in force beyond this week
    assert old["scheduled"] and old["drafts"] and len(old["returned"]) == 1
    figures = sorted(old["awaiting"].values())
    # the home-visit one (1, 0), the re-noticed pair's other case (1, 1) and its re-notice,
    # township B's (2, 2), the objected one (3, 2), the ready pair (2, 2), the correction's
    assert (1, 0) in figures and (3, 2) in figures and (2, 2) in figures
    states = {notice_state(n, TODAY) for n in db.session.scalars(select(Notice))}
    assert {NoticeState.SUPERSEDED, NoticeState.WITHDRAWN} <= states
    assert sum(ready for _, ready in figures) == sum(old["to_approve"].values())
    assert db.session.scalar(select(Objection).where(Objection.outcome.is_(None))) is not None


def test_a_section_shows_its_first_lines_with_its_total_and_its_page_lists_the_rest(
    app, county, monkeypatch
):
    monkeypatch.setattr(queries, "SECTION_ROWS", 2)
    officer = county.county_officer
    old = _old_figures(officer, TODAY)
    board = queries.dashboard(officer, TODAY)
    awaiting = board.sections[Section.AWAITING]
    assert [line.notice.id for line in awaiting.lines] == list(old["awaiting"])[:2]
    assert awaiting.total == len(old["awaiting"]) > 2 and awaiting.more
    listed, number = [], 1
    while True:
        page = queries.section_page(officer, Section.AWAITING, number, TODAY)
        listed += [(line.notice.id, (line.awaiting, line.ready)) for line in page.items]
        if not page.has_next:
            break
        number += 1
    assert dict(listed) == old["awaiting"] and len(listed) == len(old["awaiting"])

    client = app.test_client()
    login(client, officer.username)
    page = client.get("/staff/notices/").get_data(as_text=True)
    assert f"共 {len(old['awaiting'])} 份，这里列出期满最近的 2 份" in page
    assert "/staff/notices/all?show=awaiting" in page
    second = client.get("/staff/notices/all?show=awaiting&page=2").get_data(as_text=True)
    first_of_page_2 = db.session.get(Notice, list(old["awaiting"])[2])
    assert first_of_page_2.title in second and "第 2 /" in second
    assert client.get("/staff/notices/all?show=nonsense").status_code == 404


def test_a_clerk_sees_only_her_townships_lines_on_a_section_page(app, county):
    client = app.test_client()
    login(client, county.clerk_b.username)
    page = client.get("/staff/notices/all?show=awaiting").get_data(as_text=True)
    mine = _old_figures(county.clerk_b, TODAY)["awaiting"]
    theirs = set(_old_figures(county.county_officer, TODAY)["awaiting"]) - set(mine)
    assert mine and theirs
    assert all(f'/staff/notices/{i}"' in page for i in mine)
    assert not any(f'/staff/notices/{i}"' in page for i in theirs)
