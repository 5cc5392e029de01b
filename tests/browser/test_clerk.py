"""A township clerk enters cases in a real browser, as on the first day with the system."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from noticeboard.cases.models import Case
from noticeboard.core.crypto import id_index
from noticeboard.extensions import db
from tests.factories import PASSWORD, resident_id, with_wrong_checksum

pytestmark = pytest.mark.browser


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def save(page) -> None:
    with page.expect_navigation():
        page.click("button:has-text('保存')")


def test_clerk_enters_a_household_and_a_bad_id_is_refused(live_server, office_pc, world):
    page = office_pc
    log_in(page, live_server, world.clerk_a.username)
    page.goto(f"{live_server}/staff/cases/new/dibao")
    page.select_option("#village_id", label="东风村")
    page.fill("#applicant_name", "欧阳娜娜")
    page.fill("#applicant_id_number", with_wrong_checksum(resident_id("19700101")))
    page.select_option("#dibao_area", "rural")
    page.fill("#monthly_amount", "1,360")
    page.fill("[name='members-0-name']", "𠮷祥")
    page.fill("[name='members-0-id_number']", resident_id("20100101"))
    page.select_option("[name='members-0-relation']", "子女")
    save(page)

    expect(page.locator(".field.has-error")).to_contain_text("户主身份证号：校验位不正确")
    expect(page.locator("[name='members-0-name']")).to_have_value("𠮷祥")  # nothing lost
    assert db.session.scalar(select(Case)) is None  # nothing saved half-way

    good = resident_id("19700101")
    page.fill("#applicant_id_number", good)
    save(page)
    # The message names the case, not the person (flashes travel in the session cookie).
    expect(page.locator(".flash-success")).to_contain_text("已保存 低保-")
    expect(page.locator("h1")).to_contain_text("欧阳娜娜")
    expect(page.locator("dl.facts")).to_contain_text("2 人")

    page.goto(f"{live_server}/staff/?q=欧阳")
    # Lists show the ID masked; the case page reveals it (logged).
    expect(page.locator("table.grid tbody")).to_contain_text(f"{good[:6]}********{good[-4:]}")
    # IDs are encrypted: an exact lookup goes through the keyed index.
    case = db.session.scalar(select(Case).where(Case.applicant_id_index == id_index(good)))
    assert case.members[0].name == "𠮷祥" and str(case.monthly_amount) == "1360.00"


def test_another_townships_case_answers_404_in_the_browser(live_server, office_pc, world, factory):
    from noticeboard.cases.models import Program

    other = factory.case(world.clerk_b, Program.DIBAO, world.village_b)
    log_in(office_pc, live_server, world.clerk_a.username)
    response = office_pc.goto(f"{live_server}/staff/cases/{other.id}")
    assert response.status == 404
    expect(office_pc.locator("h1")).to_have_text("404 页面不存在")
    expect(office_pc.locator("body")).not_to_contain_text(other.applicant_name)
