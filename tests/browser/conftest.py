"""Fixtures for browser tests: the test app served over HTTP, and headless Chromium at phone size.

Chromium is Debian's /usr/bin/chromium (Playwright's own browser downloads are not used).
Every wait is bounded, so a stuck page fails the test instead of hanging CI.
"""

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
ACTION_TIMEOUT_MS = 15_000
LAUNCH_TIMEOUT_MS = 30_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A small phone, as residents read the board in the WeChat browser.
PHONE = {
    "viewport": {"width": 375, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
# The screens every public page is judged on: two common Android phones and an office PC.
SCREENS = {
    "360": {
        "viewport": {"width": 360, "height": 640},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "390": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "1280": {"viewport": {"width": 1280, "height": 800}},
}
# Screenshots the run leaves for a person to look at (git-ignored).
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# axe-core, installed for the tests only by `npm ci` in tests/browser (make test does it).
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices (landmarks, one h1, …).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_IMPACTS = ("critical", "serious", "moderate", "minor")
# One line per page checked, printed at the end of the run.
AXE_SUMMARY: list[str] = []


@pytest.fixture(scope="session")
def live_server(app):
    """The session's test app on a free local port. It shares the test database; each request
    pushes its own app context, so it sees what a test has committed."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        # A skip would let CI pass without the browser test ever running.
        pytest.fail(
            "browser tests need Debian's chromium at /usr/bin/chromium (make test installs it)"
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            timeout=LAUNCH_TIMEOUT_MS,
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized page: no cookies carried over from another test."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def office_pc(browser):
    """A clerk's office screen: Excel on one half, the browser on the other."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def open_screen(browser, live_server) -> Callable:
    """open_screen("360", large=True) → a fresh page on that screen, in 长者模式 if `large`.

    长者模式 is the site's own cookie, set here as the mode's link would set it."""
    contexts = []

    def open_page(screen: str, large: bool = False, bypass_csp: bool = False):
        # bypass_csp: only for injecting axe-core, which the site's CSP rightly refuses.
        context = browser.new_context(locale="zh-CN", bypass_csp=bypass_csp, **SCREENS[screen])
        contexts.append(context)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
        if large:
            context.add_cookies([{"name": "text_size", "value": "large", "url": live_server}])
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


def run_axe(page, where: str) -> list[dict]:
    """Run axe-core on the page; record a summary line; return the violations."""
    if not AXE.exists():
        pytest.fail(f"axe-core missing at {AXE}: run `npm ci` in tests/browser (make test does)")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = results["violations"]
    counts = {impact: 0 for impact in AXE_IMPACTS}
    for violation in violations:
        counts[violation["impact"]] += len(violation["nodes"])
    rules = ", ".join(f"{v['id']}({v['impact']})" for v in violations) or "-"
    AXE_SUMMARY.append(
        f"axe {where}: {len(violations)} rules violated; nodes by impact "
        + " ".join(f"{impact}={counts[impact]}" for impact in AXE_IMPACTS)
        + f"; passes={len(results['passes'])}; rules: {rules}"
    )
    return violations


def pytest_terminal_summary(terminalreporter):
    if AXE_SUMMARY:
        terminalreporter.section("axe-core accessibility summary")
        for line in AXE_SUMMARY:
            terminalreporter.write_line(line)
