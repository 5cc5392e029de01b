"""A case's full resident IDs on a 360 px phone: masked at first, the reveal button on the
screen, and after the (logged) reveal every full ID readable without scrolling sideways."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from noticeboard.audit.models import AccessKind, DataAccess
from noticeboard.cases.models import Program
from noticeboard.extensions import db
from tests.browser.conftest import SCREENSHOTS
from tests.browser.seen import expect_on_screen, off_screen_cells, sideways_overflow
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_clerk import log_in

pytestmark = pytest.mark.browser


def test_the_reveal_button_and_the_revealed_ids_fit_a_360_px_screen(
    live_server, open_screen, world, factory
):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, address="东风村3组12号")
    member_id = case.members[0].id_number
    page = open_screen("360", bypass_csp=True)
    log_in(page, live_server, world.reviewer_a.username)
    page.goto(f"{live_server}/staff/cases/{case.id}")
    expect(page.locator("main")).not_to_contain_text(case.applicant_id_number)
    button = page.get_by_role("button", name="显示完整身份证号、电话和地址")
    button.scroll_into_view_if_needed()
    expect_on_screen(page, button)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "case-masked-360.png"), full_page=True)
    assert serious_violations(page, "case page, masked [360 px]") == []
    with page.expect_navigation():
        button.click()
    for full in (case.applicant_id_number, member_id, "13800138000", "东风村3组12号"):
        expect(page.locator("main")).to_contain_text(full)
    for full in (case.applicant_id_number, member_id):
        cell = page.locator(".mono", has_text=full).first
        cell.scroll_into_view_if_needed()
        expect_on_screen(page, cell)
    checked, problems = off_screen_cells(page, "dl.facts dd, table.grid td")
    assert checked > 5 and problems == []
    assert sideways_overflow(page) <= 0
    page.screenshot(path=str(SCREENSHOTS / "case-revealed-360.png"), full_page=True)
    assert serious_violations(page, "case page, revealed [360 px]") == []
    kinds = db.session.scalars(select(DataAccess.kind)).all()
    assert kinds == [AccessKind.REVEAL]


def test_the_county_reads_the_access_log_and_an_export_asks_its_purpose_at_360_px(
    live_server, open_screen, world, factory
):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    page = open_screen("360", bypass_csp=True)
    log_in(page, live_server, world.county_officer.username)
    page.goto(f"{live_server}/staff/cases/{case.id}")
    with page.expect_navigation():
        page.get_by_role("button", name="显示完整身份证号、电话和地址").click()
    page.goto(f"{live_server}/staff/audit/access?case={case.reference}")
    expect(page.locator("table.access-log tbody tr")).to_have_count(1)
    expect(page.locator("table.access-log")).to_contain_text("显示完整信息")
    assert sideways_overflow(page) <= 0
    page.screenshot(path=str(SCREENSHOTS / "access-log-360.png"), full_page=True)
    assert serious_violations(page, "access log [360 px]") == []
    page.goto(f"{live_server}/staff/exports/cases.xlsx")
    with page.expect_navigation():
        page.get_by_role("button", name="导出").click()
    expect(page.locator(".error")).to_contain_text("导出用途：请写明本次导出的用途")
    expect(page.locator("#purpose")).to_be_focused()
    page.screenshot(path=str(SCREENSHOTS / "export-purpose-360.png"), full_page=True)
    assert serious_violations(page, "export purpose refused [360 px]") == []
    page.fill("#purpose", "核对本月低保名单")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    purposes = db.session.scalars(select(DataAccess.purpose)).all()
    assert purposes == [None, "核对本月低保名单"]
