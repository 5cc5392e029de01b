"""The county's statistics page and the public statistics page in Chromium, at an office
screen and a 390 px phone: no sideways scroll of the page (wide tables scroll in their own
box), the charts drawn without JavaScript, and no axe violation. Screenshots are left in
tests/browser/screenshots/ for a person to look at."""

import pytest

from tests.browser.conftest import run_axe
from tests.browser.seen import sideways_overflow
from tests.browser.test_clerk import log_in
from tests.statistics.history import build

pytestmark = pytest.mark.browser
# Every statistics table and chart ends inside the window, or (a wide table) scrolls in a
# box that does.
# `width` is the screen's: a phone widens its layout (innerWidth) to fit what overflows.
BOXES_INSIDE = """(width) => window.innerWidth === width
    && [...document.querySelectorAll('.stats-scroll, figure.chart')].every(box =>
      box.getBoundingClientRect().right <= width + 0.5 && (
        ['auto', 'scroll'].includes(getComputedStyle(box).overflowX)
        || box.firstElementChild.getBoundingClientRect().right <= width + 0.5))"""


@pytest.mark.parametrize("screen", ["1280", "390"])
def test_statistics_pages_read_well_on_a_pc_and_a_phone(
    screen, world, factory, live_server, open_screen, screenshot_dir, app
):
    build(world, factory)
    app.config["STATS_SUPPRESS_BELOW"] = 1  # the test county is tiny: show its figures
    try:
        staff = open_screen(screen, bypass_csp=True)
        log_in(staff, live_server, world.county_officer.username)
        staff.goto(f"{live_server}/staff/statistics/?month=2026-08")
        assert staff.locator("#month-table tbody tr").count() == 3  # two townships, 合计
        assert staff.locator("figure.chart svg rect").count() >= 24
        assert sideways_overflow(staff) <= 0 and staff.evaluate(BOXES_INSIDE, int(screen))
        staff.screenshot(path=screenshot_dir / f"statistics-county-{screen}.png", full_page=True)
        assert run_axe(staff, f"staff statistics {screen}") == []
        staff.goto(f"{live_server}/staff/statistics/annual?year=2026")
        assert "公开发布享受城乡低保" in staff.locator("#annual-text").inner_text()
        staff.screenshot(path=screenshot_dir / f"statistics-annual-{screen}.png", full_page=True)

        public = open_screen(screen, bypass_csp=True)
        public.goto(f"{live_server}/statistics?month=2026-08")
        assert public.locator("table.stats-table tbody tr").count() == 3
        assert sideways_overflow(public) <= 0 and public.evaluate(BOXES_INSIDE, int(screen))
        public.screenshot(path=screenshot_dir / f"statistics-public-{screen}.png", full_page=True)
        assert run_axe(public, f"public statistics {screen}") == []
    finally:
        app.config["STATS_SUPPRESS_BELOW"] = 3
