"""Accessibility of the public pages and the staff login: axe-core (WCAG 2.1 AA), the objection
form with the keyboard alone, and large-text mode (长者模式) that stays on from page to page.

The axe summary (one line per page) is printed at the end of the test run.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from noticeboard.notices import objections
from noticeboard.notices.models import ObjectionChannel
from tests.browser.builders import public_pages, seven_day_dibao
from tests.browser.conftest import run_axe

pytestmark = pytest.mark.browser

SERIOUS = ("serious", "critical")
OBJECTION = "该户儿子在县城开了超市，家庭经济条件较好，请核实。"


def serious_violations(page: Page, where: str) -> list[str]:
    violations = run_axe(page, where)
    return [
        f"{where}: {v['id']} ({v['impact']}) {v['help']}: "
        + "; ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in violations
        if v["impact"] in SERIOUS
    ]


def submit(page: Page, button_name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button_name).click()


def test_no_serious_or_critical_axe_violation_on_any_public_page(
    world, factory, live_server, open_screen
):
    paths, notice_id = public_pages(world, factory)
    failures = []
    for screen, large in (("390", False), ("390", True), ("1280", False)):
        mode = f"{screen} px{' 长者模式' if large else ''}"
        page = open_screen(screen, large, bypass_csp=True)
        for path in paths:
            page.goto(live_server + path)
            assert page.locator("html").get_attribute("lang") == "zh-CN", path
            failures += serious_violations(page, f"{path} [{mode}]")
        # The objection form as it comes back with errors.
        page.goto(f"{live_server}/notices/{notice_id}/objections")
        submit(page, "提交异议")
        expect(page.locator(".field.has-error")).not_to_have_count(0)
        failures += serious_violations(page, f"objection form with errors [{mode}]")
    # The receipt after an objection is taken (once: objections are rate-limited).
    page.goto(f"{live_server}/notices/{notice_id}/objections")
    page.locator("#text").fill(OBJECTION)
    submit(page, "提交异议")
    expect(page.get_by_role("heading", name="您的异议已收到")).to_be_visible()
    failures += serious_violations(page, "objection receipt [1280 px]")
    assert not failures, "\n".join(failures)


FOCUS_RING_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return {tag: el.tagName, id: el.id, text: (el.innerText || '').slice(0, 20), ring};
}"""


def tab_to(page: Page, selector: str, limit: int = 60) -> list[dict]:
    """Press Tab until `selector` has the focus; every stop on the way must show a focus ring."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_RING_JS)
        stops.append(stop)
        assert stop["ring"], f"no visible focus ring on {stop}"
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return stops
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab: {stops[-5:]}")


def test_objection_form_works_with_the_keyboard_alone_and_announces_errors(
    world, factory, live_server, office_pc
):
    built = seven_day_dibao(world, factory)
    page = office_pc
    page.goto(f"{live_server}/notices/{built.notice_id}")

    # From the notice to the form of its own, by the keyboard too.
    tab_to(page, "a[href$='/objections']")
    with page.expect_navigation(url=f"{live_server}/notices/{built.notice_id}/objections"):
        page.keyboard.press("Enter")
    tab_to(page, "#text")
    page.keyboard.type("太短")
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The refusal is announced (role=alert), the field carries its message as its
    # description, and the cursor is back in the field to fix.
    expect(page.get_by_role("alert")).to_contain_text("异议未提交成功")
    text = page.locator("#text")
    expect(text).to_be_focused()
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_have_accessible_description(re.compile("5 至 1000 字"))
    error = page.locator(".field.has-error .error").first
    expect(error).to_be_visible()
    assert error.get_attribute("id") in text.get_attribute("aria-describedby").split()

    page.keyboard.press("Control+A")
    page.keyboard.type(OBJECTION)
    tab_to(page, "#line")
    page.keyboard.type("2")
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Space")

    expect(page.get_by_role("heading", name="您的异议已收到")).to_be_visible()
    receipt = page.locator("#receipt-no").inner_text().strip()
    stored = objections.lookup_receipt(receipt)
    assert stored is not None and stored.channel == ObjectionChannel.ONLINE
    assert (stored.notice_id, stored.line, stored.text) == (built.notice_id, 2, OBJECTION)


# Text and controls that a person reads or taps, checked in 长者模式 on each public page.
TEXT_SIZES_JS = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.checkVisibility()) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 18) small.push(`${size}px "${node.textContent.trim().slice(0, 20)}"`);
  }
  return small;
}"""
TAP_TARGETS_JS = """() => {
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input, textarea, select')) {
    if (!el.checkVisibility() || el.type === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width < 43.5 || r.height < 43.5)
      small.push(`${el.tagName} "${(el.innerText || el.name).trim().slice(0, 20)}" ` +
                 `${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return small;
}"""


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def body_font_size(page: Page) -> float:
    return page.eval_on_selector("body", "e => parseFloat(getComputedStyle(e).fontSize)")


def test_large_text_mode_is_at_least_18px_with_44px_targets_and_stays_on(
    world, factory, live_server, open_screen, screenshot_dir
):
    paths, notice_id = public_pages(world, factory)
    page = open_screen("360")
    # Every page once in the standard size first: the browser keeps them (they are public),
    # and 长者模式 must apply to those kept copies as well as to fresh ones.
    for path in paths:
        page.goto(live_server + path)
        assert body_font_size(page) < 18, path
    page.goto(f"{live_server}/notices/{notice_id}")
    with page.expect_navigation():
        page.get_by_role("link", name="长者模式（大字）").click()
    assert page.url.endswith(f"/notices/{notice_id}")  # back on the same notice

    problems = []
    for path in paths:
        if path == "/login":
            continue  # staff page: large-text mode is for residents
        page.goto(live_server + path)
        page.screenshot(path=screenshot_dir / f"page-{slug(path)}-360-large.png", full_page=True)
        # It stays on: every text in large type, with the way back to normal size.
        problems += [f"{path}: text {t}" for t in page.evaluate(TEXT_SIZES_JS)]
        problems += [f"{path}: target {t}" for t in page.evaluate(TAP_TARGETS_JS)]
        expect(page.get_by_role("link", name="标准字号")).to_be_visible()
        expect(page.get_by_role("link", name="长者模式（大字）")).to_be_hidden()
    assert not problems, "\n".join(problems)

    with page.expect_navigation():
        page.get_by_role("link", name="标准字号").click()
    assert body_font_size(page) < 18
    expect(page.get_by_role("link", name="长者模式（大字）")).to_be_visible()
