"""Every figure of a public notice is on screen, on two phones and an office PC, in normal
and large-text mode (长者模式), with the longest names, a long village name and 1,000 rows.

Screenshots of each case are left in tests/browser/screenshots/ for a person to look at.
"""

import pytest

from noticeboard.notices.models import NoticeKind
from tests.browser.builders import LAYOUT_CASES
from tests.browser.conftest import SCREENS
from tests.browser.seen import expect_on_screen, off_screen_cells, sideways_overflow

pytestmark = pytest.mark.browser

VALUE_CELLS = "table.notice-table tbody td, table.notice-table tfoot td"
# Rows checked one by one through Playwright on long notices (all rows are checked in the
# page at once): the first, one in the middle and the last.
SAMPLE_ROWS = 3


def test_every_kind_of_notice_has_a_layout_case():
    """A new kind of notice (终止公示, say) must be added to LAYOUT_CASES to be judged."""
    assert {kind for kind, _ in LAYOUT_CASES.values()} == set(NoticeKind)


def rows_to_check(rows: int) -> list[int]:
    return list(range(rows)) if rows <= 10 else [0, rows // 2, rows - 1][:SAMPLE_ROWS]


@pytest.mark.parametrize("case", list(LAYOUT_CASES))
def test_every_value_of_the_notice_is_on_screen(
    case, world, factory, live_server, open_screen, screenshot_dir
):
    _, build = LAYOUT_CASES[case]
    built = build(world, factory)
    failures = []
    for screen in SCREENS:
        for large in (False, True):
            where = f"{case} at {screen} px{' 长者模式' if large else ''}"
            page = open_screen(screen, large)
            page.goto(f"{live_server}/notices/{built.notice_id}")
            page.screenshot(
                path=screenshot_dir / f"{case}-{screen}-{'large' if large else 'normal'}.png",
                full_page=built.rows <= 50,
            )
            rows = page.locator("table.notice-table tbody tr")
            assert rows.count() == built.rows, where
            try:
                overflow = sideways_overflow(page)
                assert overflow <= 0, f"the page scrolls {overflow} px sideways"
                checked, problems = off_screen_cells(page, VALUE_CELLS)
                assert checked >= built.rows * 4, f"only {checked} cells with a value"
                assert not problems, f"{len(problems)} values off screen: {problems[:5]}"
                for index in rows_to_check(built.rows):
                    cells = rows.nth(index).locator("td")
                    for cell in range(cells.count()):
                        if cells.nth(cell).inner_text().strip():
                            expect_on_screen(page, cells.nth(cell))
            except AssertionError as error:
                failures.append(f"{where}: {error}")
    assert not failures, "\n".join(failures)
