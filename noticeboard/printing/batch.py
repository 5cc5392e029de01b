"""Rendering several notices in parallel and merging them into one PDF."""

from __future__ import annotations

import io
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from .fonts import check_coverage
from .render import build_context, render_notice_pdf


def merge_pdfs(pdfs: Sequence[bytes]) -> bytes:
    """Concatenate PDFs; each input keeps its own pages, so each village starts a new page."""
    from pypdf import PdfWriter  # only batch prints need it

    writer = PdfWriter()
    for data in pdfs:
        writer.append(io.BytesIO(data))
    out = io.BytesIO()
    writer.write(out)
    writer.close()
    return out.getvalue()


# Below this much work (table rows, plus ~40 per document for fonts and PDF output) a
# batch is rendered in the calling process: starting a worker (spawn, imports, fonts)
# costs about 1.5 s, as much as ~300 rows of rendering.
PARALLEL_MIN_WORK = 400


def _work(items: list[dict]) -> int:
    return sum(len(item["snapshot"].get("rows") or []) + 40 for item in items)


def _render_item(item: dict) -> bytes:
    return render_notice_pdf(**item)


def _warm_up() -> None:
    # Import WeasyPrint in the worker before the first task arrives.
    import weasyprint  # noqa: F401


def render_batch(
    items: Sequence[dict],
    *,
    processes: int = 2,
    start_method: str = "spawn",
) -> list[bytes]:
    """Render many notices on ``processes`` CPUs; results keep the input order.

    Each item holds the keyword arguments of :func:`render_notice_pdf` (``snapshot``,
    ``channel``, ``paper``, ``verification_code``, ``public_url``, ``snapshot_sha256``).
    Every item is validated and coverage-checked first, so a bad item fails the whole
    batch before any rendering starts.

    The calling process is one of the ``processes`` renderers: it takes items from the end
    of the list while ``processes - 1`` worker processes take them from the front. The
    caller has its fonts loaded already, and keeps working while the workers start up.
    Small batches (see ``PARALLEL_MIN_WORK``) are rendered in the calling process only.
    Workers are started with ``spawn`` by default: forking a threaded web server is unsafe.
    """
    items = list(items)
    for item in items:
        snapshot = item["snapshot"]
        build_context(snapshot, **{k: v for k, v in item.items() if k != "snapshot"})
        check_coverage(snapshot)
    workers = max(1, min(processes, len(items))) - 1
    if workers == 0 or _work(items) < PARALLEL_MIN_WORK:
        return [_render_item(item) for item in items]

    results: list[bytes | None] = [None] * len(items)
    front, back = 0, len(items)  # workers render items[front:], the caller items[:back]
    in_flight: dict[Future, int] = {}
    context = multiprocessing.get_context(start_method)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm_up)
    try:
        while front < back or in_flight:
            # Keep each worker busy with one task running and one queued.
            while front < back and len(in_flight) < 2 * workers:
                in_flight[pool.submit(_render_item, items[front])] = front
                front += 1
            for future in [f for f in in_flight if f.done()]:
                results[in_flight.pop(future)] = future.result()
            if front < back:
                back -= 1
                results[back] = _render_item(items[back])
            elif in_flight:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    results[in_flight.pop(future)] = future.result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [r for r in results if r is not None]
