"""Embedded fonts cut down to the glyphs a notice uses, in one HarfBuzz pass.

WeasyPrint (70) subsets each font twice, keeping every glyph id up to the last one used,
because the PDF's text refers to glyphs by their id in the whole font. The Noto CJK faces
have 65,535 glyphs and the Chinese ones lie near the end, so each embedded face kept
~63,000 glyph slots: 770–800 KB before compression (empty widths and an offset for every
slot), ~165 KB after, two faces a PDF; building and compressing them took ~50 ms of a 50-row
notice (now ~25).

The Noto CJK faces are CID-keyed CFF fonts whose CIDs are their glyph ids (Adobe-Identity-0).
A PDF viewer finds a CID-keyed CFF font's glyph through the font's own charset, which maps
each glyph to its CID (PDF 2.0, 9.7.4.2). So the font can keep only the glyphs used, with
new glyph ids, as long as its charset still gives each the CID the text refers to. HarfBuzz
keeps the CIDs when it subsets such a font without retaining glyph ids. The font program is
then embedded bare (``FontFile3`` of subtype ``CIDFontType0C``, the way Acrobat embeds CJK
fonts): the OpenType wrapper is left out, because viewers read an OpenType font's glyphs by
glyph id, not through the charset. A 50-row notice's PDF shrinks from ~330 KB to ~55 KB.

A font that is not CID-keyed CFF, or whose charset does not give back the glyph ids used,
is subset as before: one pass keeping the glyph ids (WeasyPrint's two passes with both
passes' flags give the same bytes in half the time).

This rests on WeasyPrint internals (``Font._harfbuzz_subset``, ``Font.type`` and the
module-level ``build_fonts_dictionary`` of ``weasyprint.pdf``); when they are not there,
WeasyPrint's own subsetting stays in place, slower and larger, same look.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Iterator
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


class CIDKeyedCFF(bytes):
    """A bare CID-keyed CFF font program whose charset gives the CIDs the text uses."""


def _subset_face(font: Any, glyphs: list[int], hinting: bool, *, retain_gids: bool) -> Any:
    """HarfBuzz's subset of ``font`` to ``glyphs``, with WeasyPrint's flags and tables."""
    from weasyprint.text.ffi import ffi, harfbuzz
    from weasyprint.text.ffi import harfbuzz_subset as hb_subset

    plan = ffi.gc(hb_subset.hb_subset_input_create_or_fail(), hb_subset.hb_subset_input_destroy)
    glyph_set = hb_subset.hb_subset_input_glyph_set(plan)
    harfbuzz.hb_set_add_sorted_array(
        glyph_set, ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs), len(glyphs)
    )
    flags = (
        hb_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | hb_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    )
    if retain_gids:
        flags |= hb_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
    if not hinting:
        flags |= hb_subset.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= hb_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    hb_subset.hb_subset_input_set_flags(plan, flags)
    tags = [harfbuzz.hb_tag_from_string(name, -1) for name in _DROPPED_TABLES]
    drop = hb_subset.hb_subset_input_set(plan, hb_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    harfbuzz.hb_set_add_sorted_array(drop, ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
    face = hb_subset.hb_subset_or_fail(font.hb_face, plan)
    return ffi.gc(face, harfbuzz.hb_face_destroy) if face else None


@contextlib.contextmanager
def _table(face: Any, tag: bytes) -> Iterator[memoryview]:
    """One table of a HarfBuzz face, read in place (a whole CJK face's CFF is ~16 MB)."""
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(tag, -1))
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        yield memoryview(ffi.buffer(data, length[0]) if length[0] else b"")
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _index(cff: bytes, offset: int) -> tuple[list[bytes], int]:
    """The items of the CFF INDEX at ``offset`` and the offset after it."""
    count = int.from_bytes(cff[offset : offset + 2], "big")
    if count == 0:
        return [], offset + 2
    size = cff[offset + 2]
    ends = [
        int.from_bytes(cff[offset + 3 + i * size : offset + 3 + (i + 1) * size], "big")
        for i in range(count + 1)
    ]
    base = offset + 2 + (count + 1) * size  # offsets count from the byte before the data
    return [cff[base + ends[i] : base + ends[i + 1]] for i in range(count)], base + ends[-1]


def _dict(data: bytes) -> dict[int, list[int]]:
    """A CFF DICT's integer operands by operator (two-byte operators as 1200 + second byte;
    real operands are skipped: none of the operators read here takes one)."""
    found: dict[int, list[int]] = {}
    operands: list[int] = []
    i = 0
    while i < len(data):
        b0 = data[i]
        if b0 <= 21:
            key = 1200 + data[i + 1] if b0 == 12 else b0
            i += 2 if b0 == 12 else 1
            found[key], operands = operands, []
        elif b0 == 28:
            operands.append(int.from_bytes(data[i + 1 : i + 3], "big", signed=True))
            i += 3
        elif b0 == 29:
            operands.append(int.from_bytes(data[i + 1 : i + 5], "big", signed=True))
            i += 5
        elif b0 == 30:
            i += 1
            while data[i] & 0x0F != 0x0F and data[i] >> 4 != 0x0F:
                i += 1
            i += 1
        elif 32 <= b0 <= 246:
            operands.append(b0 - 139)
            i += 1
        elif 247 <= b0 <= 250:
            operands.append((b0 - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif 251 <= b0 <= 254:
            operands.append(-(b0 - 251) * 256 - data[i + 1] - 108)
            i += 2
        else:
            raise ValueError(f"reserved DICT byte {b0}")
    return found


_ROS = 1230  # the Top DICT operator (12 30) that makes a CFF font CID-keyed
_CHARSET = 15
_CHARSTRINGS = 17


def cid_ranges(cff: bytes) -> list[tuple[int, int, int]] | None:
    """A CID-keyed CFF font's charset as (first glyph id, its CID, glyph count) ranges,
    after glyph 0 (CID 0); None if the font is not CID-keyed (Adobe Technical Note #5176:
    the Top DICT's ROS; charset formats 0, 1 and 2)."""
    _names, after = _index(cff, cff[2])
    tops, _after = _index(cff, after)
    top = _dict(tops[0])
    if _ROS not in top or _CHARSET not in top or _CHARSTRINGS not in top:
        return None
    at = top[_CHARSTRINGS][0]
    glyphs = int.from_bytes(cff[at : at + 2], "big")
    at = top[_CHARSET][0]
    form, at = cff[at], at + 1
    if form not in (0, 1, 2):
        raise ValueError(f"unknown charset format {form}")
    ranges = []
    gid = 1
    while gid < glyphs:
        if form == 0:
            ranges.append((gid, int.from_bytes(cff[at : at + 2], "big"), 1))
            at += 2
        else:
            width = 1 if form == 1 else 2
            first = int.from_bytes(cff[at : at + 2], "big")
            left = int.from_bytes(cff[at + 2 : at + 2 + width], "big")
            ranges.append((gid, first, left + 1))
            at += 2 + width
        gid += ranges[-1][2]
    return ranges


def _cid_keyed(font: Any, glyphs: list[int], hinting: bool) -> CIDKeyedCFF | None:
    """The glyphs used as a bare CID-keyed CFF program, or None where the font is not one
    whose CIDs are its glyph ids."""
    try:
        with _table(font.hb_face, b"CFF ") as whole:
            ranges = cid_ranges(whole) if whole else None
        if not ranges or any(gid != cid for gid, cid, _count in ranges):
            return None
        face = _subset_face(font, glyphs, hinting, retain_gids=False)
        if not face:
            return None
        with _table(face, b"CFF ") as table:
            program = bytes(table)
        kept = cid_ranges(program) if program else None
    except (ValueError, IndexError):  # a CFF this reader does not follow: keep the ids
        return None
    if kept is None:
        return None
    # The text refers to each glyph by its id, which is its CID: each must be found under
    # it in the subset (HarfBuzz keeps a CID-keyed font's CIDs).
    cids = {0}.union(*(range(cid, cid + count) for _gid, cid, count in kept))
    if not cids.issuperset(glyphs):
        return None
    return CIDKeyedCFF(program)


def _keeping_ids(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
    """One pass keeping the glyph ids: WeasyPrint's two passes' flags and tables."""
    from weasyprint.text.fonts import get_hb_object_data

    face = _subset_face(font, sorted(to_unicode), hinting, retain_gids=True)
    data = get_hb_object_data(face) if face else None
    if data:
        font.file_content = data
    else:
        # As WeasyPrint does when HarfBuzz fails: the font goes in whole.
        font._two_pass_subset(to_unicode, hinting)


def _one_pass(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
    """WeasyPrint's ``Font._harfbuzz_subset``: a bare CID-keyed CFF where the font allows,
    else one pass keeping the glyph ids."""
    glyphs = sorted(to_unicode)
    program = _cid_keyed(font, glyphs, hinting)
    if program is not None:
        font.file_content = program
        font.name = _tagged(font.name, glyphs)
    else:
        _keeping_ids(font, to_unicode, hinting)


def _tagged(name: bytes, glyphs: list[int]) -> bytes:
    """``name`` (b"/ABCDEF+Family") with a subset tag of its own glyphs.

    WeasyPrint's tag comes from the font's description only, so the parts of a long notice,
    merged into one PDF, held different subsets under one name; the PDF specification
    (9.6.4) asks different subsets in a file for different tags."""
    _tag, plus, family = name.partition(b"+")
    if not plus:
        return name
    digest = hashlib.md5(name + bytes(repr(glyphs), "ascii"), usedforsecurity=False).digest()
    return b"/" + bytes(65 + byte % 26 for byte in digest[:6]) + b"+" + family


def _font_type(original: property) -> property:
    # A bare CFF program has no "OTTO" header, but is embedded where an OpenType CFF is
    # (FontFile3, CIDFontType0), so it answers "otf" as WeasyPrint's test would for one.
    def font_type(font: Any) -> str:
        return "otf" if isinstance(font.file_content, CIDKeyedCFF) else original.fget(font)

    return property(font_type)


def _fonts_dictionary(original: Any) -> Any:
    def build_fonts_dictionary(pdf: Any, *args: Any, **kwargs: Any) -> Any:
        fonts = original(pdf, *args, **kwargs)
        for entry in pdf.objects:
            stream = getattr(entry, "stream", None)
            if stream and isinstance(stream[0], CIDKeyedCFF):
                entry.extra["Subtype"] = "/CIDFontType0C"  # WeasyPrint wrote /OpenType
        return fonts

    build_fonts_dictionary.original = original
    return build_fonts_dictionary


@functools.lru_cache(maxsize=1)
def install() -> bool:
    """Use these subsets for every PDF of this process; False if WeasyPrint lacks what
    they rest on (then its own two passes are used)."""
    try:
        import weasyprint.pdf as weasy_pdf
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
    font_type = vars(Font).get("type")
    builder = getattr(weasy_pdf, "build_fonts_dictionary", None)
    if isinstance(font_type, property) and builder is not None:
        Font._weasyprint_type = font_type
        Font.type = _font_type(font_type)
        weasy_pdf.build_fonts_dictionary = _fonts_dictionary(builder)
    else:  # without both hooks a bare program could not be embedded as one
        Font._harfbuzz_subset = _keeping_ids
    return True


def uninstall() -> None:
    """Back to WeasyPrint's own subsetting and embedding (tests compare the two)."""
    import weasyprint.pdf as weasy_pdf
    from weasyprint.pdf.fonts import Font

    if hasattr(Font, "_two_pass_subset"):
        Font._harfbuzz_subset = Font._two_pass_subset
        del Font._two_pass_subset
    if hasattr(Font, "_weasyprint_type"):
        Font.type = Font._weasyprint_type
        del Font._weasyprint_type
    original = getattr(weasy_pdf.build_fonts_dictionary, "original", None)
    if original is not None:
        weasy_pdf.build_fonts_dictionary = original
    install.cache_clear()
