"""Embedded fonts cut down in one HarfBuzz pass instead of WeasyPrint's two.

WeasyPrint (70) subsets each font twice: first to the glyphs used, keeping their glyph ids
(the PDF's text refers to glyphs by id), then again keeping every glyph up to the last one
used, to drop the empty ones after it. With ids kept, HarfBuzz already ends the font at the
last glyph used, so the second pass only applies its flags (no hinting) to a font of that
many glyphs. The Noto CJK faces have 65,535 glyphs and the Chinese ones lie near the end,
so each pass walks ~63,000 of them: about 20 ms a face a pass, a quarter of a 50-row
notice. One pass with both passes' flags gives the same bytes (tests/printing) in half
the time.

This rests on WeasyPrint internals (``Font._harfbuzz_subset`` and its attributes); when
they are not there, WeasyPrint's own subsetting stays in place, slower, same PDF.
"""

from __future__ import annotations

import functools
from typing import Any

# Tables WeasyPrint drops from every embedded font (fonts.py, _harfbuzz_subset).
_DROPPED_TABLES = (
    b"BASE",
    b"DSIG",
    b"EBDT",
    b"EBLC",
    b"EBSC",
    b"GPOS",
    b"GSUB",
    b"JSTF",
    b"LTSH",
    b"PCLT",
    b"SVG ",
)


def _one_pass(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
    """WeasyPrint's ``Font._harfbuzz_subset`` in one pass (same flags, same tables)."""
    from weasyprint.text.ffi import ffi, harfbuzz
    from weasyprint.text.ffi import harfbuzz_subset as hb_subset
    from weasyprint.text.fonts import get_hb_object_data

    plan = ffi.gc(hb_subset.hb_subset_input_create_or_fail(), hb_subset.hb_subset_input_destroy)
    glyphs = sorted(to_unicode)
    glyph_set = hb_subset.hb_subset_input_glyph_set(plan)
    harfbuzz.hb_set_add_sorted_array(
        glyph_set, ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs), len(glyphs)
    )
    flags = (
        hb_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
        | hb_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | hb_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    )
    if not hinting:
        flags |= hb_subset.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= hb_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    hb_subset.hb_subset_input_set_flags(plan, flags)
    tags = [harfbuzz.hb_tag_from_string(name, -1) for name in _DROPPED_TABLES]
    drop = hb_subset.hb_subset_input_set(plan, hb_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    harfbuzz.hb_set_add_sorted_array(drop, ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
    face = ffi.gc(hb_subset.hb_subset_or_fail(font.hb_face, plan), harfbuzz.hb_face_destroy)
    data = get_hb_object_data(face) if face else None
    if data:
        font.file_content = data
    else:
        # As WeasyPrint does when HarfBuzz fails: the font goes in whole.
        font._two_pass_subset(to_unicode, hinting)


@functools.lru_cache(maxsize=1)
def install() -> bool:
    """Use the one-pass subset for every PDF of this process; False if WeasyPrint lacks
    what it rests on (then its own two passes are used)."""
    try:
        from weasyprint.pdf.fonts import Font
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
        from weasyprint.text.fonts import get_hb_object_data  # noqa: F401
    except ImportError:
        return False
    original = getattr(Font, "_harfbuzz_subset", None)
    if original is None or not harfbuzz_subset or not harfbuzz.hb_version_atleast(4, 1, 0):
        return False
    Font._two_pass_subset = original
    Font._harfbuzz_subset = _one_pass
    return True


def uninstall() -> None:
    """Back to WeasyPrint's own subsetting (tests compare the two)."""
    from weasyprint.pdf.fonts import Font

    if hasattr(Font, "_two_pass_subset"):
        Font._harfbuzz_subset = Font._two_pass_subset
        del Font._two_pass_subset
    install.cache_clear()
