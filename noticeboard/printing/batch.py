"""Rendering several notices in parallel and merging them into one PDF."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from . import pool
from .fonts import check_coverage
from .render import build_context, render_notice_pdf


def merge_pdfs(pdfs: Sequence[bytes], progress: Callable[[int], None] | None = None) -> bytes:
    """Concatenate PDFs; each input keeps its own pages, so each village starts a new page.
    ``progress(done)`` hears of each PDF appended."""
    from pypdf import PdfWriter  # only batch prints need it

    writer = PdfWriter()
    for done, data in enumerate(pdfs, 1):
        writer.append(io.BytesIO(data))
        if progress:
            progress(done)
    out = io.BytesIO()
    writer.write(out)
    writer.close()
    return out.getvalue()


# Below this much work (table rows, plus ~40 per document for fonts and PDF output) a
# batch is rendered in the calling process: handing items to a worker only pays when
# there are a few hundred rows to share.
PARALLEL_MIN_WORK = 400


def _work(items: list[dict]) -> int:
    return sum(len(item["snapshot"].get("rows") or []) + 40 for item in items)


def _render_item(item: dict) -> bytes:
    # Each notice in one go: the batch already keeps every CPU busy.
    return render_notice_pdf(**item, parallel=False)


def render_batch(
    items: Sequence[dict],
    *,
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[bytes]:
    """Render many notices on ``processes`` CPUs (default: all); results keep the input order.

    Each item holds the keyword arguments of :func:`render_notice_pdf` (``snapshot``,
    ``channel``, ``paper``, ``verification_code``, ``public_url``, ``snapshot_sha256``).
    Every item is validated and coverage-checked first, so a bad item fails the whole
    batch before any rendering starts.

    The calling process renders items from the end of the list while the warm workers of
    :mod:`.pool` take them from the front. Small batches (see ``PARALLEL_MIN_WORK``) are
    rendered in the calling process only. ``progress(done, total)`` is called after each
    item, from whichever thread finished it.
    """
    items = list(items)
    for item in items:
        snapshot = item["snapshot"]
        build_context(snapshot, **{k: v for k, v in item.items() if k != "snapshot"})
        check_coverage(snapshot)
    if _work(items) < PARALLEL_MIN_WORK:
        results = []
        for item in items:
            results.append(_render_item(item))
            if progress:
                progress(len(results), len(items))
        return results
    return pool.map_shared(_render_item, items, processes or pool.cpu_count(), progress=progress)
