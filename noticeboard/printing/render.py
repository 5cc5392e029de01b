"""Render a published notice snapshot to PDF with Jinja2 + WeasyPrint (no Flask, no DB)."""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import re
import threading
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jinja2
import segno
from markupsafe import Markup

from noticeboard.masking.rules import Channel

from .fonts import SANS_FAMILY, SERIF_FAMILY, check_coverage, css_font_stack

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE_NAME = "printing/notice.html"
UA_STYLESHEET = TEMPLATES_DIR / "printing" / "ua.css"


# paper -> (CSS page size, root font size in pt). A3 is scaled up by ~√2 so a board
# copy reads like an enlarged A4 one.
PAPERS: dict[str, tuple[str, float]] = {
    "A4-portrait": ("A4 portrait", 11.0),
    "A4-landscape": ("A4 landscape", 11.0),
    "A3-portrait": ("A3 portrait", 15.0),
}

_PHONE_LABELS = {"township": "{township}", "county": "{county}民政局"}
_SHA256_RE = re.compile(r"[0-9a-fA-F]{64}")
_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_ALIGN_CLASSES = {"left": "", "center": ' class="c"', "right": ' class="r"'}
_NUMBER_RE = re.compile(r"-?\d[\d,]*(\.\d+)?")


# ------------------------------------------------------------------------ helpers


def format_date(value: str | None) -> str:
    """'2026-11-20' -> '2026年11月20日', '2026-11' -> '2026年11月' (official style)."""
    if not value:
        return ""
    m = _DATE_RE.fullmatch(str(value).strip())
    if not m:
        return str(value)
    year, month, day = m.groups()
    out = f"{int(year)}年{int(month)}月"
    return out + (f"{int(day)}日" if day else "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


# Columns of yuan, printed as the pages show them (1,360.00: the `yuan` filter), so the board
# and the screen read the same.
MONEY_KEYS = ("amount", "basic", "care")


def _money(key: str, value: Any) -> Any:
    if key not in MONEY_KEYS or value in (None, ""):
        return value
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return value


def _display_width(text: str) -> float:
    """Rough advance width in em: CJK/fullwidth 1, Latin/digits ~0.55."""
    width = 0.0
    for ch in text:
        width += 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55
    return width


def _default_align(values: list[Any], content: float) -> str:
    """Money right, counts and short codes (组别、类别) centred, names and notes left."""
    texts = [_text(v).strip() for v in values if _text(v).strip()]
    matches = [_NUMBER_RE.fullmatch(t) for t in texts]
    if texts and all(matches):
        return "right" if any(m.group(1) for m in matches if m) else "center"
    return "center" if content <= 3 else "left"


def _column_specs(columns: list[dict], rows: list[dict], totals_cells: dict) -> list[dict]:
    """Alignment and relative width of each column (for ``table-layout: fixed``)."""
    specs = []
    for col in columns:
        key = col.get("key", "")
        label = _text(col.get("label", key))
        values = [row.get(key) for row in rows]
        align = col.get("align")
        content = max((_display_width(_text(v)) for v in values), default=0.0)
        if align not in ("left", "center", "right"):
            align = _default_align(values, content)
        content = max(content, _display_width(_text(totals_cells.get(key, ""))))
        content = min(content, 16.0)  # long notes wrap instead of squeezing the table
        # Headers may wrap onto two lines, but never narrower than 2 characters.
        head = max(2.0, min(_display_width(label), max(_display_width(label) / 2, 4.0)))
        specs.append(
            {
                "key": key,
                "label": label,
                "align": align,
                # Class attribute of the cells (constant markup, no user data).
                "cls": Markup(_ALIGN_CLASSES[align]),
                "w": max(content, head) + 1.2,
            }
        )
    total = sum(s["w"] for s in specs) or 1.0
    for s in specs:
        s["pct"] = f"{100 * s['w'] / total:.2f}%"
    return specs


def _totals_row(columns: list[dict], totals: dict | None) -> dict | None:
    """Lay the totals out under the table columns: label spans the leading columns."""
    if not totals:
        return None
    keys = [c.get("key") for c in columns]
    values = {k: _money(k, v) for k, v in totals.items() if k != "label"}
    first = next((i for i, k in enumerate(keys) if k in values), len(keys))
    span = max(first, 1)
    label = _text(totals.get("label", "合计"))
    extra = []
    if "households" in values and "households" not in keys:
        extra.append(f"{values['households']} 户")
    if "persons" in values and "persons" not in keys:
        extra.append(f"{values['persons']} 人")
    for k in keys[:span]:
        if k in values:
            extra.append(_text(values[k]))
    if extra:
        label = f"{label}（{'，'.join(extra)}）"
    cells = [_text(values.get(k, "")) for k in keys[span:]]
    return {"label": label, "span": span, "cells": cells}


def _phones(snapshot: dict) -> list[tuple[str, str]]:
    region = snapshot.get("region") or {}
    phones = snapshot.get("phones") or {}
    out = []
    for key, number in phones.items():
        if not number:
            continue
        template = _PHONE_LABELS.get(key)
        label = (
            template.format(
                township=_text(region.get("township")) or "乡镇（街道）",
                county=_text(region.get("county")) or "县（市、区）",
            )
            if template
            else ""
        )
        out.append((label, _text(number)))
    return out


def _qr_svg(url: str) -> Markup:
    qr = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    # viewBox only: the printed size is set in CSS. The SVG is generated by segno from
    # module data, so it contains no user text. The standard 4-module quiet zone is part
    # of the drawing (transparent on white paper). The namespace is written out so that
    # an XML parser knows the element for SVG too (see _document).
    qr.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        scale=1,
        border=4,
        omitsize=True,
        dark="#000",
    )
    return Markup(out.getvalue().decode())


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict:
    raise ValueError(f"external resources are not allowed in printed notices: {url[:80]}")


def _no_network_fetcher() -> Any:
    """A URL fetcher that refuses everything (the notice HTML is self-contained)."""
    # Imported here: which class exists depends on the installed WeasyPrint version.
    try:  # WeasyPrint >= 66: fetcher objects
        from weasyprint.urls import URLFetcher
    except ImportError:  # older WeasyPrint: a plain function
        return _refuse_fetch
    return URLFetcher(allowed_protocols=())


_gc_lock = threading.Lock()
_gc_state = {"holders": 0, "restore": False}


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while WeasyPrint builds its box tree.

    A large notice allocates millions of objects; the default collector thresholds make
    Python rescan them over and over (about 30 % of the time of a 1000-row notice).
    Reference counting still frees memory; cycles are collected once collection resumes.
    The first of several concurrent renders (threads) pauses it, the last one restores it.
    """
    with _gc_lock:
        if _gc_state["holders"] == 0:
            _gc_state["restore"] = gc.isenabled()
            gc.disable()
        _gc_state["holders"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["holders"] -= 1
            if _gc_state["holders"] == 0 and _gc_state["restore"]:
                gc.enable()


@functools.lru_cache(maxsize=1)
def _html_class() -> type:
    """WeasyPrint's ``HTML`` with the compact UA stylesheet of ``ua.css``, and able to
    start from a tree parsed with expat; fonts are subset in one pass (subset.py).

    Imported lazily: WeasyPrint is heavy and needs Pango. Both additions rest on WeasyPrint
    internals (``_ua_stylesheets``; the attributes ``HTML.__init__`` sets after parsing)
    and are left out when those change: the stock UA sheet and WeasyPrint's own HTML
    parser give the same output, slower.
    """
    import cssselect2
    from weasyprint import CSS, HTML

    from .subset import install

    install()
    lean = hasattr(HTML, "_ua_stylesheets")
    sheet = CSS(filename=str(UA_STYLESHEET)) if lean else None

    class LeanHTML(HTML):
        # Whether from_tree sets every attribute that HTML.__init__ sets.
        from_tree_ok = set(vars(HTML(string="<p></p>"))) == _HTML_ATTRIBUTES

        if lean:

            def _ua_stylesheets(self, forms: bool = False) -> list:
                return [sheet]

        @classmethod
        def from_tree(cls, root: Any, url_fetcher: Any) -> Any:
            document = cls.__new__(cls)
            document.base_url = None
            document.url_fetcher = url_fetcher
            document.media_type = "print"
            document.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                root, content_language=None
            )
            document.etree_element = document.wrapper_element.etree_element
            return document

    return LeanHTML


_HTML_ATTRIBUTES = {"base_url", "url_fetcher", "media_type", "wrapper_element", "etree_element"}


_fonts = threading.local()


def _font_config() -> Any:
    """This thread's WeasyPrint font configuration, kept from one render to the next.

    Pango caches loaded fonts and shaped glyphs in its font map; a fresh configuration per
    render (WeasyPrint's default) loads and shapes them again, about 10 % of a 50-row
    notice. One per thread, because Pango objects must not be shared between threads.
    """
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _fonts.config = FontConfiguration()
    return config


def _document(html: str) -> Any:
    html_class = _html_class()
    if html_class.from_tree_ok:
        # The templates are well-formed XML: expat parses a 1000-row notice in 10 ms,
        # WeasyPrint's pure-Python HTML5 parser in 0.4 s (a tenth of the render). A value
        # XML does not allow (a control character) falls back to the HTML parser.
        try:
            root = ElementTree.fromstring(html)
        except ElementTree.ParseError:
            pass
        else:
            return html_class.from_tree(root, _no_network_fetcher())
    return html_class(string=html, url_fetcher=_no_network_fetcher())


def write_pdf(html: str) -> bytes:
    """PDF bytes of one notice document (see :func:`render_html`)."""
    with _gc_paused():
        return _document(html).write_pdf(font_config=_font_config())


def lay_out(html: str) -> Any:
    """WeasyPrint's laid-out pages of a document, without drawing them (for measuring)."""
    with _gc_paused():
        return _document(html).render(font_config=_font_config())


# -------------------------------------------------------------------------- public

# Which part of the notice a document holds. A notice rendered in one go is one whole
# part; a long one is cut into parts of whole pages (see parallel.py). ``breaks`` are the
# indexes of the part's rows that start a new page; ``page_total`` None means "count the
# pages of this document".
WHOLE = {"first": True, "last": True, "breaks": frozenset(), "page_first": 1, "page_total": None}


def build_context(
    snapshot: dict,
    *,
    channel: str,
    paper: str,
    verification_code: str,
    public_url: str,
    snapshot_sha256: str,
) -> dict:
    """Validate the arguments and turn a snapshot into the template context."""
    if paper not in PAPERS:
        raise ValueError(f"unsupported paper {paper!r}; expected one of {sorted(PAPERS)}")
    if channel not in set(Channel):
        raise ValueError(f"unsupported channel {channel!r}; expected one of {list(Channel)}")
    if not _SHA256_RE.fullmatch(snapshot_sha256 or ""):
        raise ValueError("snapshot_sha256 must be 64 hexadecimal characters")
    if not public_url:
        raise ValueError("public_url is required for the QR code")
    page_size, root_pt = PAPERS[paper]
    columns = list(snapshot.get("columns") or [])
    rows = [{k: _money(k, v) for k, v in row.items()} for row in snapshot.get("rows") or []]
    totals = _totals_row(columns, snapshot.get("totals"))
    totals_cells = {}
    if totals:
        keys = [c.get("key") for c in columns]
        totals_cells = dict(zip(keys[totals["span"] :], totals["cells"], strict=True))
    specs = _column_specs(columns, rows, totals_cells)
    body_rows = [[_text(row.get(s["key"])) for s in specs] for row in rows]
    region = snapshot.get("region") or {}
    period = snapshot.get("period") or None
    return {
        "title": _text(snapshot.get("title")),
        "region_line": " ".join(
            _text(region.get(k)) for k in ("county", "township", "village") if region.get(k)
        ),
        "month": format_date(snapshot.get("month")),
        "period": (
            f"{format_date(period.get('start'))}至{format_date(period.get('end'))}"
            if period
            else ""
        ),
        "kind": _text(snapshot.get("kind")),
        "columns": specs,
        "rows": body_rows,
        "empty": not body_rows,
        "totals": totals,
        "phones": _phones(snapshot),
        "panel": [_text(p) for p in snapshot.get("panel") or [] if p],
        "objection_howto": _text(snapshot.get("objection_howto")),
        "lead": _text(snapshot.get("lead")),
        "issuer": _text(snapshot.get("issuer")),
        "issued_on": format_date(snapshot.get("issued_on")),
        "channel": channel,
        "channel_caption": "公示栏张贴版" if channel == Channel.BOARD else "网上公示版",
        "verification_code": _text(verification_code),
        "public_url": public_url,
        "qr_svg": _qr_svg(public_url),
        "sha_short": snapshot_sha256[:16].lower(),
        "page_size": page_size,
        "root_pt": root_pt,
        "serif_stack": Markup(css_font_stack(SERIF_FAMILY)),
        "sans_stack": Markup(css_font_stack(SANS_FAMILY)),
    }


def render_html(context: dict, part: dict = WHOLE, template: str = TEMPLATE_NAME) -> str:
    """The HTML of one part of a notice (by default all of it) from its context."""
    return _environment().get_template(template).render(context, part=part)


def render_notice_html(snapshot: dict, **kwargs: Any) -> str:
    """HTML of the notice in one go, as WeasyPrint gets it (useful for debugging)."""
    return render_html(build_context(snapshot, **kwargs))


def render_notice_pdf(
    snapshot: dict,
    *,
    channel: str,
    paper: str,
    verification_code: str,
    public_url: str,
    snapshot_sha256: str,
    parallel: bool = True,
) -> bytes:
    """Render one published notice snapshot (masking already applied) to PDF bytes.

    A long notice is cut into parts of whole pages rendered on several CPUs (see
    :mod:`.parallel`); ``parallel=False`` renders it in one go in this process.

    Raises ``ValueError`` for an unknown paper/channel or malformed hash and
    :class:`~noticeboard.printing.fonts.MissingGlyphs` when a character cannot be printed.
    """
    context = build_context(
        snapshot,
        channel=channel,
        paper=paper,
        verification_code=verification_code,
        public_url=public_url,
        snapshot_sha256=snapshot_sha256,
    )
    check_coverage(snapshot)
    if parallel:
        # Imported here: parallel.py builds on this module.
        from .parallel import render_in_parts

        pdf = render_in_parts(context)
        if pdf is not None:
            return pdf
    return write_pdf(render_html(context))
