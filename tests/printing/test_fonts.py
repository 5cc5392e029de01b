"""Font resolution, coverage check and doctor()."""

from __future__ import annotations

import pickle
import time

import pytest

from noticeboard.printing import MissingGlyphs, check_coverage, doctor, render_notice_pdf
from noticeboard.printing.fonts import (
    SANS_FAMILY,
    SERIF_FAMILY,
    body_advances,
    covered_codepoints,
    css_font_stack,
    find_face,
    font_chain,
)

from .helpers import make_snapshot, render_kwargs

# Private use (U+E000) and unassigned (U+0378): no font of the chain may cover them.
UNPRINTABLE = ("\ue000", "\u0378")


def test_fonts_resolve_to_noto_cjk():
    serif, sans = find_face(SERIF_FAMILY), find_face(SANS_FAMILY)
    assert serif is not None and "NotoSerifCJK" in serif.path
    assert sans is not None and "NotoSansCJK" in sans.path
    assert find_face("No Such Font Family 42") is None
    assert [f.family for f in font_chain()][:2] == [SERIF_FAMILY, SANS_FAMILY]


def test_chain_covers_hard_names():
    covered = covered_codepoints()
    for ch in "𠮷·阿卜杜拉艾合买提欧阳诸葛*（）：—0123456789.":
        assert ord(ch) in covered, ch
    for ch in UNPRINTABLE:
        assert ord(ch) not in covered


def test_widths_by_glyph_id_equal_the_fonts_own_glyph_names():
    """The coverage check and column widths read glyph ids, not names (a memory saving):
    the same characters must come out covered, with the same widths, as fontTools gives
    when it reads the font's own glyph names."""
    from fontTools.ttLib import TTFont

    face = find_face(SERIF_FAMILY)
    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        cmap = font.getBestCmap()
        units = font["head"].unitsPerEm
        named = {cp: font["hmtx"][name][0] / units for cp, name in cmap.items()}
    ours = body_advances()
    assert ours == named
    assert ours[ord("国")] == 1.0 and ours[ord("1")] < 1.0


def test_css_stack_starts_with_primary():
    assert css_font_stack(SERIF_FAMILY).startswith(f'"{SERIF_FAMILY}", "{SANS_FAMILY}"')
    assert css_font_stack(SANS_FAMILY).startswith(f'"{SANS_FAMILY}", "{SERIF_FAMILY}"')


def test_check_coverage_accepts_sample(small_rows):
    check_coverage(make_snapshot(small_rows))


def test_missing_glyph_reports_chars_and_rows(small_rows):
    rows = [dict(r) for r in small_rows]
    rows[2]["name"] = "王" + UNPRINTABLE[0] + "明"
    rows[4]["name"] = "李" + UNPRINTABLE[1]
    with pytest.raises(MissingGlyphs) as info:
        check_coverage(make_snapshot(rows))
    err = info.value
    assert err.chars == list(UNPRINTABLE)
    assert err.rows == [3, 5]
    message = str(err)
    assert message.startswith("以下字符在字体中缺失，无法打印：")
    assert "U+E000" in message and "U+0378" in message
    assert "第 3、5 行" in message
    assert "请核对姓名用字或联系管理员安装字体" in message


def test_missing_glyph_outside_rows(small_rows):
    snap = make_snapshot(small_rows, issuer="新店镇人民政府" + UNPRINTABLE[0])
    with pytest.raises(MissingGlyphs) as info:
        check_coverage(snap)
    assert info.value.rows == []
    assert "发布单位" in str(info.value)


def test_whitespace_and_variation_selectors_are_ignored(small_rows):
    rows = [dict(r) for r in small_rows]
    rows[0]["name"] = "张\u3000*\u00a0丰\n"
    rows[1]["name"] = "葛\U000e0100*"  # ideographic variation sequence
    check_coverage(make_snapshot(rows))


def test_render_refuses_unprintable_before_rendering(small_rows):
    rows = [dict(r) for r in small_rows]
    rows[1]["name"] = "王" + UNPRINTABLE[0]
    start = time.perf_counter()
    with pytest.raises(MissingGlyphs) as info:
        render_notice_pdf(**render_kwargs(make_snapshot(rows)))
    assert info.value.rows == [2]
    assert time.perf_counter() - start < 1.0


def test_missing_glyphs_pickles():
    err = pickle.loads(pickle.dumps(MissingGlyphs(["\ue000"], [7], ["标题"])))
    assert err.chars == ["\ue000"] and err.rows == [7] and err.fields == ["标题"]
    assert "第 7 行" in str(err)


def test_doctor_all_green_here():
    checks = doctor()
    assert all(isinstance(name, str) and isinstance(hint, str) for name, _, hint in checks)
    names = " ".join(name for name, _, _ in checks)
    assert "Noto Serif CJK SC" in names and "Noto Sans CJK SC" in names
    assert "harfbuzz-subset" in names.lower()
    failing = [(name, hint) for name, ok, hint in checks if not ok]
    assert failing == []
    hints = " ".join(hint for _, _, hint in checks)
    assert "sudo apt-get install fonts-noto-cjk" in hints
    assert "libharfbuzz-subset0" in hints


def test_doctor_and_check_without_fonts(monkeypatch, small_rows):
    from noticeboard.printing import fonts

    monkeypatch.setattr(fonts, "_fc_match", lambda pattern: None)
    fonts.clear_font_cache()
    try:
        checks = {name: (ok, hint) for name, ok, hint in doctor()}
        serif = next(v for k, v in checks.items() if SERIF_FAMILY in k)
        assert serif == (False, "sudo apt-get install fonts-noto-cjk")
        with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
            check_coverage(make_snapshot(small_rows))
    finally:
        monkeypatch.undo()
        fonts.clear_font_cache()
    assert font_chain()


def test_optional_fallback_joins_the_chain(monkeypatch):
    """If fonts-hanazono were installed, HanaMinB would be used for CSS and coverage."""
    from noticeboard.printing import fonts

    real = fonts._fc_match
    serif = find_face(SERIF_FAMILY)

    def fake(pattern):
        if pattern == "HanaMinB":
            return ["HanaMinB"], serif.path, serif.index  # stand-in file
        return real(pattern)

    monkeypatch.setattr(fonts, "_fc_match", fake)
    fonts.clear_font_cache()
    try:
        assert [f.family for f in font_chain()] == [SERIF_FAMILY, SANS_FAMILY, "HanaMinB"]
        assert css_font_stack(SERIF_FAMILY).endswith('"HanaMinB"')
    finally:
        monkeypatch.undo()
        fonts.clear_font_cache()
