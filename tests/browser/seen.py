"""What a person sees on the screen, rather than what the DOM holds: text inside the viewport
and not clipped by a scrolling box, and a page that does not scroll sideways."""

from playwright.sync_api import Page, expect

# For every non-empty cell matched by `selector`: is each line of its text inside the part
# of the screen where it can be seen? That part is the viewport, narrowed by every box
# around the cell (the cell included) that clips or scrolls its content sideways.
OFF_SCREEN_CELLS_JS = """
(selector) => {
  const problems = [];
  let checked = 0;
  for (const cell of document.querySelectorAll(selector)) {
    const text = cell.textContent.trim();
    if (!text) continue;
    checked++;
    const label = cell.dataset.label || '';
    if (!cell.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) {
      problems.push(`${label} "${text}": hidden`);
      continue;
    }
    let left = 0, right = window.innerWidth;
    for (let box = cell; box; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== 'visible') {
        const r = box.getBoundingClientRect();
        left = Math.max(left, r.left);
        right = Math.min(right, r.right);
      }
    }
    const range = document.createRange();
    range.selectNodeContents(cell);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && (r.left < left - 0.5 || r.right > right + 0.5)) {
        problems.push(
          `${label} "${text}": text spans x=${Math.round(r.left)}..${Math.round(r.right)}, ` +
          `visible x=${Math.round(left)}..${Math.round(right)}`
        );
        break;
      }
    }
  }
  return {checked, problems};
}
"""


def sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0 or less: no sideways scroll)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def off_screen_cells(page: Page, selector: str) -> tuple[int, list[str]]:
    """(cells with text, descriptions of those whose text cannot be seen)."""
    result = page.evaluate(OFF_SCREEN_CELLS_JS, selector)
    return result["checked"], result["problems"]


def expect_on_screen(page: Page, locator) -> None:
    """Playwright's visibility, and a bounding box inside the viewport horizontally."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = page.evaluate("window.innerWidth")
    assert box is not None
    assert box["x"] >= -0.5 and box["x"] + box["width"] <= width + 0.5, (
        f"{locator.inner_text()!r} spans x={box['x']:.0f}..{box['x'] + box['width']:.0f} "
        f"on a {width} px wide screen"
    )
