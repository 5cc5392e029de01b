"""Long notices rendered in parts on several CPUs: read back as a person would check them."""

from __future__ import annotations

import io
import os
import re
import signal
import time
from decimal import Decimal

import pytest
from pypdf import PdfReader

from noticeboard.printing import parallel, pool, render_notice_pdf
from noticeboard.printing.paging import PagePlan, plan_pages
from noticeboard.printing.render import build_context
from noticeboard.printing.samples import sample_kwargs

from .helpers import embedded_fonts, page_texts, pdftotext

HEADER = ("序号", "户主姓名", "村民小组", "保障人数", "保障类别", "月保障金额", "备注")
NOTES = ("公示期：", "监督电话：", "评议小组成员：")  # one under the other
SIGNATURE = ("核验码", "盖章处", "新店镇人民政府", "2026年11月20日")  # side by side, below them
ROW_LINE = re.compile(r"^(\d{1,4}) \S")  # a table row starts with its 序号
PAGE_NUMBER = re.compile(r"第 (\d+) 页 共 (\d+) 页")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _context(kwargs: dict) -> dict:
    return build_context(kwargs["snapshot"], **{k: v for k, v in kwargs.items() if k != "snapshot"})


def _row_text(row: dict) -> str:
    """A row as it reads across the printed table."""
    cells = ("line", "name", "group", "persons", "category", "amount", "note")
    # Amounts print with thousands separators, as the pages show them.
    shown = {**row, "amount": f"{Decimal(row['amount']):,.2f}"}
    return _squash("".join(str(shown[key]) for key in cells))


def _in_parts(kwargs: dict) -> bytes:
    """The notice rendered in parts, however short; fails if it would be rendered in one go."""
    context = _context(kwargs)
    plan = plan_pages(context)
    assert plan is not None, "no page plan"
    pdf = parallel.render_plan(context, plan, processes=2)
    assert pdf is not None, "the parts did not come out as planned"
    return pdf


@pytest.fixture(scope="module")
def long_kwargs() -> dict:
    return sample_kwargs(1000, village="东风村", seed=11)


@pytest.fixture(scope="module")
def long_pdf(long_kwargs) -> bytes:
    return _in_parts(long_kwargs)


@pytest.fixture(scope="module")
def long_texts(long_pdf) -> list[str]:
    return page_texts(long_pdf)


def test_long_notice_has_the_header_on_every_page(long_texts):
    assert len(long_texts) > 20
    for number, text in enumerate(long_texts, start=1):
        flat = _squash(text)
        for label in HEADER:
            assert label in flat, (number, label)
    title = "新店镇东风村2026年11月城乡最低生活保障拟保对象公示"
    assert title in _squash(long_texts[0])
    assert all(title not in _squash(text) for text in long_texts[1:])


def test_long_notice_numbers_pages_n_of_m(long_texts):
    total = len(long_texts)
    for number, text in enumerate(long_texts, start=1):
        assert PAGE_NUMBER.findall(text) == [(str(number), str(total))], text[-120:]


def test_long_notice_prints_every_row_once_in_order(long_texts, long_kwargs):
    lines = [line.strip() for text in long_texts for line in text.splitlines()]
    numbers = [int(m.group(1)) for line in lines if (m := ROW_LINE.match(line))]
    assert numbers == list(range(1, 1001))


def test_no_row_is_split_across_pages(long_texts, long_kwargs):
    pages = [_squash(text) for text in long_texts]
    for row in long_kwargs["snapshot"]["rows"]:
        whole = _row_text(row)
        assert sum(whole in page for page in pages) == 1, row["line"]


def test_closing_block_ends_the_last_page_only(long_texts, long_kwargs):
    *before, last = long_texts
    for text in before:
        flat = _squash(text)
        assert not any(words in flat for words in (*NOTES, *SIGNATURE, "合计")), flat[-200:]
    flat = _squash(last)
    last_row = _row_text(long_kwargs["snapshot"]["rows"][-1])
    # The last page reads: at least one row, the totals, then the closing block.
    positions = [flat.index(words) for words in (last_row, "合计（1000户）", *NOTES)]
    assert positions == sorted(positions)
    assert all(flat.rindex(words) > positions[-1] for words in SIGNATURE)


def test_parts_read_like_the_notice_rendered_in_one_go(long_texts, long_kwargs):
    whole = page_texts(render_notice_pdf(**long_kwargs, parallel=False))
    assert long_texts == whole


def test_second_extractor_agrees(long_pdf, long_texts):
    poppler = pdftotext(long_pdf)
    if poppler is None:
        pytest.skip("poppler-utils not installed")
    total = len(long_texts)
    pages = poppler.split("\f")
    for number in range(1, total + 1):
        assert f"第 {number} 页 共 {total} 页" in pages[number - 1]
    assert "核验码" in pages[total - 1] and "核验码" not in pages[total - 2]
    assert "𠮷*华" in poppler and "阿*拉·艾合买提" in poppler


def test_each_part_names_its_own_font_subsets(long_pdf):
    """Every part embeds the glyphs of its own rows; one name for two different subsets
    could let a viewer or printer draw one part's text with the other's glyphs."""
    programs: dict[str, bytes] = {}
    for name, _subtype, program, _codes in embedded_fonts(long_pdf):
        assert re.fullmatch(r"/?[A-Z]{6}\+Noto-(Sans|Serif)-CJK-SC\S*", name), name
        assert programs.setdefault(name, program) == program, f"two subsets named {name}"
    assert len(programs) == 4  # two faces in each of the two parts


def _wait_for_workers() -> None:
    deadline = time.monotonic() + 60
    while not pool.workers_ready():
        assert time.monotonic() < deadline, "no worker started"
        time.sleep(0.1)


@pytest.mark.skipif(pool.cpu_count() < 2, reason="one CPU: long notices render in one go")
def test_render_notice_pdf_uses_parts_for_a_long_notice(long_kwargs):
    _wait_for_workers()
    expected = parallel.render_in_parts(_context(long_kwargs), processes=pool.cpu_count())
    assert expected is not None
    assert render_notice_pdf(**long_kwargs) == expected


def test_first_long_notice_does_not_wait_for_workers_to_start(monkeypatch, long_kwargs):
    monkeypatch.setattr(pool, "_pool", None)  # as in a process that has not started them
    monkeypatch.setattr(pool, "_ready", None)
    assert parallel.render_in_parts(_context(long_kwargs)) is None  # rendered in one go
    started = pool._pool
    assert started is not None  # ... while they start for the next one
    _wait_for_workers()
    assert parallel.render_in_parts(_context(long_kwargs)) is not None
    started.shutdown()


@pytest.mark.parametrize(
    ("paper", "rows"),
    [
        ("A4-portrait", 70),  # the closing block takes the last row to a page of its own
        ("A4-landscape", 130),
        ("A3-portrait", 150),
    ],
)
def test_every_paper_breaks_pages_as_in_one_go(paper, rows):
    kwargs = dict(sample_kwargs(rows, seed=rows), paper=paper)
    parts = page_texts(_in_parts(kwargs))
    assert parts == page_texts(render_notice_pdf(**kwargs, parallel=False))
    last_page = [line.strip() for line in parts[-1].splitlines()]
    assert any(ROW_LINE.match(line) for line in last_page)  # never the closing block alone


def test_rows_of_several_lines_and_other_fonts_keep_their_place():
    """Long notes wrap; 鿫 is only in the sans face, whose line is a little taller."""
    kwargs = sample_kwargs(160, seed=5)
    rows = kwargs["snapshot"]["rows"]
    for i in range(0, 160, 17):
        rows[i]["note"] = "因病致贫，家庭成员长期住院治疗，经村民代表评议同意纳入保障" * (1 + i % 3)
    for i in range(3, 160, 23):
        rows[i]["name"] = "鿫*华"
    parts = page_texts(_in_parts(kwargs))
    assert parts == page_texts(render_notice_pdf(**kwargs, parallel=False))
    total = len(parts)
    for number, text in enumerate(parts, start=1):
        assert f"第 {number} 页 共 {total} 页" in text


def test_a_plan_that_does_not_fit_is_refused():
    """Parts whose pages overflow are not joined: the notice is then rendered in one go."""
    kwargs = sample_kwargs(100, seed=2)
    context = _context(kwargs)
    plan = plan_pages(context)
    assert plan is not None
    crowded = PagePlan(((0, 60), (60, 100)))  # more rows than a page holds
    assert parallel.render_plan(context, plan, processes=2) is not None
    assert parallel.render_plan(context, crowded, processes=2) is None


def test_parts_have_whole_pages_and_similar_rows():
    plan = PagePlan(((0, 33), *((33 + 36 * i, 69 + 36 * i) for i in range(27)), (1005, 1030)))
    groups = parallel.split_pages(plan, 2)
    assert groups == [(0, 14), (14, 29)]
    assert parallel.split_pages(plan, 1) == [(0, 29)]
    three = parallel.split_pages(plan, 3)
    assert [g[0] for g in three[1:]] == [g[1] for g in three[:-1]]
    assert three[0][0] == 0 and three[-1][1] == plan.total


def test_short_notice_renders_without_workers(monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a short notice must not wait for worker processes")

    monkeypatch.setattr(pool, "_workers", no_pool)
    pdf = render_notice_pdf(**sample_kwargs(parallel.PARALLEL_MIN_ROWS - 1))
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 4


def test_a_killed_worker_costs_time_not_the_notice(caplog):
    """If a worker dies (out of memory, killed), this process renders its parts itself."""
    kwargs = sample_kwargs(parallel.PARALLEL_MIN_ROWS, seed=3)
    expected = page_texts(render_notice_pdf(**kwargs, parallel=False))
    workers = pool._workers()
    assert workers.submit(os.getpid).result() != os.getpid()  # started and answering
    for process in list(workers._processes.values()):
        os.kill(process.pid, signal.SIGKILL)
    assert page_texts(_in_parts(kwargs)) == expected
    assert "pool broken" in caplog.text
    assert pool._workers() is not workers
    assert page_texts(_in_parts(kwargs)) == expected  # with new workers
