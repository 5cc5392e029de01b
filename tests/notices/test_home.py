"""工作台: each role lands on what waits for it; counts agree with the data, and every link
leads to a page where that person can act."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from noticeboard.audit.models import AuditEntry
from noticeboard.cases.models import Program
from noticeboard.extensions import db
from noticeboard.notices import approval, objections, pre_approval
from tests.conftest import PASSWORD, csrf_token
from tests.portal.helpers import START, travel


def _tasks(page: str) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} of the to-do list."""
    found = re.findall(r'<a href="([^"]+)"><span class="todo-count">(\d+)</span> ([^<]+)</a>', page)
    return {label.strip(): (int(count), href.replace("&amp;", "&")) for href, count, label in found}


def _home(app, user):
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/staff/home"  # where a login lands
    page = client.get("/staff/home").get_data(as_text=True)
    return client, page


def test_each_role_sees_what_waits_for_it_and_can_act_on_every_link(app, world, factory):
    with travel(START):
        waiting = [factory.case(world.clerk_a, Program.DIBAO, world.village_a) for _ in range(2)]
        factory.case(world.clerk_a, Program.TEKUN, world.village_a2)
        factory.case(world.clerk_a, Program.LINSHI, world.village_a, paid_on="2026-10-15")
        listed = factory.case(world.clerk_a, Program.DIBAO, world.village_a2)
        noticed = pre_approval.publish_notice(
            world.reviewer_a,
            pre_approval.prepare_notice(
                world.clerk_a, world.village_a2.id, "dibao", [listed.id]
            ).id,
        )
        draft_case = factory.case(world.clerk_b, Program.TEKUN, world.village_b)
        pre_approval.prepare_notice(world.clerk_b, world.village_b.id, "tekun", [draft_case.id])
        objections.raise_objection(noticed.id, "请核实这一户的收入情况。", line=1)
    day = date(2026, 11, 9)  # the notice has ended; its objection is still open
    with travel(day):
        clerk, page = _home(app, world.clerk_a)
        tasks = _tasks(page)
        assert tasks["待列入公示的案件"][0] == 3  # 2 低保 in 东风村, 1 特困 in 红星村; 临时救助 not
        assert tasks["未办结的异议"][0] == 1
        assert "待发布的公示草稿" not in tasks and "可审核确认的案件" not in tasks
        prepare = f"/staff/notices/new?village={world.village_a.id}&program=dibao"
        assert prepare.replace("&", "&amp;") in page  # one click to a prefilled notice form
        form = clerk.get(prepare).get_data(as_text=True)
        assert all(f'value="{c.id}"' in form for c in waiting)
        for _, link in tasks.values():
            assert clerk.get(link).status_code == 200, link

        reviewer, page = _home(app, world.reviewer_a)
        tasks = _tasks(page)
        assert tasks["待发布的公示草稿"][0] == 0  # township B's draft is not hers
        assert "待列入公示的案件" not in tasks
        for _, link in tasks.values():
            assert reviewer.get(link).status_code == 200, link

        county, page = _home(app, world.county_officer)
        tasks = _tasks(page)
        assert tasks["可审核确认的案件"][0] == 0  # its notice has an open objection
        assert tasks["未办结的异议"][0] == 1
        for _, link in tasks.values():
            assert county.get(link).status_code == 200, link
        first = db.session.scalars(objections.objections_in_scope(world.county_officer)).first()
        objections.resolve_objection(
            world.reviewer_a, first.id, "not_upheld", "经核实，收入情况属实。"
        )
        _, page = _home(app, world.county_officer)
        tasks = _tasks(page)
        assert tasks["可审核确认的案件"][0] == 1 and "新店镇" in page
        approval.approve_case(world.county_officer, listed.id)
        assert _tasks(_home(app, world.county_officer)[1])["可审核确认的案件"][0] == 0


def test_a_saved_case_is_three_clicks_from_its_notice(app, world, factory):
    """From the saved case, 列入 7 天公示 opens the notice form with village, program and the
    case already chosen; publishing it from there is the third click."""
    from tests.conftest import login

    case = factory.case(world.clerk_a, Program.TEKUN, world.village_a2)
    other = factory.case(world.clerk_a, Program.TEKUN, world.village_a2)
    client = app.test_client()
    login(client, world.clerk_a.username)
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    link = re.search(r'<a class="button" href="([^"]+)">列入 7 天公示</a>', page).group(1)
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert re.search(rf'value="{case.id}" id="case-{case.id}" checked', form)
    assert not re.search(rf'value="{other.id}" id="case-{other.id}" checked', form)
    assert f'<option selected value="{world.village_a2.id}">' in form or (
        f'value="{world.village_a2.id}" selected' in form
    )
    assert "列入 7 天公示" in client.get(f"/staff/cases/{case.id}/notices").get_data(as_text=True)


def test_a_rejected_case_shows_why_who_and_when(app, world, factory):
    from tests.conftest import login

    with travel(START):
        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
        pre_approval.publish_notice(
            world.reviewer_a,
            pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id]).id,
        )
    with travel(date(2026, 11, 9)):
        approval.reject_case(world.county_officer, case.id, "家庭人均收入高于当地低保标准")
    client = app.test_client()
    login(client, world.clerk_a.username)
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    block = page[page.index('<section class="decision"') : page.index("</section>")]
    assert "不予确认" in block and "家庭人均收入高于当地低保标准" in block
    assert "陈科长" in block and "2026-11-09" in block
    assert "列入 7 天公示" not in page


def test_the_reviewer_reads_both_copies_before_publishing(app, world, factory):
    """The draft page shows the board and online copies as publishing freezes them, with
    the count and the period; what is published is what was shown."""
    import json

    from noticeboard.notices.models import Notice
    from tests.conftest import login

    with travel(START):
        case = factory.case(
            world.clerk_a, Program.DIBAO, world.village_a, applicant_name="欧阳小明"
        )
        draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
        client = app.test_client()
        login(client, world.reviewer_a.username)
        page = client.get(f"/staff/notices/{draft.id}").get_data(as_text=True)
        previews = page[page.index('<section class="previews"') :]
        assert "张贴版（公示栏）" in previews and "网上版（按脱敏规则遮挡）" in previews
        assert "共 <strong>1</strong> 户 <strong>2</strong> 人" in previews
        assert "公示期 2026-11-02 至 2026-11-08" in previews
        pre_approval.publish_notice(world.reviewer_a, draft.id)
    published = db.session.get(Notice, draft.id)
    for channel, snapshot in (
        ("board", published.snapshot_board),
        ("online", published.snapshot_online),
    ):
        for row in json.loads(snapshot)["rows"]:
            assert f">{row['name']}</td>" in previews, (channel, row["name"])
    assert ">欧阳小明</td>" in previews and ">欧阳*明</td>" in previews  # board full, online masked


def test_a_reviewer_returns_a_draft_and_the_clerk_resubmits_it(app, world, factory):
    from noticeboard.core.errors import DomainError
    from tests.conftest import login, post_form

    with travel(START):
        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
        draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
        url = f"/staff/notices/{draft.id}"
        reviewer = app.test_client()
        login(reviewer, world.reviewer_a.username)
        refused = post_form(reviewer, f"{url}/return", {"return-reason": ""}, url)
        assert "退回说明" in refused.get_data(as_text=True)  # the field is named, nothing saved
        response = post_form(
            reviewer, f"{url}/return", {"return-reason": "第 1 户保障人数有误"}, url
        )
        assert response.status_code == 302
        page = reviewer.get(url).get_data(as_text=True)
        assert "退回修改：第 1 户保障人数有误" in page
        assert f'action="{url}/publish"' not in page  # nothing to publish until resubmitted
        db.session.expire_all()  # the request saved it in its own session
        with pytest.raises(DomainError, match="已退回经办人修改"):
            pre_approval.publish_notice(world.reviewer_a, draft.id)
        db.session.rollback()

        clerk, home = _home(app, world.clerk_a)
        assert _tasks(home)["退回修改的公示草稿"][0] == 1
        page = clerk.get(url).get_data(as_text=True)
        assert "第 1 户保障人数有误" in page and "重新提交审核" in page
        assert post_form(clerk, f"{url}/resubmit", {}, url).status_code == 302
        assert _tasks(_home(app, world.clerk_a)[1])["退回修改的公示草稿"][0] == 0
        assert f'action="{url}/publish"' in reviewer.get(url).get_data(as_text=True)
        pre_approval.publish_notice(world.reviewer_a, draft.id)
    actions = [
        e.action
        for e in db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "notice"))
    ]
    assert actions[-3:] == ["return", "resubmit", "publish"]
