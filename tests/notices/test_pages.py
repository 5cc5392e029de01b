"""Staff notice pages through the test client, with CSRF on, as clerks, reviewers and the
county officer use them: prepare → publish → objection → approval → roster versions."""

import re
from datetime import date

import time_machine
from sqlalchemy import select

from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.extensions import db
from noticeboard.notices import pre_approval
from noticeboard.notices.models import Notice, NoticeStatus, Objection
from tests.conftest import csrf_token, login, post_form, seen_on

START = date(2026, 11, 2)  # a Monday
AFTER_END = date(2026, 11, 9)


def travel(day: date):
    """Move the clock to 10:00 Beijing time on `day`."""
    return time_machine.travel(f"{day.isoformat()} 10:00 +0800", tick=False)


def signed_in(app, user):
    """A browser logged in as `user`; log in inside the travel block the test runs in, since
    the session cookie is dated."""
    client = app.test_client()
    login(client, user.username)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def two_cases(world, factory):
    return (
        factory.case(world.clerk_a, Program.DIBAO, world.village_a, applicant_name="张三丰"),
        factory.case(world.clerk_a, Program.DIBAO, world.village_a, applicant_name="李四海"),
    )


def draft_notice(world, factory, *cases):
    cases = cases or (factory.case(world.clerk_a, Program.DIBAO, world.village_a),)
    return pre_approval.prepare_notice(
        world.clerk_a, world.village_a.id, Program.DIBAO, [c.id for c in cases]
    )


def published_notice(world, factory, *cases):
    return pre_approval.publish_notice(world.reviewer_a, draft_notice(world, factory, *cases).id)


def test_clerk_prepares_a_notice_for_two_cases_on_the_page(app, world, factory):
    with travel(START):
        first, second = two_cases(world, factory)
        clerk = signed_in(app, world.clerk_a)
        url = f"/staff/notices/new?village={world.village_a.id}&program=dibao"
        listing = text(clerk.get(url))
        assert "张三丰" in listing and "李四海" in listing
        assert f'name="case_ids" value="{first.id}"' in listing
        response = post_form(
            clerk,
            "/staff/notices/new",
            {
                "village": world.village_a.id,
                "program": "dibao",
                "case_ids": [first.id, second.id],
                "start_date": START.isoformat(),
            },
            form_url=url,
        )
        assert response.status_code == 302
        notice = db.session.scalar(select(Notice))
        assert response.location.endswith(f"/staff/notices/{notice.id}")
        page = text(clerk.get(response.location))
    assert [e.case_id for e in notice.entries] == sorted([first.id, second.id])
    assert "草稿" in page and "张三丰" in page and "李四海" in page
    assert "2026-11-02 至 2026-11-08" in page and "7 个自然日" in page
    # maker/checker: the clerk is offered no 发布 button
    assert f"/staff/notices/{notice.id}/publish" not in page


def test_preparing_without_a_case_says_which_field_is_missing(app, world, factory):
    factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    clerk = signed_in(app, world.clerk_a)
    url = f"/staff/notices/new?village={world.village_a.id}&program=dibao"
    response = post_form(
        clerk, "/staff/notices/new", {"village": world.village_a.id, "program": "dibao"}, url
    )
    assert response.status_code == 200
    assert "公示对象：请至少选择一个案件" in text(response)
    assert db.session.scalar(select(Notice)) is None


def test_a_start_date_in_the_past_is_refused_on_the_date_field(app, world, factory):
    with travel(START):
        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
        clerk = signed_in(app, world.clerk_a)
        url = f"/staff/notices/new?village={world.village_a.id}&program=dibao"
        page = text(
            post_form(
                clerk,
                "/staff/notices/new",
                {
                    "village": world.village_a.id,
                    "program": "dibao",
                    "case_ids": [case.id],
                    "start_date": "2026-10-01",
                },
                url,
            )
        )
    assert "公示开始日期：不能早于今天" in page
    assert f'value="{case.id}" id="case-{case.id}" checked' in page


def test_clerk_gets_403_publishing_and_the_reviewer_publishes(app, world, factory):
    with travel(START):
        notice = draft_notice(world, factory, *two_cases(world, factory))
        clerk = signed_in(app, world.clerk_a)
        token = csrf_token(clerk, f"/staff/notices/{notice.id}")
        response = clerk.post(f"/staff/notices/{notice.id}/publish", data={"csrf_token": token})
        assert response.status_code == 403
        db.session.expire_all()
        assert db.session.get(Notice, notice.id).status == NoticeStatus.DRAFT

        reviewer = signed_in(app, world.reviewer_a)
        page = text(reviewer.get(f"/staff/notices/{notice.id}"))
        assert f"/staff/notices/{notice.id}/publish" in page
        response = post_form(
            reviewer,
            f"/staff/notices/{notice.id}/publish",
            {"seen": seen_on(page)},
            f"/staff/notices/{notice.id}",
        )
        assert response.status_code == 302
        page = text(reviewer.get(f"/staff/notices/{notice.id}"))
    db.session.expire_all()
    notice = db.session.get(Notice, notice.id)
    assert notice.status == NoticeStatus.PUBLISHED
    assert notice.verification_code in page
    assert "公示中" in page and "还剩 7 天" in page
    assert "张三丰" in page  # the board copy, with full names, for staff
    assert "网上公示版本已按脱敏规则遮挡" in page


def test_publish_without_a_csrf_token_is_refused(app, world, factory):
    notice = draft_notice(world, factory)
    reviewer = signed_in(app, world.reviewer_a)
    assert reviewer.post(f"/staff/notices/{notice.id}/publish").status_code == 400
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).status == NoticeStatus.DRAFT


def test_clerk_removes_a_case_from_a_draft(app, world, factory):
    first, second = two_cases(world, factory)
    notice = draft_notice(world, factory, first, second)
    clerk = signed_in(app, world.clerk_a)
    response = post_form(
        clerk,
        f"/staff/notices/{notice.id}/remove",
        {"case_id": first.id},
        f"/staff/notices/{notice.id}",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [(e.line, e.case_id) for e in db.session.get(Notice, notice.id).entries] == [
        (1, second.id)
    ]


def test_dashboard_shows_notices_in_force_drafts_and_lists(app, world, factory):
    with travel(START):
        in_force = published_notice(world, factory)
        tekun = factory.case(world.clerk_a, Program.TEKUN, world.village_a2)
        draft = pre_approval.prepare_notice(
            world.clerk_a, world.village_a2.id, Program.TEKUN, [tekun.id]
        )
        reviewer = signed_in(app, world.reviewer_a)
        page = text(reviewer.get("/staff/notices/"))
    assert in_force.title in page and "7 天" in page
    # Publishing happens on the draft's own page, where the reviewer sees what goes public.
    assert draft.title in page and f"/staff/notices/{draft.id}/publish" not in page
    assert f'href="/staff/notices/{draft.id}">核对并发布' in page
    assert "本周期满" in page


def test_phone_objection_is_recorded_and_upheld_on_its_page(app, world, factory):
    with travel(START):
        first, second = two_cases(world, factory)
        notice = published_notice(world, factory, first, second)
        clerk = signed_in(app, world.clerk_a)
        notice_url = f"/staff/notices/{notice.id}"
        response = post_form(
            clerk,
            f"{notice_url}/objections",
            {
                "objection-channel": "phone",
                "objection-line": "1",
                "objection-text": "该户家中有经营性货车，收入不低。",
                "objection-name": "王大伟",
                "objection-phone": "13912345678",
            },
            notice_url,
        )
        assert response.status_code == 302
        assert response.location.endswith("#objections")  # the page opens at the objections
        objection = db.session.scalar(select(Objection))
        page = text(clerk.get(notice_url))
        assert objection.receipt_no in page and "电话反映" in page
        # The receipt number is said inside that section, where the eyes are, not at the top.
        section = page[page.index('<section id="objections"') :]
        assert f"已登记异议，回执号 {objection.receipt_no}" in section
        assert (
            f"回执号 {objection.receipt_no}" not in page[: page.index('<section id="objections"')]
        )
        assert "王大伟" in page and "13912345678" in page  # staff only
        assert "待办理" in page

        objection_url = f"/staff/objections/{objection.id}"
        assert objection.receipt_no in text(clerk.get("/staff/objections/"))
        # The clerk entered the case: another person investigates (maker/checker).
        reviewer = signed_in(app, world.reviewer_a)
        response = post_form(
            reviewer,
            objection_url,
            {"outcome": "upheld", "investigation": "入户核查属实，货车登记在户主名下。"},
        )
        assert response.status_code == 302
        assert "异议成立" in text(clerk.get(objection_url))
        case_page = text(clerk.get(f"/staff/cases/{first.id}"))
    assert "复查中" in case_page
    db.session.expire_all()
    assert db.session.get(Case, second.id).status == CaseStatus.IN_NOTICE


def test_objection_without_line_needs_the_case_named_when_upheld(app, world, factory):
    with travel(START):
        notice = published_notice(world, factory)
        case_id = notice.entries[0].case_id
        clerk = signed_in(app, world.clerk_a)
        notice_url = f"/staff/notices/{notice.id}"
        response = post_form(
            clerk,
            f"{notice_url}/objections",
            {"objection-channel": "visit", "objection-text": "公示对象中有人不符合条件。"},
            notice_url,
        )
        assert response.status_code == 302
        objection = db.session.scalar(select(Objection))
        url = f"/staff/objections/{objection.id}"
        data = {"outcome": "upheld", "investigation": "经核查，第 1 户情况属实。"}
        reviewer = signed_in(app, world.reviewer_a)
        page = text(post_form(reviewer, url, data))
        assert "涉及对象：异议成立时请选择公示表中涉及的对象" in page
        assert post_form(reviewer, url, {**data, "case_id": case_id}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case_id).status == CaseStatus.INVESTIGATING


def test_a_bad_objection_keeps_what_was_typed_and_names_the_field(app, world, factory):
    with travel(START):
        notice = published_notice(world, factory)
        clerk = signed_in(app, world.clerk_a)
        notice_url = f"/staff/notices/{notice.id}"
        response = post_form(
            clerk,
            f"{notice_url}/objections",
            {
                "objection-channel": "phone",
                "objection-text": "有问题",
                "objection-phone": "12345",
            },
            notice_url,
        )
    page = text(response)
    assert response.status_code == 200
    assert "异议内容：请写明情况" in page and "联系电话：请填写 11 位手机号" in page
    assert db.session.scalar(select(Objection)) is None
    # A banner says it was not recorded, and the first field to fix takes the focus (the
    # browser scrolls there), the second does not.
    assert 'role="alert">异议未登记：请按下方提示修改后重新提交。' in page
    text_field = re.search(r'<textarea[^>]*name="objection-text"[^>]*>', page).group(0)
    phone_field = re.search(r'<input[^>]*name="objection-phone"[^>]*>', page).group(0)
    assert "autofocus" in text_field and "autofocus" not in phone_field


def test_county_approves_after_the_end_and_terminating_makes_roster_version_2(app, world, factory):
    with travel(START):
        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
        notice = published_notice(world, factory, case)
    with travel(date(2026, 11, 8)):
        county = signed_in(app, world.county_officer)
        page = text(county.get("/staff/approvals"))
        assert "期满后方可审批" in page  # still in notice: listed as blocked, with the reason
    with travel(AFTER_END):
        county = signed_in(app, world.county_officer)
        page = text(county.get("/staff/approvals"))
        assert f"/staff/approvals/{case.id}/approve" in page
        assert f"/staff/notices/{notice.id}" in page
        response = post_form(county, f"/staff/approvals/{case.id}/approve", {}, "/staff/approvals")
        assert response.status_code == 302
        db.session.expire_all()
        assert db.session.get(Case, case.id).status == CaseStatus.APPROVED
        roster_url = f"/staff/rosters?village={world.village_a.id}&program=dibao"
        page = text(county.get(roster_url))
        assert "第 1 版" in page and "首次发布" in page

        clerk = signed_in(app, world.clerk_a)
        case_page = text(clerk.get(f"/staff/cases/{case.id}"))
        assert f"/staff/cases/{case.id}/terminate" in case_page
        terminate_url = f"/staff/cases/{case.id}/terminate"
        page = text(post_form(clerk, terminate_url, {"terminate-reason": ""}))
        assert "终止原因：请写明原因" in page
        response = post_form(clerk, terminate_url, {"terminate-reason": "家庭收入已超过低保标准"})
        assert response.status_code == 302
        page = text(clerk.get(roster_url))
    assert "第 2 版" in page and "保障对象退出" in page
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == CaseStatus.TERMINATED


def test_county_rejects_with_a_reason_on_the_approvals_page(app, world, factory):
    with travel(START):
        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
        published_notice(world, factory, case)
    with travel(AFTER_END):
        county = signed_in(app, world.county_officer)
        url = f"/staff/approvals/{case.id}/reject"
        page = text(post_form(county, url, {"reason": ""}, "/staff/approvals"))
        assert "不予确认的理由：请写明理由" in page
        response = post_form(county, url, {"reason": "家庭财产超过规定"}, "/staff/approvals")
        assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == CaseStatus.REJECTED


def test_approvals_page_is_for_the_county_and_admin_only(app, world):
    for user, status in (
        (world.clerk_a, 403),
        (world.reviewer_a, 403),
        (world.county_officer, 200),
        (world.admin, 200),
    ):
        assert signed_in(app, user).get("/staff/approvals").status_code == status


def test_withdrawing_needs_a_reason(app, world, factory):
    with travel(START):
        notice = published_notice(world, factory)
        reviewer = signed_in(app, world.reviewer_a)
        url = f"/staff/notices/{notice.id}"
        response = post_form(reviewer, f"{url}/withdraw", {"withdraw-reason": " "}, url)
        assert response.status_code == 200
        assert "撤回原因：请写明原因" in text(response)
        db.session.expire_all()
        assert db.session.get(Notice, notice.id).status == NoticeStatus.PUBLISHED
        response = post_form(reviewer, f"{url}/withdraw", {"withdraw-reason": "金额录入有误"}, url)
        assert response.status_code == 302
        page = text(reviewer.get(url))
    assert "已撤回" in page and "金额录入有误" in page


def test_deleting_a_draft_returns_to_the_dashboard(app, world, factory):
    notice = draft_notice(world, factory)
    reviewer = signed_in(app, world.reviewer_a)
    url = f"/staff/notices/{notice.id}"
    response = post_form(reviewer, f"{url}/withdraw", {"withdraw-reason": "重复拟定"}, url)
    assert response.status_code == 302 and response.location.endswith("/staff/notices/")
    assert db.session.scalar(select(Notice)) is None


def test_clerk_drafts_a_correction_that_names_the_old_notice(app, world, factory):
    with travel(START):
        notice = published_notice(world, factory)
    with travel(date(2026, 11, 3)):
        clerk = signed_in(app, world.clerk_a)
        url = f"/staff/notices/{notice.id}"
        response = post_form(clerk, f"{url}/correct", {"correct-reason": "保障人数有误"}, url)
        assert response.status_code == 302
        correction = db.session.scalar(select(Notice).where(Notice.supersedes_id == notice.id))
        assert response.location.endswith(f"/staff/notices/{correction.id}")
        page = text(clerk.get(response.location))
        # Each names the other by its title, as staff know notices, and links to it.
        assert f'href="/staff/notices/{notice.id}">{notice.title}</a>：保障人数有误' in page
        old_page = text(clerk.get(url))
    assert f'href="/staff/notices/{correction.id}">{correction.title}</a>：保障人数有误' in old_page


def test_another_townships_notice_is_404_for_clerk_b(app, world, factory):
    with travel(START):
        notice = published_notice(world, factory)
        objection = notices_objection(world, notice)
        clerk_b = signed_in(app, world.clerk_b)
        for url in (
            f"/staff/notices/{notice.id}",
            f"/staff/objections/{objection.id}",
            f"/staff/cases/{notice.entries[0].case_id}/notices",
        ):
            response = clerk_b.get(url)
            assert response.status_code == 404, url
            assert notice.title not in text(response)
        token = csrf_token(clerk_b, "/staff/notices/")
        for action, data in (
            ("withdraw", {"withdraw-reason": "试图撤回"}),
            ("correct", {"correct-reason": "试图更正"}),
            ("objections", {"objection-channel": "phone", "objection-text": "别的乡镇的异议"}),
        ):
            response = clerk_b.post(
                f"/staff/notices/{notice.id}/{action}", data={**data, "csrf_token": token}
            )
            assert response.status_code == 404, action
        assert notice.title not in text(clerk_b.get("/staff/notices/"))
        assert clerk_b.get(f"/staff/notices/new?village={world.village_a.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).status == NoticeStatus.PUBLISHED
    assert len(db.session.scalars(select(Objection)).all()) == 1


def notices_objection(world, notice):
    from noticeboard.notices import objections

    return objections.record_objection(
        world.clerk_a, notice.id, "phone", "反映第 1 户情况不实。", line=1
    )


def test_reviewer_publishes_a_temporary_assistance_list_on_the_page(app, world, factory):
    with travel(date(2026, 11, 20)):
        factory.case(world.clerk_a, Program.LINSHI, world.village_a, paid_on="2026-10-15")
        reviewer = signed_in(app, world.reviewer_a)
        url = "/staff/linshi-lists/new"
        form = text(reviewer.get(url))
        assert 'value="2026-10"' in form  # last month by default
        assert "新店镇（全乡镇/街道）" in form
        data = {"region_id": world.township_a.id, "month": "2026-10", "reason": ""}
        response = post_form(reviewer, url, data)
        assert response.status_code == 302
        notice = db.session.scalar(select(Notice))
        page = text(reviewer.get(response.location))
        assert notice.verification_code in page and "临时救助公示" in page
        # the same month again needs a correction reason, shown on the field
        assert "更正原因：本月已发布过公示" in text(post_form(reviewer, url, data))
        empty = text(post_form(reviewer, url, {**data, "month": "2026-09"}))
        assert "没有已发放的临时救助" in empty
        bad = text(post_form(reviewer, url, {**data, "month": "十月"}))
        assert "救助发放月份：请按 2026-10 的格式填写月份" in bad
    assert signed_in(app, world.clerk_a).get(url).status_code == 403


def test_case_page_links_to_the_notices_of_the_case(app, world, factory):
    notice = draft_notice(world, factory)
    clerk = signed_in(app, world.clerk_a)
    case_id = notice.entries[0].case_id
    page = text(clerk.get(f"/staff/cases/{case_id}"))
    assert f"/staff/cases/{case_id}/notices" in page
    listing = text(clerk.get(f"/staff/cases/{case_id}/notices"))
    assert notice.title in listing and "草稿" in listing


def test_notice_pages_need_a_login(client, world):
    for url in ("/staff/notices/", "/staff/approvals", "/staff/objections/", "/staff/rosters"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_no_page_offers_a_form_without_a_csrf_token(app, world, factory):
    with travel(START):
        notice = published_notice(world, factory)
        reviewer = signed_in(app, world.reviewer_a)
        page = text(reviewer.get(f"/staff/notices/{notice.id}"))
    forms = re.findall(r'<form method="post".*?</form>', page, re.S)
    assert forms and all("csrf_token" in form for form in forms)
