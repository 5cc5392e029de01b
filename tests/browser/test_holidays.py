"""The holiday calendar and the decision deadline as staff see them, on a phone (390 px)
and at the office: the year to enter, the form's refusal, the case's 办理时限."""

from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from noticeboard.cases.models import Program
from noticeboard.core.dates import CHINA, local_today
from noticeboard.extensions import db
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_clerk import log_in

pytestmark = pytest.mark.browser


def _inside(page, locator) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0
    assert box["x"] + box["width"] <= page.viewport_size["width"], locator


@pytest.mark.parametrize("width", [360, 390])
def test_an_administrator_enters_a_year_on_a_phone(live_server, open_screen, world, width):
    page = open_screen(str(width))
    log_in(page, live_server, world.admin.username)
    page.goto(live_server + "/staff/admin/holidays/")
    year = local_today().year + 1
    row = page.locator("tr", has_text=f"{year} 年")
    _inside(page, row.locator("td").nth(1))
    row.get_by_role("link").click()
    page.get_by_label("放假日期").fill(f"元旦 {year}-01-01 至 {year}-01-03")
    weekday = next(d for d in range(4, 11) if date(year, 1, d).weekday() < 5)
    page.get_by_label("调休上班日期").fill(f"{year}-01-{weekday:02d}")  # not a weekend day
    page.get_by_role("button", name="保存").click()
    error = page.locator(".error", has_text="调休上班日期")
    _inside(page, error)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"holidays-refused-{width}.png"), full_page=True)
    page.get_by_label("调休上班日期").fill("")
    page.get_by_role("button", name="保存").click()
    _inside(page, page.get_by_text(f"已保存 {year} 年节假日安排"))
    _inside(page, page.locator("tr", has_text=f"{year} 年").get_by_text("管理员录入"))


def test_an_overdue_application_shows_its_deadline(live_server, office_pc, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, applicant_name="迟办理")
    case.created_at = datetime.combine(local_today() - timedelta(days=90), time(10), CHINA)
    db.session.commit()
    page = office_pc
    log_in(page, live_server, world.clerk_a.username)
    page.get_by_role("link", name="超过办理时限未审核确认的申请").click()
    page.get_by_role("link", name="迟办理").click()
    expect(page.get_by_text("已超期")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "case-overdue.png"))
