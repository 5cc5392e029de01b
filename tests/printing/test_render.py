"""Render real PDFs and read them back."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from noticeboard.printing import render, render_notice_pdf, subset
from noticeboard.printing.fonts import font_chain
from noticeboard.printing.render import build_context, format_date, render_notice_html

from .helpers import SHA, embedded_fonts, make_snapshot, page_texts, pdftotext, render_kwargs


def _squash(text: str) -> str:
    """Drop whitespace: extractors differ in the spaces they put between table cells."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def small_pdf(small_rows) -> bytes:
    return render_notice_pdf(**render_kwargs(make_snapshot(small_rows)))


@pytest.fixture(scope="module")
def big_pdf(big_kwargs) -> bytes:
    return render_notice_pdf(**big_kwargs)


def test_small_notice_contents(small_pdf, small_rows):
    assert small_pdf.startswith(b"%PDF-")
    texts = page_texts(small_pdf)
    assert len(texts) == 1
    flat = _squash(texts[0])
    assert "新店镇东风村2026年11月城乡最低生活保障拟保对象公示" in flat
    for row in small_rows:
        assert _squash(row["name"]) in flat, row["name"]
        assert f"{Decimal(row['amount']):,.2f}" in flat  # 1,234.00, as the pages show it
    assert "公示期：2026年11月20日至2026年11月26日" in flat
    assert "核验码K7Q2-9XPD" in flat
    assert "0591-12345678" in flat and "0591-87654321" in flat
    assert "评议小组成员：李四、王五" in flat
    assert "新店镇人民政府" in flat and "2026年11月20日" in flat
    assert "盖章处" in flat
    assert "合计（5户）" in flat and "5,789.50" in flat
    assert "第1页共1页" in flat
    assert "快照" + SHA[:16] in flat


def test_rare_characters_survive_text_extraction(small_pdf):
    text = page_texts(small_pdf)[0]
    assert "𠮷*华" in text
    assert "阿卜杜拉·艾合买提" in text
    poppler = pdftotext(small_pdf)
    if poppler is not None:
        assert "𠮷*华" in poppler
        assert "阿卜杜拉·艾合买提" in poppler


def _program_name(stream) -> str:
    """The PostScript name inside an embedded font program: a bare CFF's Name INDEX, else
    the OpenType or TrueType name table."""
    data = stream.get_data()
    if stream.get("/Subtype") == "/CIDFontType0C":
        return _cff(data).fontNames[0]
    return TTFont(io.BytesIO(data))["name"].getDebugName(6)


def _cff(program: bytes) -> CFFFontSet:
    """A bare CFF program as fontTools reads it."""
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(program), None)
    return fonts


def test_embedded_fonts_are_noto_cjk(small_pdf):
    reader = PdfReader(io.BytesIO(small_pdf))
    base_fonts, embedded_names = set(), set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            base_fonts.add(str(font["/BaseFont"]).replace("-", ""))
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            stream = next(
                descriptor[k] for k in ("/FontFile3", "/FontFile2", "/FontFile") if k in descriptor
            )
            embedded_names.add(_program_name(stream.get_object()))
    assert any("NotoSerifCJKSC" in b for b in base_fonts), base_fonts
    assert any("NotoSansCJKSC" in b for b in base_fonts), base_fonts
    # The font programs themselves are the CJK fonts (PostScript names from the name table).
    assert any(n.startswith("NotoSerifCJK") for n in embedded_names), embedded_names
    assert any(n.startswith("NotoSansCJK") for n in embedded_names), embedded_names
    assert all("CJK" in n for n in embedded_names), embedded_names


def test_multi_page_footer_and_repeated_header(big_pdf, big_kwargs):
    texts = page_texts(big_pdf)
    total = len(texts)
    assert total >= 3
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 共 {total} 页" in text, (number, text[-200:])
    header = ("序号", "户主姓名", "保障人数", "月保障金额")
    for text in texts[1:]:
        flat = _squash(text)
        for label in header:
            assert label in flat
    everything = _squash("".join(texts))
    for row in big_kwargs["snapshot"]["rows"]:
        assert _squash(row["name"]) in everything
    last_row = big_kwargs["snapshot"]["rows"][-1]
    assert f"{Decimal(last_row['amount']):,.2f}" in _squash(texts[-1])
    # The closing block (period, QR caption) is on the last page only.
    assert "核验码" in texts[-1]
    assert all("核验码" not in t for t in texts[:-1])


def test_every_page_has_snapshot_hash_on_board(big_pdf):
    for text in page_texts(big_pdf):
        assert "快照" in text


def test_online_channel_captions(small_rows):
    pdf = render_notice_pdf(**render_kwargs(make_snapshot(small_rows), channel="online"))
    flat = _squash(page_texts(pdf)[0])
    assert "网上公示版" in flat
    assert "快照" not in flat
    assert "https://gs.example.gov.cn/v/K7Q2-9XPD" in flat
    assert "阿卜杜拉·艾合买提" in flat


@pytest.mark.parametrize(
    ("paper", "size"),
    [("A4-portrait", (595, 842)), ("A4-landscape", (842, 595)), ("A3-portrait", (842, 1191))],
)
def test_paper_sizes(small_rows, paper, size):
    pdf = render_notice_pdf(**render_kwargs(make_snapshot(small_rows), paper=paper))
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert float(box.width) == pytest.approx(size[0], abs=1.5)
    assert float(box.height) == pytest.approx(size[1], abs=1.5)


@pytest.mark.parametrize(
    "override",
    [
        {"paper": "Letter"},
        {"paper": "a4-portrait"},
        {"channel": "wechat"},
        {"snapshot_sha256": "not-a-hash"},
        {"public_url": ""},
    ],
)
def test_bad_arguments_raise_value_error(small_rows, override):
    with pytest.raises(ValueError):
        render_notice_pdf(**render_kwargs(make_snapshot(small_rows), **override))


def test_roster_without_period_or_panel():
    rows = [{"line": i, "name": f"王*{i}", "persons": 1, "amount": "600.00"} for i in range(1, 4)]
    snap = make_snapshot(rows, kind="roster", period=None, panel=[], totals=None)
    texts = page_texts(render_notice_pdf(**render_kwargs(snap)))
    flat = _squash("".join(texts))
    assert "公示期：" not in flat
    assert "评议小组成员" not in flat
    assert "合计" not in flat
    assert "王*3" in flat


def test_html_is_escaped_and_self_contained(small_rows):
    rows = [*small_rows, {"line": 6, "name": "<img src=x>", "persons": 1, "amount": "1.00"}]
    html = render_notice_html(
        make_snapshot(rows), **{k: v for k, v in render_kwargs({}).items() if k != "snapshot"}
    )
    assert "<img" not in html
    assert "&lt;img src=x&gt;" in html
    assert "<svg" in html  # QR code inline, no external resources
    assert "http" not in html.split("<body")[0]


def test_format_date():
    assert format_date("2026-11-20") == "2026年11月20日"
    assert format_date("2026-03-05") == "2026年3月5日"
    assert format_date("2026-11") == "2026年11月"
    assert format_date(None) == ""


def test_output_is_deterministic(small_rows):
    kwargs = render_kwargs(make_snapshot(small_rows))
    assert render_notice_pdf(**kwargs) == render_notice_pdf(**kwargs)


def test_empty_notice_says_so():
    snap = make_snapshot([], totals={"label": "合计", "households": 0, "amount": "0.00"})
    texts = page_texts(render_notice_pdf(**render_kwargs(snap)))
    flat = _squash("".join(texts))
    assert "（本期无公示对象）" in flat
    assert "合计" not in flat
    assert "户主姓名" in flat


def test_default_alignment_and_totals_layout(small_rows):
    columns = [
        {"key": "line", "label": "序号"},
        {"key": "name", "label": "户主姓名"},
        {"key": "persons", "label": "保障人数"},
        {"key": "amount", "label": "月保障金额（元）"},  # no "align": money is detected
    ]
    context = build_context(
        make_snapshot(small_rows, columns=columns),
        **{k: v for k, v in render_kwargs({}).items() if k != "snapshot"},
    )
    aligns = [c["align"] for c in context["columns"]]
    assert aligns == ["center", "left", "center", "right"]
    totals = context["totals"]
    assert totals["span"] == 2 and totals["label"] == "合计（5 户）"
    assert totals["cells"] == ["11", "5,789.50"]
    assert context["period"] == "2026年11月20日至2026年11月26日"


def _html_of(snapshot: dict, **overrides) -> str:
    kwargs = {k: v for k, v in render_kwargs({}, **overrides).items() if k != "snapshot"}
    return render.render_html(build_context(snapshot, **kwargs))


def _pdf_through_weasyprints_html_parser(html: str) -> bytes:
    with render._gc_paused():
        document = render._html_class()(string=html, url_fetcher=render._no_network_fetcher())
        return document.write_pdf(font_config=render._font_config())


def test_parsing_as_xml_prints_the_same_bytes_as_weasyprints_html_parser(small_rows):
    """Templates are parsed with expat (fast); WeasyPrint's HTML5 parser is the reference."""
    assert render._html_class().from_tree_ok  # else every render takes the slow path
    for channel, paper in (("board", "A4-portrait"), ("online", "A3-portrait")):
        html = _html_of(make_snapshot(small_rows), channel=channel, paper=paper)
        assert render.write_pdf(html) == _pdf_through_weasyprints_html_parser(html)


def test_a_value_xml_refuses_is_parsed_as_html_as_before(small_rows):
    rows = [dict(r) for r in small_rows]
    rows[0]["name"] = "张\x0b三丰"  # a vertical tab pasted from a spreadsheet: not XML
    html = _html_of(make_snapshot(rows))
    assert render.write_pdf(html) == _pdf_through_weasyprints_html_parser(html)


def _font_programs(pdf: bytes) -> dict[str, tuple[str, bytes, set[int]]]:
    """The embedded font programs of a PDF by font name: (subtype, bytes, codes used)."""
    return {name: tuple(rest) for name, *rest in embedded_fonts(pdf)}


def _pages_as_pixels(pdf: bytes, tmp_path, name: str) -> list[bytes]:
    """Every page rasterised by poppler at 100 dpi, as the bytes of an uncompressed image."""
    subprocess.run(["pdftoppm", "-r", "100", "-", str(tmp_path / name)], input=pdf, check=True)
    return [page.read_bytes() for page in sorted(tmp_path.glob(f"{name}-*.ppm"))]


def _weasyprints_own(html: str) -> bytes:
    subset.uninstall()
    try:
        return render.write_pdf(html)
    finally:
        assert subset.install()


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_fonts_keep_only_the_glyphs_used_and_print_as_weasyprints_own(small_rows, tmp_path):
    """The CJK faces go in as bare CID-keyed CFF programs of the glyphs used: a sixth of
    the bytes, the same pages to the pixel, the same text."""
    assert subset.install()
    rows = [dict(r) for r in small_rows]
    rows[0]["name"] = "𠮷*华"  # a glyph from the far end of the font
    html = _html_of(make_snapshot(rows))
    ours, theirs = render.write_pdf(html), _weasyprints_own(html)

    programs = _font_programs(ours)
    assert len(programs) == 2  # the serif and the sans face
    for name, (subtype, program, codes) in programs.items():
        assert subtype == "/CIDFontType0C", name
        # A viewer finds each glyph by its CID through the font's charset: every code the
        # text uses must be a CID the program holds.
        cids = {0}.union(*(range(c, c + n) for _g, c, n in subset.cid_ranges(program)))
        assert codes <= cids, (name, sorted(codes - cids))
        assert len(cids) < 300, name  # only what the notice uses, not 65,535 slots
        assert sorted(cids) == _cids_by_fonttools(program), name
    assert all(v[0] == "/OpenType" for v in _font_programs(theirs).values())
    assert len(ours) * 4 < len(theirs), (len(ours), len(theirs))

    assert _pages_as_pixels(ours, tmp_path, "ours") == _pages_as_pixels(theirs, tmp_path, "theirs")
    assert page_texts(ours) == page_texts(theirs)
    assert pdftotext(ours) == pdftotext(theirs)


def test_a_font_whose_cids_are_not_its_glyph_ids_keeps_them_as_weasyprint_does(
    small_rows, monkeypatch
):
    """Where the charset would not lead a viewer back to the glyphs the text names, the font
    is cut in one pass keeping the glyph ids: the bytes of WeasyPrint's own two passes."""
    html = _html_of(make_snapshot(small_rows))
    shifted = subset.cid_ranges

    def cids_shifted(cff):
        ranges = shifted(cff)
        return ranges and [(gid, cid + 1, count) for gid, cid, count in ranges]

    monkeypatch.setattr(subset, "cid_ranges", cids_shifted)
    ours = render.write_pdf(html)
    assert all(v[0] == "/OpenType" for v in _font_programs(ours).values())
    assert ours == _weasyprints_own(html)


def _cids_by_fonttools(program: bytes) -> list[int]:
    charset = _cff(program)[0].charset
    return [0 if name == ".notdef" else int(name.removeprefix("cid")) for name in charset]


def test_the_charset_reader_agrees_with_fonttools_on_the_installed_faces():
    """The small CFF reader the subsetting relies on reads the installed Noto CJK faces as
    fontTools does: CID-keyed, each glyph's CID its glyph id."""
    for face in font_chain():
        with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
            program = font.reader["CFF "]
            glyphs = font["maxp"].numGlyphs
        ranges = subset.cid_ranges(program)
        expanded = [0] + [cid + i for _gid, cid, count in ranges for i in range(count)]
        assert expanded == list(range(glyphs)), face
        assert expanded == _cids_by_fonttools(program), face
