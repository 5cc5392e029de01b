"""The preview of a standard change as the county sees it (picture check), and its
confirmation by a second officer, in Chromium at an office screen."""

import pytest
from playwright.sync_api import expect

from noticeboard.cases.models import Program
from noticeboard.standards import services
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_clerk import log_in
from tests.standards.conftest import in_force, on_roster

pytestmark = pytest.mark.browser


def test_the_county_previews_a_standard_change_and_a_second_officer_confirms_it(
    live_server, browser, world, factory
):
    in_force(world, "dibao_rural", "880.00")
    households = [
        (world.village_a, "300", "1160.00"),
        (world.village_a, "520", "720.00"),
        (world.village_a2, "410.50", "938.00"),
    ]
    for village, income, amount in households:
        on_roster(
            factory.case(
                world.clerk_a,
                Program.DIBAO,
                village,
                income_per_person=income,
                monthly_amount=amount,
            )
        )
    on_roster(factory.case(world.clerk_a, Program.DIBAO, world.village_a2))  # no income
    standard = services.propose_standard(
        world.county_officer, "dibao_rural", "920.00", "2026-01", "示民〔2025〕12号"
    )
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    try:
        log_in(page, live_server, world.county_officer.username)
        page.goto(f"{live_server}/staff/standards/{standard.id}")
        expect(page.locator("h1")).to_have_text("保障标准调整预览")
        totals = page.locator("table").first
        expect(totals.locator("tbody tr")).to_have_count(2)
        expect(totals).to_contain_text("东风村")
        expect(page.get_by_text("未记录家庭月人均收入")).to_be_visible()
        expect(page.get_by_text("须由另一位县级民政工作人员确认执行")).to_be_visible()
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "standards-preview.png"), full_page=True)
        assert serious_violations(page, "standard change preview [1280 px]") == []

        page.context.clear_cookies()
        log_in(page, live_server, world.admin.username)
        page.goto(f"{live_server}/staff/standards/{standard.id}")
        with page.expect_navigation():
            page.get_by_role("button", name="确认执行：调整 3 件并发布长期公示新版本").click()
        expect(page.locator(".flash-success")).to_contain_text("已确认执行：调整 3 件")
        expect(page.get_by_role("button", name="确认执行", exact=False)).to_have_count(0)
    finally:
        context.close()
