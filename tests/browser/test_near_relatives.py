"""The near-relatives page in Chromium: the clerk registers with the keyboard-reachable form,
the county officer records the home visit; both screens pass axe-core."""

import pytest
from playwright.sync_api import expect

from noticeboard.cases.models import Program
from tests.browser.conftest import SCREENSHOTS, run_axe
from tests.browser.test_clerk import log_in

pytestmark = pytest.mark.browser


def test_the_clerk_registers_and_the_county_records_the_visit(
    live_server, open_screen, world, factory
):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    url = f"{live_server}/staff/cases/{case.id}/near-relatives"
    SCREENSHOTS.mkdir(exist_ok=True)

    clerk = open_screen("1280", bypass_csp=True)
    log_in(clerk, live_server, world.clerk_a.username)
    clerk.goto(url)
    clerk.select_option("#person_name", "李秀英")
    clerk.fill("#staff_name", "王建国")
    clerk.select_option("#post", "committee")
    clerk.fill("#workplace", "东风村村委会委员")
    with clerk.expect_navigation():
        clerk.click("button:has-text('登记备案')")  # the relation left out: refused, kept
    expect(clerk.locator(".field.has-error")).to_contain_text("亲属关系：请从列表中选择")
    expect(clerk.locator("#staff_name")).to_have_value("王建国")
    clerk.select_option("#relation", "兄弟姐妹")
    with clerk.expect_navigation():
        clerk.click("button:has-text('登记备案')")
    expect(clerk.locator("#registrations")).to_contain_text("王建国")
    clerk.screenshot(path=str(SCREENSHOTS / "near-relatives-clerk.png"), full_page=True)
    assert run_axe(clerk, "near relatives (clerk) [1280 px]") == []

    county = open_screen("390", bypass_csp=True)
    log_in(county, live_server, world.county_officer.username)
    county.goto(url)
    county.fill("#visited_on", "2026-01-05")
    county.fill("#visitors", "陈科长")
    county.fill("#finding", "家庭收入与申报一致")
    with county.expect_navigation():
        county.click("button:has-text('登记入户核查')")
    expect(county.locator("#home-visits")).to_contain_text("家庭收入与申报一致")
    county.screenshot(path=str(SCREENSHOTS / "near-relatives-county-390.png"), full_page=True)
    assert run_axe(county, "near relatives (county) [390 px]") == []
