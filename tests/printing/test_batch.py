"""Parallel rendering of a township batch and merging."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from noticeboard.printing import MissingGlyphs, merge_pdfs, pool, render_batch
from noticeboard.printing import batch as batch_module
from noticeboard.printing.samples import sample_kwargs

VILLAGES = ("东风村", "西山村", "南河村")


@pytest.fixture(scope="module")
def batch() -> list[bytes]:
    items = [sample_kwargs(45, village=v, seed=i) for i, v in enumerate(VILLAGES, start=1)]
    saved = batch_module.PARALLEL_MIN_WORK
    batch_module.PARALLEL_MIN_WORK = 0  # use a worker process even for this small batch
    try:
        return render_batch(items, processes=2)
    finally:
        batch_module.PARALLEL_MIN_WORK = saved


def test_batch_keeps_order(batch):
    assert len(batch) == len(VILLAGES)
    for pdf, village in zip(batch, VILLAGES, strict=True):
        first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert f"新店镇{village}" in first


def test_merge_starts_each_village_on_new_page(batch):
    merged = PdfReader(io.BytesIO(merge_pdfs(batch)))
    counts = [len(PdfReader(io.BytesIO(pdf)).pages) for pdf in batch]
    assert len(merged.pages) == sum(counts)
    start = 0
    for village, count in zip(VILLAGES, counts, strict=True):
        text = merged.pages[start].extract_text()
        assert f"新店镇{village}" in text
        assert f"第 1 页 共 {count} 页" in text
        start += count


def test_batch_fails_fast_on_unprintable_item():
    items = [sample_kwargs(5, village=v, seed=i) for i, v in enumerate(VILLAGES, start=1)]
    items[1]["snapshot"]["rows"][3]["name"] = "王\ue000"
    with pytest.raises(MissingGlyphs) as info:
        render_batch(items, processes=2)
    assert info.value.rows == [4]


def test_batch_validates_arguments():
    items = [sample_kwargs(5)]
    items[0]["paper"] = "B5"
    with pytest.raises(ValueError):
        render_batch(items)


def test_single_process_and_empty():
    assert render_batch([]) == []
    (pdf,) = render_batch([sample_kwargs(3)], processes=1)
    assert pdf.startswith(b"%PDF-")


def test_small_batch_stays_in_process(monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("no worker process expected for a small batch")

    monkeypatch.setattr(pool, "_workers", no_pool)
    pdfs = render_batch([sample_kwargs(5, village=v) for v in VILLAGES], processes=2)
    assert len(pdfs) == len(VILLAGES)
