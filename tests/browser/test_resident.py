"""A resident on a phone: finds their village's notice, switches to large text, objects."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from noticeboard.cases.models import Program
from noticeboard.extensions import db
from noticeboard.notices import objections, pre_approval
from noticeboard.notices.models import ObjectionChannel

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/noticeboard-phone.png"
SCREENSHOT_LARGE = "/tmp/noticeboard-phone-large.png"
SCREENSHOT_RECEIPT = "/tmp/noticeboard-phone-receipt.png"
RECEIPT = re.compile(r"^YY-[0-9A-Z]{10}$")


def tap_to(page: Page, target: Locator, url: re.Pattern) -> None:
    """Tap a link or button and wait for the page it leads to. A tap, unlike a click, does not
    wait for the navigation it starts, and reading a page mid-navigation is a flaky test."""
    with page.expect_navigation(url=url):
        target.tap()


def font_size(page: Page, selector: str = "body") -> float:
    return page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)")


def overflow_px(page: Page) -> int:
    """How far the page is wider than the screen (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_resident_finds_the_notice_reads_it_in_large_text_and_raises_an_objection(
    live_server, phone: Page, world, factory
):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, applicant_name="张三丰")
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, Program.DIBAO, [case.id])
    notice = pre_approval.publish_notice(world.reviewer_a, draft.id)
    notice_id, title, case_id = notice.id, notice.title, case.id
    db.session.commit()  # hold no transaction open while the server writes

    page = phone
    notice_url = re.compile(rf"/notices/{notice_id}\??$")
    village_url = re.compile(rf"/villages/{world.village_a.id}$")
    page.goto(f"{live_server}/")
    tap_to(
        page,
        page.get_by_role("link", name=re.compile("^新店镇")),
        re.compile(rf"/townships/{world.township_a.id}$"),
    )
    tap_to(page, page.get_by_role("link", name=re.compile("^东风村")), village_url)
    tap_to(page, page.get_by_role("link", name=re.compile(re.escape(title))), notice_url)
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("table")).to_contain_text("张*丰")
    expect(page.locator("body")).not_to_contain_text("张三丰")
    expect(page.locator(".notice-status")).to_contain_text("还剩 7 天")
    page.screenshot(path=SCREENSHOT, full_page=True)
    normal_size = font_size(page)
    assert overflow_px(page) <= 0, "the notice page scrolls sideways on a phone"

    # 长者模式: a link, so it works without JavaScript; it comes back to the same notice.
    tap_to(page, page.get_by_role("link", name="长者模式（大字）"), notice_url)
    large_size = font_size(page)
    assert large_size >= 18 and large_size > normal_size
    assert font_size(page, "h1") > normal_size * 1.2
    page.screenshot(path=SCREENSHOT_LARGE, full_page=True)

    # It stays on from page to page, though every page is the one shared copy for everyone.
    tap_to(page, page.locator("nav.crumbs").get_by_role("link", name="东风村"), village_url)
    assert font_size(page) == large_size
    expect(page.get_by_role("link", name="标准字号")).to_be_visible()
    expect(page.get_by_role("link", name="长者模式（大字）")).to_be_hidden()
    tap_to(page, page.get_by_role("link", name=re.compile(re.escape(title))), notice_url)
    assert font_size(page) == large_size

    objection_url = re.compile(rf"/notices/{notice_id}/objections$")
    tap_to(page, page.get_by_role("link", name="我要提出异议"), objection_url)
    assert font_size(page) == large_size
    form = page.locator("form.objection-form")
    form.locator("[name=text]").fill("该户儿子在县城开了超市，家庭经济条件较好，请核实。")
    form.locator("[name=line]").fill("1")
    form.locator("[name=name]").fill("李四")
    form.locator("[name=phone]").fill("13912345678")
    tap_to(page, form.get_by_role("button", name="提交异议"), objection_url)

    expect(page.get_by_role("heading", name="您的异议已收到")).to_be_visible()
    expect(page.locator("body")).to_contain_text("回执编号")
    receipt = page.locator("#receipt-no").inner_text().strip()
    assert RECEIPT.match(receipt), receipt
    # The contact details are for staff only: not even echoed back to the sender.
    assert "13912345678" not in page.content()
    page.screenshot(path=SCREENSHOT_RECEIPT, full_page=True)

    stored = objections.lookup_receipt(receipt)
    assert stored is not None
    assert (stored.notice_id, stored.line, stored.case_id) == (notice_id, 1, case_id)
    assert stored.channel == ObjectionChannel.ONLINE
    assert (stored.contact_name, stored.contact_phone) == ("李四", "13912345678")
    assert stored.is_open
