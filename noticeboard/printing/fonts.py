"""Font resolution, glyph coverage check and environment diagnostics for printing.

Everything here works without Flask or WeasyPrint being imported: fonts are located
through fontconfig's ``fc-match`` (the same database Pango/WeasyPrint use) and their
character maps are read with fontTools.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

SERIF_FAMILY = "Noto Serif CJK SC"
SANS_FAMILY = "Noto Sans CJK SC"

# Optional fallback for rare characters (CJK Extension B and beyond) that Noto CJK
# lacks. Noto CJK already covers 𠮷 (U+20BB7) and every character of the 通用规范汉字表,
# so nothing extra is required; if Debian's ``fonts-hanazono`` is installed these
# families join the font chain (CSS and coverage check) automatically.
OPTIONAL_FALLBACK_FAMILIES = ("HanaMinA", "HanaMinB")

# Variation selectors are default-ignorable: if a font lacks the variant the base
# character is drawn, so they never make a name unprintable.
_IGNORABLE_RANGES = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))

_FIELD_LABELS = {
    "title": "标题",
    "region": "地区",
    "period": "公示期",
    "month": "月份",
    "columns": "表头",
    "totals": "合计行",
    "phones": "监督电话",
    "panel": "评议小组成员",
    "objection_howto": "异议说明",
    "issuer": "发布单位",
    "issued_on": "发布日期",
}


@dataclass(frozen=True)
class FontFace:
    """One face of a font file as resolved by fontconfig."""

    family: str
    path: str
    index: int


class MissingGlyphs(Exception):
    """Some characters of a snapshot are not covered by any font of the chain."""

    def __init__(self, chars: list[str], rows: list[int | str], fields: list[str] | None = None):
        self.chars = list(chars)
        self.rows = list(rows)
        self.fields = list(fields or [])
        super().__init__(self._message())

    def _message(self) -> str:
        shown = "、".join(f"“{c}”（U+{ord(c):04X}）" for c in self.chars)
        where = []
        if self.rows:
            where.append("第 " + "、".join(str(r) for r in self.rows) + " 行")
        where.extend(self.fields)
        location = f"（{'；'.join(where)}）" if where else ""
        return (
            f"以下字符在字体中缺失，无法打印：{shown}{location}。"
            "请核对姓名用字或联系管理员安装字体。"
        )

    def __reduce__(self):  # keep the exception picklable across worker processes
        return (type(self), (self.chars, self.rows, self.fields))


# --------------------------------------------------------------------------- fonts


def _fc_match(pattern: str) -> tuple[list[str], str, int] | None:
    """Return (families, file, index) of fontconfig's best match, or None."""
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "-f", "%{family}\n%{file}\n%{index}", pattern],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\n")
    if len(parts) < 3 or not parts[1]:
        return None
    families = [f.strip() for f in parts[0].split(",")]
    try:
        index = int(parts[2] or 0)
    except ValueError:
        index = 0
    return families, parts[1], index


def find_face(family: str) -> FontFace | None:
    """Resolve ``family`` through fontconfig; None unless that family really matched.

    fontconfig always answers with *some* font (DejaVu Sans for unknown names), hence the
    check that the requested family is among the matched font's family names.
    """
    match = _fc_match(family)
    if match is None:
        return None
    families, path, index = match
    if family.casefold() not in {f.casefold() for f in families}:
        return None
    return FontFace(family=family, path=path, index=index)


@functools.lru_cache(maxsize=16)
def _cached_face(family: str) -> FontFace | None:
    return find_face(family)


@functools.lru_cache(maxsize=16)
def _advances(path: str, index: int) -> dict[int, float]:
    """Advance width, in em, of every character the face maps."""
    # Imported on first use: fontTools is only needed when a snapshot is checked.
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        # Glyph ids are all we need. Without a glyph order of our own fontTools reads the
        # names of all 65,535 glyphs from the CFF table to map the cmap to names: ~50 MB
        # and 0.1 s per CJK face, which raised a whole Excel import over its memory limit.
        font.setGlyphOrder([f"g{gid}" for gid in range(font["maxp"].numGlyphs)])
        cmap = font.getBestCmap() or {}
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        advances = {cp: metrics[name][0] / units for cp, name in cmap.items()}
    del cmap, metrics
    _release_parsing_memory()
    return advances


def _release_parsing_memory() -> None:
    """Hand the memory of fontTools' parse back to the system.

    The parse of a CJK face allocates tens of MB that are free afterwards but stay in the
    process (Python's and glibc's free lists): a server process would carry them for its
    whole life, on top of whatever it does next (an Excel import of 10,000 rows).
    """
    gc.collect()
    # Not glibc (no malloc_trim): the memory stays, nothing breaks.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def _codepoints(path: str, index: int) -> frozenset[int]:
    return frozenset(_advances(path, index))


def font_chain() -> tuple[FontFace, ...]:
    """Installed fonts used for printing, in fallback order (cached)."""
    faces = [_cached_face(f) for f in (SERIF_FAMILY, SANS_FAMILY, *OPTIONAL_FALLBACK_FAMILIES)]
    return tuple(f for f in faces if f is not None)


def css_font_stack(primary: str) -> str:
    """CSS ``font-family`` value: ``primary`` first, then the rest of the chain."""
    if primary not in (SERIF_FAMILY, SANS_FAMILY):
        raise ValueError(primary)
    names = [primary] + [f.family for f in font_chain() if f.family != primary]
    for fam in (SERIF_FAMILY, SANS_FAMILY):
        if fam not in names:
            names.append(fam)
    return ", ".join(f'"{n}"' for n in names)


def body_advances() -> dict[int, float]:
    """Advance widths (em) of the characters of the body face, Noto Serif CJK SC (cached).

    Table cells are set in this face; a character it lacks comes from another font of the
    chain, whose line height may differ.
    """
    face = _cached_face(SERIF_FAMILY)
    return _advances(face.path, face.index) if face is not None else {}


def covered_codepoints() -> frozenset[int]:
    """Union of the character maps of every font of the chain (cached)."""
    return _covered(font_chain())


@functools.lru_cache(maxsize=4)
def _covered(chain: tuple[FontFace, ...]) -> frozenset[int]:
    result: set[int] = set()
    for face in chain:
        result |= _codepoints(face.path, face.index)
    return frozenset(result)


def clear_font_cache() -> None:
    """Forget resolved fonts, e.g. after installing a font package at runtime."""
    _cached_face.cache_clear()
    _advances.cache_clear()
    _covered.cache_clear()


# ------------------------------------------------------------------------ coverage


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        yield str(value)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _ignorable(ch: str) -> bool:
    if ch.isspace():
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _IGNORABLE_RANGES)


def _missing_in(texts: Iterable[str], covered: frozenset[int]) -> list[str]:
    out: list[str] = []
    for text in texts:
        for ch in text:
            if ord(ch) not in covered and not _ignorable(ch) and ch not in out:
                out.append(ch)
    return out


def check_coverage(snapshot: dict) -> None:
    """Raise :class:`MissingGlyphs` if any character of ``snapshot`` cannot be printed.

    Every string of the snapshot (title, region, headers, rows, totals, phones, panel,
    issuer, …) is checked, whitespace excepted. A character counts as covered when any
    font of the chain (Noto Serif CJK SC, Noto Sans CJK SC, optional fallbacks) maps it.
    """
    covered = covered_codepoints()
    if not covered:
        raise RuntimeError(
            "未找到中文字体（Noto CJK），无法打印。请运行 sudo apt-get install fonts-noto-cjk"
        )
    chars: list[str] = []
    rows: list[int | str] = []
    fields: list[str] = []
    for key, value in snapshot.items():
        if key == "rows":
            for i, row in enumerate(value or [], start=1):
                found = _missing_in(_strings(row), covered)
                if found:
                    line = row.get("line", i) if isinstance(row, dict) else i
                    if line not in rows:
                        rows.append(line)
                    chars.extend(c for c in found if c not in chars)
        else:
            found = _missing_in(_strings(value), covered)
            if found:
                fields.append(_FIELD_LABELS.get(key, key))
                chars.extend(c for c in found if c not in chars)
    if chars:
        raise MissingGlyphs(chars, rows, fields)


# -------------------------------------------------------------------------- doctor


def harfbuzz_subset_ok() -> bool:
    if not ctypes.util.find_library("harfbuzz-subset"):
        return False
    try:  # whether the import works is the answer (the doctor checks a machine)
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except Exception:  # pragma: no cover - weasyprint itself broken; reported separately
        return True
    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _weasyprint_ok() -> bool:
    try:  # whether the import works is the answer
        import weasyprint  # noqa: F401
    except Exception:  # OSError when Pango is missing
        return False
    return True


def doctor() -> list[tuple[str, bool, str]]:
    """Check the printing environment: ``[(check name, ok, fix hint in Chinese), …]``."""
    checks: list[tuple[str, bool, str]] = []
    has_fc = shutil.which("fc-match") is not None
    checks.append(("fontconfig（fc-match）", has_fc, "sudo apt-get install fontconfig"))
    serif = find_face(SERIF_FAMILY)
    checks.append(
        (f"中文宋体（{SERIF_FAMILY}）", serif is not None, "sudo apt-get install fonts-noto-cjk")
    )
    sans = find_face(SANS_FAMILY)
    checks.append(
        (f"中文黑体（{SANS_FAMILY}）", sans is not None, "sudo apt-get install fonts-noto-cjk")
    )
    # Astral-plane names such as 𠮷 (U+20BB7): Noto CJK covers them, no extra font needed.
    astral_ok = False
    if serif is not None or sans is not None:
        chain = tuple(f for f in (serif, sans) if f is not None)
        astral_ok = 0x20BB7 in _covered(chain) and 0x00B7 in _covered(chain)
    checks.append(
        (
            "生僻字（扩展 B 区，如 𠮷）与间隔号 ·",
            astral_ok,
            "sudo apt-get install fonts-noto-cjk（如仍缺字可加装 fonts-hanazono）",
        )
    )
    checks.append(
        (
            "HarfBuzz 字体子集化（libharfbuzz-subset）",
            harfbuzz_subset_ok(),
            "sudo apt-get install libharfbuzz-subset0（缺少时生成 PDF 约慢 30 倍）",
        )
    )
    checks.append(
        (
            "WeasyPrint / Pango",
            _weasyprint_ok(),
            "pip install weasyprint；sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0",
        )
    )
    return checks
