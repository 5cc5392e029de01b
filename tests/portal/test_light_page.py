"""A light page for a cheap phone on a slow network, and a notice that shares and checks well:
gzip, page weight, link-preview data without personal data, the QR code, /verify input."""

import gzip
import re
from html import unescape

import pytest

from noticeboard.notices.snapshots import normalise_code
from noticeboard.portal import services
from tests.browser.builders import fifty_rows
from tests.portal.helpers import publish

GZIP = {"Accept-Encoding": "gzip, deflate"}
PAGE_BUDGET = 60_000  # bytes of HTML + CSS, gzipped, for a 50-row notice


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)">', html)
    assert match, f"no {key} meta"
    return unescape(match.group(1))


def test_text_is_gzipped_for_clients_that_accept_it_and_varies_on_it(client, world):
    plain = client.get("/")
    zipped = client.get("/", headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    for response in (plain, zipped):
        assert "Accept-Encoding" in response.headers["Vary"]
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data)


def test_the_stylesheet_is_gzipped_with_a_weak_etag_that_still_revalidates(client):
    css = client.get("/static/style.css", headers=GZIP)
    assert css.headers["Content-Encoding"] == "gzip"
    assert b"@media print" in gzip.decompress(css.data)
    etag = css.headers["ETag"]
    assert etag.startswith("W/")
    again = client.get("/static/style.css", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304


def test_pdf_downloads_are_not_gzipped(client, world, factory):
    notice, _ = publish(world, factory)
    pdf = client.get(f"/notices/{notice.id}.pdf", headers=GZIP)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "Content-Encoding" not in pdf.headers


def test_a_50_row_notice_weighs_under_60_kb_gzipped_with_its_stylesheet(client, world, factory):
    built = fifty_rows(world, factory)
    html = client.get(f"/notices/{built.notice_id}", headers=GZIP)
    css = client.get("/static/style.css", headers=GZIP)
    display = client.get("/display.css", headers=GZIP)
    sizes = [len(response.data) for response in (html, css, display)]
    assert gzip.decompress(html.data).count(b"<tr>") >= 50
    assert sum(sizes) <= PAGE_BUDGET, sizes
    # Nothing more to fetch: no script, no web font, no stylesheet but style.css and the
    # visitor's own display.css.
    page, style = gzip.decompress(html.data).decode(), gzip.decompress(css.data).decode()
    assert "<script" not in page and page.count('rel="stylesheet"') == 2
    assert '<link rel="stylesheet" href="/display.css">' in page
    assert "@font-face" not in style and "@import" not in style and "url(" not in style


def test_notice_link_preview_names_the_notice_and_totals_but_nobody(client, world, factory):
    notice, case = publish(world, factory, applicant_name="欧阳娜娜")
    html = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    description = meta(html, "description")
    assert description == meta(html, "og:description")
    assert meta(html, "og:title") == notice.title
    assert "城乡最低生活保障拟保对象公示" in description and "共 1 户 2 人" in description
    assert "1,360.00 元" in description and "公示期" in description
    for personal in ("欧阳", "欧阳*娜", case.applicant_id_number, case.applicant_phone):
        assert personal not in description
    assert case.members[0].name not in html


def test_notice_addresses_come_from_public_base_url_not_the_host_header(
    app, client, world, factory
):
    notice, _ = publish(world, factory)
    previous = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = "https://gongshi.example.gov.cn"
    try:
        html = client.get(
            f"/notices/{notice.id}", headers={"X-Forwarded-Host": "evil.example"}
        ).get_data(as_text=True)
        qr = client.get(f"/notices/{notice.id}/qr.svg")
    finally:
        app.config["PUBLIC_BASE_URL"] = previous
    address = f"https://gongshi.example.gov.cn/notices/{notice.id}"
    assert meta(html, "og:url") == address
    assert f'<link rel="canonical" href="{address}">' in html
    assert "evil.example" not in html
    # The QR code encodes exactly that address (segno draws the same code for the same text).
    assert qr.mimetype == "image/svg+xml"
    assert qr.data == services.qr_svg(address)
    assert f'src="/notices/{notice.id}/qr.svg"' in html


def test_qr_code_of_a_notice_out_of_public_view_is_404(client, world):
    assert client.get("/notices/9999/qr.svg").status_code == 404


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("HUDG-RB7B", "HUDG-RB7B"),
        ("hudg-rb7b", "HUDG-RB7B"),
        ("hudg rb7b", "HUDG-RB7B"),
        ("HUDGRB7B", "HUDG-RB7B"),
        (" h u d g - r b 7 b ", "HUDG-RB7B"),
        ("ＨＵＤＧ－ＲＢ７Ｂ", "HUDG-RB7B"),  # typed with a Chinese input method
        ("核验码：HUDG—RB7B", "HUDG-RB7B"),
        ("0ABC-1DEF", "OABC-IDEF"),  # base32 has no 0 or 1: they are O and I
        ("o1i0-abcd", "OIIO-ABCD"),
        ("ABC", "ABC"),
        ("", ""),
    ],
)
def test_verification_codes_are_read_as_residents_type_them(typed, printed):
    assert normalise_code(typed) == printed


def test_verify_page_finds_a_notice_from_a_sloppily_typed_code(client, world, factory):
    notice, _ = publish(world, factory)
    code = notice.verification_code
    sloppy = code.lower().replace("o", "0").replace("i", "1").replace("-", " ")
    found = client.get("/verify", query_string={"code": sloppy})
    assert found.status_code == 200
    assert notice.title in found.get_data(as_text=True)
    assert client.get(f"/verify/{code.replace('-', '').lower()}").status_code == 200
    assert client.get("/verify", query_string={"code": "ZZZZ-ZZZZ"}).status_code == 404
