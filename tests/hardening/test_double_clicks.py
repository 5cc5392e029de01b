"""Two requests on one record at the same instant (defect 8 of issue 8).

The second request is made to happen at the worst moment: while the first is about to write
its changes (SQLAlchemy's before_flush), another browser's request runs to the end in a
thread. Both are real requests through the app on the real database.
"""

import threading
from datetime import date

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.extensions import db
from noticeboard.notices import pre_approval
from noticeboard.notices.models import Notice, NoticeEntry, NoticeKind, NoticeStatus
from tests.conftest import csrf_token, login, seen_on
from tests.notices.test_lifecycle import START, published, travel

_hooks = []


def _meanwhile(request):
    """Run `request` in another thread, once, just before the next flush of any session."""
    results = []

    def run_the_other_request(session, flush_context, instances):
        thread = threading.Thread(target=lambda: results.append(request()))
        thread.start()
        thread.join(timeout=30)

    _hooks.append(run_the_other_request)
    event.listen(Session, "before_flush", run_the_other_request, once=True)
    return results


@pytest.fixture(autouse=True)
def _no_hook_left_behind():
    """A test that failed before its flush must not leave the hook to the next test."""
    yield
    for listener in list(_hooks):
        if event.contains(Session, "before_flush", listener):
            event.remove(Session, "before_flush", listener)
    _hooks.clear()


def _browser(app, user):
    client = app.test_client()
    login(client, user.username)
    return client


def _post(client, url: str, data: dict, form_url: str):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, form_url)})


def test_two_approvals_of_one_case_at_once_approve_it_once(app, world, factory):
    with travel(START):
        _, case = published(world, factory, members=[])
    with travel(date(2026, 11, 9)):
        first, second = _browser(app, world.county_officer), _browser(app, world.admin)
        url = f"/staff/approvals/{case.id}/approve"
        token = csrf_token(second, "/staff/approvals")
        other = _meanwhile(lambda: second.post(url, data={"csrf_token": token}))
        response = _post(first, url, {}, "/staff/approvals")
    assert other[0].status_code == 302  # the other click went through
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "请刷新后重试" in page and "系统出错" not in page
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == CaseStatus.APPROVED
    rosters = select(func.count()).select_from(Notice).where(Notice.kind == NoticeKind.ROSTER)
    assert db.session.scalar(rosters) == 1


def test_two_publishes_of_one_draft_at_once_publish_it_once(app, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
    first, second = _browser(app, world.reviewer_a), _browser(app, world.admin)
    url = f"/staff/notices/{draft.id}/publish"
    page = first.get(f"/staff/notices/{draft.id}").get_data(as_text=True)
    token = csrf_token(second, f"/staff/notices/{draft.id}")
    seen = seen_on(page)
    other = _meanwhile(lambda: second.post(url, data={"csrf_token": token, "seen": seen}))
    response = _post(first, url, {"seen": seen}, f"/staff/notices/{draft.id}")
    assert other[0].status_code == 302
    assert response.status_code == 409
    assert "请刷新后重试" in response.get_data(as_text=True)
    db.session.expire_all()
    notice = db.session.get(Notice, draft.id)
    assert notice.status == NoticeStatus.PUBLISHED and notice.published_by_id == world.admin.id


def test_two_clerks_drafting_one_case_at_once_make_one_draft(app, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    first, second = _browser(app, world.clerk_a), _browser(app, world.admin)
    form_url = f"/staff/notices/new?village={world.village_a.id}&program=dibao"
    fields = {"village": world.village_a.id, "program": "dibao", "case_ids": case.id}
    token = csrf_token(second, form_url)
    other = _meanwhile(
        lambda: second.post("/staff/notices/new", data={**fields, "csrf_token": token})
    )
    response = _post(first, "/staff/notices/new", fields, form_url)
    assert other[0].status_code == 302
    assert response.status_code == 200
    assert "刚被他人列入另一份公示草稿" in response.get_data(as_text=True)
    drafts = select(func.count()).select_from(NoticeEntry).where(NoticeEntry.case_id == case.id)
    assert db.session.scalar(drafts) == 1
