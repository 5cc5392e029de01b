"""The staff side as a working day, in Chromium at an office screen (issue 16): each role's
工作台, a case to its notice in few clicks, forms that keep the clerk's place."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from noticeboard.cases.models import Program
from noticeboard.notices import objections, pre_approval
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_clerk import log_in
from tests.portal.helpers import START, travel

pytestmark = pytest.mark.browser


def _in_view(page, locator) -> bool:
    """Whether the element is shown inside the window without scrolling."""
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_each_role_lands_on_its_home_and_can_act_on_every_link(
    live_server, office_pc, world, factory
):
    with travel(START):
        factory.case(world.clerk_a, Program.DIBAO, world.village_a)
        listed = factory.case(world.clerk_a, Program.DIBAO, world.village_a2)
        notice = pre_approval.publish_notice(
            world.reviewer_a,
            pre_approval.prepare_notice(
                world.clerk_a, world.village_a2.id, "dibao", [listed.id]
            ).id,
        )
        objections.raise_objection(notice.id, "请核实这一户的收入情况。", line=1)
    page = office_pc
    for user in (world.clerk_a, world.reviewer_a, world.county_officer, world.admin):
        page.context.clear_cookies()
        log_in(page, live_server, user.username)
        assert page.url.endswith("/staff/home"), (user.username, page.url)
        expect(page.locator("h1")).to_contain_text("工作台")
        _shot(page, f"home-{user.username}")
        links = page.locator("ul.todo a")
        targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert targets, user.username
        for target in targets:
            response = page.goto(live_server + target)
            assert response.status == 200, (user.username, target, response.status)
            page.go_back()
        counts = dict(
            (label.strip(), int(count))
            for count, label in re.findall(
                r'<span class="todo-count">(\d+)</span>([^<]+)</a>', page.content()
            )
        )
        if user is world.clerk_a:
            assert counts["待列入公示的案件"] == 1 and counts["未办结的异议"] == 1


def test_a_saved_case_reaches_a_notice_draft_in_two_clicks(live_server, office_pc, world, factory):
    page = office_pc
    case = factory.case(world.clerk_a, Program.TEKUN, world.village_a2)
    log_in(page, live_server, world.clerk_a.username)
    page.goto(f"{live_server}/staff/cases/{case.id}")  # where saving a case lands
    with page.expect_navigation():
        page.click("text=列入 7 天公示")  # click 1
    expect(page.locator(f"#case-{case.id}")).to_be_checked()
    with page.expect_navigation():
        page.click("button:has-text('保存为草稿')")  # click 2
    expect(page.locator("h1")).to_contain_text("特困")
    expect(page.locator("section.previews")).to_contain_text("共 1 人")
    _shot(page, "draft-preview")


def test_an_objection_by_phone_keeps_the_clerks_place(live_server, office_pc, world, factory):
    """An error and a success are both visible without scrolling; Back after recording does
    not ask to send the form again."""
    page = office_pc
    day = date.today()
    with travel(day):
        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
        notice = pre_approval.publish_notice(
            world.reviewer_a,
            pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id]).id,
        )
    log_in(page, live_server, world.clerk_a.username)
    url = f"{live_server}/staff/notices/{notice.id}"
    page.goto(url)
    page.click("text=登记电话或来访反映的异议")
    page.select_option("#objection-channel", "phone")
    page.fill("#objection-text", "短")
    with page.expect_navigation():
        page.click("button:has-text('登记异议')")
    banner = page.locator("#objection-form [role=alert]")
    expect(banner).to_be_visible()
    assert _in_view(page, page.locator("#objection-text")), "the field to fix is off screen"
    expect(page.locator("#objection-text")).to_be_focused()
    page.fill("#objection-text", "该户家中有经营性货车，收入不低。")
    with page.expect_navigation():
        page.click("button:has-text('登记异议')")
    receipt = page.locator("#objections .flash-success")
    expect(receipt).to_contain_text("回执号 YY-")
    assert _in_view(page, receipt), "the receipt number is scrolled out of view"
    _shot(page, "objection-receipt")
    page.go_back()
    expect(page.locator("h1")).to_contain_text(notice.title)  # the page, no resubmit prompt
    assert page.url.startswith(url)


def test_adding_a_member_row_adds_one_row_where_the_clerk_is(live_server, office_pc, world):
    page = office_pc
    log_in(page, live_server, world.clerk_a.username)
    page.goto(f"{live_server}/staff/cases/new/dibao")
    rows = page.locator("table.members tbody tr")
    before = rows.count()
    for added in (1, 2):
        with page.expect_navigation():
            page.click("button:has-text('增加一行')")
        assert rows.count() == before + added
        newest = page.locator(f"[name='members-{before + added - 1}-name']")
        expect(newest).to_be_focused()
        assert _in_view(page, newest), "the new row is off screen"
