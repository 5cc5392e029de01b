"""A light page on a cheap phone: nothing fetched from outside the site, HTML and CSS of a
50-row notice under 60 KB as the browser receives them, and a clean A4 print."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.builders import LONG_NAMES, fifty_rows, public_pages, seven_day_dibao
from tests.browser.seen import off_screen_cells
from tests.printing.helpers import pdftotext

pytestmark = pytest.mark.browser

PAGE_BUDGET = 60_000
# A4 portrait less the 12 mm margins of the print stylesheet, in CSS pixels (96 per inch).
A4_PRINT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)


def fetch_everything(page) -> None:
    """Every resource over the network: routing turns Playwright's caches off, so the
    stylesheet cannot come from a cache that another page (or test) filled."""
    page.route("**/*", lambda route: route.continue_())


def comparable(text: str) -> str:
    """Text compared without spaces or line breaks (a PDF has them where lines end)."""
    return "".join(text.split())


def test_public_pages_fetch_nothing_from_outside_the_site(world, factory, live_server, open_screen):
    paths, notice_id = public_pages(world, factory)
    site = urlsplit(live_server).netloc
    page = open_screen("360")
    fetch_everything(page)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in [*paths, f"/notices/{notice_id}?print"]:
        page.goto(live_server + path)
        page.wait_for_load_state("load")
    outside = sorted({url for url in requested if urlsplit(url).netloc != site})
    assert not outside, outside
    assert any(urlsplit(url).path == "/static/style.css" for url in requested)
    assert any(url.endswith("/qr.svg") for url in requested)


def test_a_50_row_notice_arrives_gzipped_under_60_kb_with_its_stylesheet(
    world, factory, live_server, open_screen, capsys
):
    built = fifty_rows(world, factory)
    page = open_screen("360")
    fetch_everything(page)
    # Versioned: /static/style.css?v=<hash> (core/static_files.py).
    with page.expect_response(lambda r: urlsplit(r.url).path == "/static/style.css") as stylesheet:
        html = page.goto(f"{live_server}/notices/{built.notice_id}")
    css = stylesheet.value
    sizes = {}
    for response in (html, css):
        assert response.headers.get("content-encoding") == "gzip", response.url
        sizes[response.url] = response.request.sizes()["responseBodySize"]
    total = sum(sizes.values())
    with capsys.disabled():
        print(f"\n50-row notice, bytes transferred with gzip: {sizes}, total {total}")
    assert total <= PAGE_BUDGET


def test_a_notice_prints_on_a4_with_every_figure_and_no_forms(
    world, factory, live_server, open_screen, screenshot_dir
):
    built = seven_day_dibao(world, factory)
    page = open_screen("390", large=True)  # printed from a phone, in 长者模式
    page.goto(f"{live_server}/notices/{built.notice_id}")
    names = page.locator("table.notice-table tbody td:nth-child(2)").all_inner_texts()
    amounts = page.locator("table.notice-table tbody td:last-child").all_inner_texts()
    assert len(names) == len(amounts) == len(LONG_NAMES)

    # On paper as wide as A4: every value inside the page, the forms and buttons gone.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_PRINT_WIDTH, "height": 1100})
    checked, problems = off_screen_cells(page, "table.notice-table td")
    assert checked >= len(LONG_NAMES) * 5 and not problems, problems
    for hidden in (".objection-link", "header.top", "a.button", "nav.crumbs"):
        elements = page.locator(hidden).all()
        assert elements, f"no {hidden} on the notice page"
        for element in elements:
            expect(element).to_be_hidden()
    expect(page.locator("img.qr")).to_be_visible()
    expect(page.locator("table.notice-table thead")).to_be_visible()

    pdf = page.pdf(format="A4", print_background=True)
    (screenshot_dir / "7day-dibao-print.pdf").write_bytes(pdf)
    # poppler maps the CJK fonts' radical glyphs back to ordinary characters (马, not ⻢).
    text = pdftotext(pdf)
    assert text is not None, "poppler-utils (pdftotext) is missing: make test installs it"
    flat = comparable(text)
    for value in [*names, *amounts, "月保障金额（元）", "监督电话", "核验码"]:
        assert comparable(value) in flat, value
    for absent in ("我要提出异议", "长者模式", "标准字号", "下载PDF", "首页›"):
        assert comparable(absent) not in flat, absent
