"""A late written refusal as a township clerk sees it on a phone: the 工作台 line, the case's
deadline, and the date recorded from the case page."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from noticeboard.cases.models import CaseStatus, Program
from noticeboard.core.dates import local_today
from noticeboard.core.types import utcnow
from noticeboard.extensions import db
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_clerk import log_in
from tests.browser.test_holidays import _inside

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 390])
def test_a_clerk_records_a_late_refusal_letter_on_a_phone(
    live_server, open_screen, world, factory, width
):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, applicant_name="未告知")
    case.status = CaseStatus.REJECTED
    case.closing_reason = "家庭收入超过当地低保标准。"
    case.decided_at = utcnow() - timedelta(days=20)
    case.decided_by_id = world.county_officer.id
    db.session.commit()
    page = open_screen(str(width))
    log_in(page, live_server, world.clerk_a.username)
    page.get_by_role("link", name="不予确认后未按时书面告知").click()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"refusal-list-{width}.png"), full_page=True)
    page.get_by_role("link", name="未告知").click()
    _inside(page, page.get_by_text("已超期"))
    page.get_by_label("书面告知日期").fill(local_today().isoformat())
    _inside(page, page.get_by_role("button", name="登记"))
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"refusal-letter-{width}.png"), full_page=True)
    page.get_by_role("button", name="登记").click()
    _inside(page, page.get_by_text(f"{local_today()} 已书面告知申请人"))
    expect(page.get_by_text("已超期")).to_have_count(0)
