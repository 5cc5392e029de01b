"""The approval queue weighed in the database (issue 13, PostgreSQL at 100,000 cases): the
page's two lists, their order, counts and paging are the ones approval_queue gets by
weighing every case in Python, for every blocker, for the county and a township reviewer,
whether or not the county delegates a program."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from noticeboard.accounts.models import Role
from noticeboard.accounts.services import create_user
from noticeboard.cases.lifecycle import set_case_status
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.core import pages
from noticeboard.extensions import db
from noticeboard.notices import approval, objections, pre_approval
from noticeboard.regions.delegation import set_confirmers
from tests.conftest import PASSWORD, login
from tests.notices.test_dashboard import PAST, TODAY, _cases, _notice
from tests.notices.test_dashboard import county as county  # a fixture, used by name
from tests.notices.test_lifecycle import travel


@pytest.fixture
def queue_world(county, factory):
    """The dashboard's notices in every state, and what it lacks for the queue: an objection
    on a whole notice, a notice in its last day, a case in notice with no published notice
    and one whose latest notice was superseded, a second reviewer in township A
    (reviewer_a published its notices)."""
    world = county
    a = world.village_a
    with travel(PAST):
        whole = _notice(world, a, Program.DIBAO, _cases(world, factory, a, 2))
        objections.raise_objection(whole.id, "整份名单都请再核实一遍。")
        _notice(world, a, Program.TEKUN, _cases(world, factory, a, 2, Program.TEKUN))
        pair = _cases(world, factory, a, 2)
        original = _notice(world, a, Program.DIBAO, pair)
        correction = pre_approval.prepare_correction(world.clerk_a, original.id, "金额录入有误")
        pre_approval.remove_from_draft(world.clerk_a, correction.id, pair[0].id)
        pre_approval.publish_notice(world.reviewer_a, correction.id)
    with travel(TODAY - timedelta(days=6)):
        world.last_day = _notice(world, a, Program.DIBAO, _cases(world, factory, a, 1))
    # Not reachable through the pages (a withdrawn notice, or a correction without the
    # case, sends it back to 待公示), but the rule names them: the case waits.
    world.orphan = _cases(world, factory, a, 1)[0]
    set_case_status(world.orphan, CaseStatus.IN_NOTICE, world.clerk_a, "数据修复")
    set_case_status(pair[0], CaseStatus.IN_NOTICE, world.clerk_a, "数据修复")
    world.reviewer_a2 = create_user(
        "reviewer_a2", PASSWORD, Role.REVIEWER, world.township_a, "吴审核"
    )
    db.session.commit()
    return world


def _python(user):
    ready, waiting = approval.approval_queue(user, TODAY)
    return [(s.case_id, s.notice and s.notice.id, s.blocker) for s in ready], [
        (s.case_id, s.notice and s.notice.id, s.blocker) for s in waiting
    ]


def _pages(user, monkeypatch, per_page):
    """Every page of both lists, as the page shows them."""
    monkeypatch.setattr(approval, "page_of", lambda items, n: pages.page_of(items, n, per_page))
    lists, number, totals = ([], []), 1, None
    while True:
        queue, blocked = approval.approval_pages(user, number, number, TODAY)
        for listed, page in zip(lists, (queue, blocked), strict=True):
            if page.number == number:  # past its last page a list repeats its last page
                listed += [(s.case_id, s.notice and s.notice.id, s.blocker) for s in page.items]
                assert all(s.case is not None for s in page.items)
        totals = (queue.total, blocked.total)
        if not (queue.has_next or blocked.has_next):
            return lists, totals
        number += 1


@pytest.mark.parametrize("delegated", [False, True], ids=["county-confirms", "delegated"])
@pytest.mark.parametrize("who", ["county_officer", "reviewer_a", "reviewer_a2", "reviewer_b"])
def test_the_sql_queue_is_the_python_one_page_by_page(queue_world, monkeypatch, who, delegated):
    world = queue_world
    if delegated:
        set_confirmers(
            world.county_officer, world.county.id, {"dibao": "township", "tekun": "county"}
        )
    user = getattr(world, who)
    ready, waiting = _python(user)
    assert approval.queue_ids(user, TODAY) == ([r[0] for r in ready], [w[0] for w in waiting])
    for per_page in (3, 50):
        (paged_ready, paged_waiting), totals = _pages(user, monkeypatch, per_page)
        assert paged_ready == ready and paged_waiting == waiting
        assert totals == (len(ready), len(waiting))


def test_the_dataset_has_every_blocker_and_delegation_takes_cases_out(queue_world):
    """Otherwise the comparison above could pass on lists without the hard cases."""
    world = queue_world
    ready, waiting = _python(world.county_officer)
    reasons = {blocker.split("（")[0] for _, _, blocker in waiting}
    assert reasons == {
        "案件没有已发布的公示",
        "已被新版本取代",
        "公示中",
        "待开始",
        "公示有未办结的异议",
        approval.HOME_VISIT_NEEDED,
    }
    assert len(ready) >= 5
    assert world.last_day.end_date == TODAY  # in force on its last day, ended tomorrow
    assert world.last_day.cases[0].id in [case_id for case_id, _, _ in waiting]
    # the open objections: one on a line of its notice (the other lines stay ready), one
    # on the whole notice
    objected = [case_id for case_id, _, b in waiting if b == "公示有未办结的异议"]
    assert len(objected) == 3
    assert approval.approval_blocker(world.orphan, TODAY) == "案件没有已发布的公示"
    approved = db.session.scalar(select(Case).where(Case.status == CaseStatus.APPROVED))
    assert approval.approval_blocker(approved, TODAY) == "案件已审批，不在公示中"
    assert approved.id not in [r[0] for r in ready + waiting]

    set_confirmers(world.county_officer, world.county.id, {"dibao": "township", "tekun": "county"})
    # reviewer_a published every dibao notice of township A: only the case without one is left
    assert _python(world.reviewer_a) == ([], [(world.orphan.id, None, "案件没有已发布的公示")])
    ready_a2, _ = _python(world.reviewer_a2)
    county_ready, county_waiting = _python(world.county_officer)
    assert ready_a2 and {r[0] for r in ready_a2}.isdisjoint(r[0] for r in county_ready)
    assert county_ready and all(
        db.session.get(Case, case_id).program == Program.TEKUN
        for case_id, _, _ in county_ready + county_waiting
    )


def test_the_page_shows_the_ready_and_the_waiting_with_their_reasons(app, queue_world):
    world = queue_world
    ready, waiting = _python(world.county_officer)
    client = app.test_client()
    login(client, world.county_officer.username)
    page = client.get("/staff/approvals").get_data(as_text=True)
    assert (
        f"{len(ready)} 件可审批" in page and f"公示中、暂不能审批 <small>{len(waiting)} 件" in page
    )
    for case_id, _, _ in ready:
        assert f'id="case-{case_id}"' in page
    for _, _, blocker in waiting:
        assert blocker in page
