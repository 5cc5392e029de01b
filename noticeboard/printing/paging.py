"""Page plan of a long notice: which table rows go on which page, decided before rendering.

A long notice is rendered in parts of whole pages at once (parallel.py), so each part must
know beforehand where its pages start and how many pages the notice has. The plan repeats
WeasyPrint's page breaking: a row goes on the page if it ends above the bottom of the page
(WeasyPrint's own test), otherwise it starts the next page under the repeated header; the
totals row and the closing block take the last row along to a new page when they do not
fit under it (as ``notice.css`` asks). The heights come from a small probe document
(``templates/printing/probe.html``) laid out by WeasyPrint with the notice's own title,
header row, column widths, totals and closing block.

Rows of one line all have the same height. A row that may need two lines (a value wider
than its column) or another font (a character the body face lacks) is measured on its own
in a second probe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .fonts import body_advances
from .render import WHOLE, lay_out, render_html

PROBE_TEMPLATE = "printing/probe.html"

# Each row measured one by one is laid out in the probe, which the parts wait for; with
# more than this share of the rows to measure, one go is about as fast.
MAX_MEASURED_SHARE = 0.25

# WeasyPrint lets a box end a billionth past the bottom of the page (its float fudge).
FIT_FUDGE = 1 + 1e-9

# Rows of one line differ in height by no more than float noise.
SAME_HEIGHT = 1e-6

# The closing block is kept on the last row's page only if it fits with this much to
# spare (px): when in doubt it moves, taking the last row along, and never overflows.
CLOSING_SPARE = 0.01

# White space that CSS collapses (``white-space: normal``); U+3000 and NBSP keep their width.
_SPACES = re.compile(r"[ \t\n\r\f]+")


@dataclass(frozen=True)
class PagePlan:
    """Row ranges ``[start, end)`` of each page of the notice, in order."""

    pages: tuple[tuple[int, int], ...]

    @property
    def total(self) -> int:
        return len(self.pages)


@dataclass(frozen=True)
class _Frame:
    """What the probe measured, in CSS px."""

    first_top: float  # top of the first body row on page 1 (under the title and header)
    top: float  # top of the first body row on any later page (under the header)
    page_bottom: float  # a row or the closing block must end above this
    row_height: float  # a row of one line
    tail: float  # from the last row's bottom to the end of the closing block
    cell_widths: tuple[float, ...]  # content width of each column
    em: float  # 1 em of the table text


class ProbeMismatch(Exception):
    """The probe does not look as the plan expects: render the notice in one go."""


def plan_pages(context: dict) -> PagePlan | None:
    """The page plan of a notice, or None when it is safer to render it in one go."""
    try:
        frame = _measure(context)
        heights = _row_heights(context, frame)
    except ProbeMismatch:
        return None
    if heights is None:
        return None
    return _fill_pages(heights, frame)


def _anchors(html: str) -> dict[str, tuple[int, tuple[float, float, float, float]]]:
    """Page index and border box of every element with an id."""
    found: dict[str, tuple[int, tuple[float, float, float, float]]] = {}
    for number, page in enumerate(lay_out(html).pages):
        for name, box in page.anchors.items():
            found.setdefault(name, (number, box))
    return found


def _probe(context: dict, rows: list[list[str]]) -> dict:
    html = render_html(dict(context, rows=rows), WHOLE, PROBE_TEMPLATE)
    return _anchors(html)


def _measure(context: dict) -> _Frame:
    found = _probe(context, [])

    def box(name: str) -> tuple[int, tuple[float, float, float, float]]:
        if name not in found:
            raise ProbeMismatch(name)
        return found[name]

    first_page, (_, first_top, _, first_bottom) = box("w")
    tail_page, (_, top, _, last_bottom) = box("t")
    end_page, (_, end_top, _, _) = box("end")
    _, (_, page_bottom, _, _) = box("page-bottom")
    row_height = first_bottom - first_top
    if (first_page, tail_page) != (0, 1) or abs(last_bottom - top - row_height) > SAME_HEIGHT:
        raise ProbeMismatch("the probe's rows are not where they belong")
    if end_page != tail_page:
        raise ProbeMismatch("the closing block does not fit under one row")
    widths = tuple(box(f"w{i}")[1][2] - box(f"w{i}")[1][0] for i in range(len(context["columns"])))
    _, (em_left, _, em_right, _) = box("em0")
    return _Frame(
        first_top=first_top,
        top=top,
        page_bottom=page_bottom,
        row_height=row_height,
        tail=end_top - last_bottom,
        cell_widths=widths,
        em=em_right - em_left,
    )


def _fits(bottom: float, frame: _Frame) -> bool:
    return bottom <= frame.page_bottom * FIT_FUDGE


def _text_width(text: str, advances: dict[int, float]) -> float | None:
    """Width in em of a cell's text as laid out (white space collapsed); None if a
    character is not in the body face."""
    width = 0.0
    for ch in _SPACES.sub(" ", text).strip(" "):
        advance = advances.get(ord(ch))
        if advance is None:
            return None
        width += advance
    return width


def _fits_one_line(row: list[str], frame: _Frame, advances: dict[int, float]) -> bool:
    for text, room in zip(row, frame.cell_widths, strict=True):
        width = _text_width(text, advances)
        # Half a pixel to spare: Pango may place glyphs a little differently (kerning).
        if width is None or width * frame.em > room - 0.5:
            return False
    return True


def _row_heights(context: dict, frame: _Frame) -> list[float] | None:
    """Height of every row: one line, or measured in a second probe."""
    advances = body_advances()
    rows = context["rows"]
    odd = [i for i, row in enumerate(rows) if not _fits_one_line(row, frame, advances)]
    heights = [frame.row_height] * len(rows)
    if not odd:
        return heights
    if len(odd) > MAX_MEASURED_SHARE * len(rows):
        return None
    found = _probe(context, [rows[i] for i in odd])
    for n, i in enumerate(odd):
        if f"x{n}" not in found:
            raise ProbeMismatch(f"x{n}")
        _, (_, y1, _, y2) = found[f"x{n}"]
        heights[i] = y2 - y1
    return heights


def _fill_pages(heights: list[float], frame: _Frame) -> PagePlan | None:
    if not _fits(frame.top + max(heights), frame):
        return None  # a row taller than a page: WeasyPrint would split it
    pages: list[tuple[int, int]] = []
    start, y = 0, frame.first_top
    for i, height in enumerate(heights):
        if i > start and not _fits(y + height, frame):
            pages.append((start, i))
            start, y = i, frame.top
        y += height
    end = len(heights)
    if y + frame.tail > frame.page_bottom - CLOSING_SPARE:
        # The closing block does not fit under the last row: both go to a new page.
        if end - start < 2:
            return None
        pages.append((start, end - 1))
        start, y = end - 1, frame.top + heights[-1]
        if y + frame.tail > frame.page_bottom - CLOSING_SPARE:
            return None
    pages.append((start, end))
    return PagePlan(tuple(pages))
