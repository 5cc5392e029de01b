"""Long notices rendered in parts of whole pages on several CPUs, merged into one PDF.

WeasyPrint lays a document out on one CPU. A long notice is therefore cut, along the page
plan of :mod:`.paging`, into parts of whole pages. Each part is a document of its own
with the table header, told its first page number and the notice's page count; the first
part opens with the title, the last ends with the totals and the closing block. The parts
are rendered on the warm workers of :mod:`.pool` and this process, then joined with pypdf.
"""

from __future__ import annotations

import io
import itertools
import logging

from . import pool
from .paging import PagePlan, plan_pages
from .render import render_html, write_pdf

log = logging.getLogger(__name__)

# Below this many rows (about 6 pages) a notice is rendered in one go. Parts cost about
# 0.25 s of CPU more (measuring the pages, fonts and page setup again in each part, the
# merge), which a free second CPU repays only for longer notices, and a busy machine not
# at all.
PARALLEL_MIN_ROWS = 200


def render_in_parts(context: dict, *, processes: int | None = None) -> bytes | None:
    """PDF of a long notice rendered in parts; None if it is better rendered in one go."""
    if pool.in_worker() or pool.pool_size() == 0 or len(context["rows"]) < PARALLEL_MIN_ROWS:
        return None
    processes = processes or pool.cpu_count()
    if processes < 2:
        return None
    if not pool.workers_ready():
        # The first long notice of a process: waiting for a worker to start (~1.5 s)
        # would take longer than rendering in one go while it starts.
        return None
    plan = plan_pages(context)
    if plan is None:
        return None
    return render_plan(context, plan, processes)


def render_plan(context: dict, plan: PagePlan, processes: int) -> bytes | None:
    """PDF of the notice laid out along ``plan``; None if a part came out with more or
    fewer pages than planned (a row taller than measured?), which would misnumber them."""
    # One part per CPU. More parts would even out CPUs running at different speeds (another
    # program, a worker still starting), but each part costs ~0.1 s of CPU again, and
    # ~50 KB of PDF for its own subset of the fonts.
    groups = split_pages(plan, processes)
    if len(groups) < 2:
        return None
    tasks = [_part_task(context, plan, first, last) for first, last in groups]
    pdfs = pool.map_shared(_render_part, tasks, processes)
    merged = _join(pdfs, [last - first for first, last in groups])
    if merged is None:
        log.warning("page plan of %r not met; rendering it in one go", context["title"])
    return merged


def split_pages(plan: PagePlan, count: int) -> list[tuple[int, int]]:
    """Up to ``count`` runs of whole pages ``[first, last)`` with about as many rows each."""
    ends = [end for _, end in plan.pages]
    cuts: list[int] = []
    for share in range(1, count):
        target = ends[-1] * share / count
        # Cut after the page whose last row is nearest to this share of the rows.
        cut = min(range(1, plan.total), key=lambda pages: abs(ends[pages - 1] - target), default=0)
        if cut > (cuts[-1] if cuts else 0):
            cuts.append(cut)
    bounds = [0, *cuts, plan.total]
    return list(itertools.pairwise(bounds))


def _part_task(context: dict, plan: PagePlan, first: int, last: int) -> tuple[dict, dict]:
    start, end = plan.pages[first][0], plan.pages[last - 1][1]
    part = {
        "first": first == 0,
        "last": last == plan.total,
        "breaks": frozenset(s - start for s, _ in plan.pages[first + 1 : last]),
        "page_first": first + 1,
        "page_total": plan.total,
    }
    return dict(context, rows=context["rows"][start:end]), part


def _render_part(task: tuple[dict, dict]) -> bytes:
    context, part = task
    return write_pdf(render_html(context, part))


def _join(pdfs: list[bytes], pages: list[int]) -> bytes | None:
    """The parts as one PDF with the first part's metadata; None if a part has more or
    fewer pages than planned."""
    from pypdf import PdfReader, PdfWriter

    readers = [PdfReader(io.BytesIO(pdf)) for pdf in pdfs]
    if [len(reader.pages) for reader in readers] != pages:
        return None
    writer = PdfWriter()
    for reader in readers:
        writer.append(reader)
    if readers[0].metadata:
        writer.add_metadata(dict(readers[0].metadata))
    out = io.BytesIO()
    writer.write(out)
    writer.close()
    return out.getvalue()
