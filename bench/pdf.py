"""Benchmark of notice PDF rendering (noticeboard.printing).

Usage (from the repository root):

    python bench/pdf.py            # full run, prints a table of medians
    python bench/pdf.py --quick    # one run per case, for a smoke test

Cases: single notices of 20, 50, 200 and 1000 rows (long notices are rendered in parts on
all CPUs), the 1000 rows once more in one go (``parallel=False``) for comparison, and a
township batch of 30 villages x 50 rows rendered with ``render_batch(processes=2)`` and
merged into one PDF. Every case gets one warm-up run, then N timed runs (5 for small
cases, 3 for large ones); the table shows the median. Each run renders a snapshot of its
own (another seed), so every timed run is the first render of that notice. The very first
render of the process (font loading) and the first long notice (worker processes
starting) are reported apart. Snapshots are synthetic (noticeboard.printing.samples):
masked names including compound surnames, 𠮷 and names with the middle dot ·.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from machine_speed import python_loop_ms  # bench/ is the script's directory

ROOT = Path(__file__).resolve().parents[1]


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _children_cpu() -> float:
    """CPU seconds used so far by child processes (the PDF workers): those that ended and
    were waited for, and the live ones (from /proc, Linux only)."""
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = ended.ru_utime + ended.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for pid in children:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def _time(fn: Callable[[int], bytes], runs: int) -> tuple[list[float], list[float], bytes]:
    """Wall-clock and CPU seconds (this process and its workers) of ``runs`` calls after a
    warm-up; call ``i`` renders a snapshot of its own."""
    fn(0)  # warm-up
    walls, cpus, result = [], [], b""
    for run in range(1, runs + 1):
        start, cpu = time.perf_counter(), time.process_time() + _children_cpu()
        result = fn(run)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() + _children_cpu() - cpu)
    return walls, cpus, result


def cached_download_times(runs: int) -> tuple[list[float], int]:
    """Seconds per GET of a stored public PDF through the app (SQLite file, demo data)."""
    import tempfile

    from flask_migrate import upgrade

    from noticeboard import create_app
    from noticeboard.cases.models import Program
    from noticeboard.demo import load_demo
    from noticeboard.notices.state import public_notices

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "SERVER_NAME": "localhost",
            }
        )
        with app.app_context():
            upgrade()
            load_demo()
            notice = next(n for n in public_notices() if n.program == Program.DIBAO)
            url, size = f"/notices/{notice.id}.pdf", 0
        client = app.test_client()
        first = client.get(url)  # renders and stores
        assert first.status_code == 200, first.status_code
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            size = len(response.data)
            times.append(time.perf_counter() - start)
        return times, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 timed run per case")
    parser.add_argument("--processes", type=int, default=2, help="workers for the batch")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    start = time.perf_counter()
    from noticeboard.printing import doctor, merge_pdfs, render_batch, render_notice_pdf
    from noticeboard.printing.samples import sample_kwargs

    render_notice_pdf(**sample_kwargs(20, seed=99))
    cold = time.perf_counter() - start

    import weasyprint

    print(f"date      : {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"machine   : {os.cpu_count()} CPUs, {_cpu_model()}")
    print(f"python    : {platform.python_version()}, WeasyPrint {weasyprint.__version__}")
    for name, ok, hint in doctor():
        print(f"doctor    : {'ok ' if ok else 'BAD'} {name}" + ("" if ok else f" -> {hint}"))
    print(f"load avg  : {' '.join(f'{x:.2f}' for x in os.getloadavg())} (before the runs)")
    print(f"speed     : python loop {python_loop_ms()} ms (before the runs; 160-190 when quiet)")
    print(f"cold start: import + first render (20 rows, fonts loading) {cold:.2f} s")

    start = time.perf_counter()
    render_notice_pdf(**sample_kwargs(1000, seed=999))
    first_long = time.perf_counter() - start
    print(f"first long: 1000 rows while the workers start {first_long:.2f} s")
    print()

    small, large = (1, 1) if args.quick else (5, 3)
    cases: list[tuple[str, int, int, float | None, Callable[[int], bytes]]] = []

    def notice(rows: int, **options: bool) -> Callable[[int], bytes]:
        return lambda run: render_notice_pdf(**sample_kwargs(rows, seed=rows + run), **options)

    for rows, runs, target in ((20, small, None), (50, small, 0.3), (200, small, None)):
        cases.append((f"{rows} rows", rows, runs, target, notice(rows)))
    cases.append(("1000 rows (in parts)", 1000, large, 2.5, notice(1000)))
    cases.append(("1000 rows (in one go)", 1000, large, None, notice(1000, parallel=False)))

    def township(run: int) -> bytes:
        villages = [
            sample_kwargs(50, village=f"第{i:02d}村", seed=100 * run + i) for i in range(1, 31)
        ]
        return merge_pdfs(render_batch(villages, processes=args.processes))

    cases.append(("30 villages x 50 (batch+merge)", 1500, large, 10.0, township))

    header = f"{'case':<32}{'rows':>6}{'pages':>7}{'runs':>6}{'median s':>10}"
    header += f"{'min s':>8}{'cpu s':>7}{'pages/s':>9}{'KB':>7}{'target s':>10}  ok"
    print(header)
    print("-" * len(header))
    failed = False
    for name, rows, runs, target, fn in cases:
        times, cpus, pdf = _time(fn, runs)
        median = statistics.median(times)
        cpu = f"{statistics.median(cpus):.2f}"
        pages = _pages(pdf)
        ok = "" if target is None else ("yes" if median <= target else "NO")
        failed |= ok == "NO"
        target_s = "-" if target is None else f"{target:.1f}"
        print(
            f"{name:<32}{rows:>6}{pages:>7}{runs:>6}{median:>10.2f}{min(times):>8.2f}"
            f"{cpu:>7}{pages / median:>9.1f}{len(pdf) // 1024:>7}{target_s:>10}  {ok}",
            flush=True,
        )
    print(f"\nspeed     : python loop {python_loop_ms()} ms (after the runs)")
    times, size = cached_download_times(5 if args.quick else 50)
    median_ms = statistics.median(times) * 1000
    ok = "yes" if median_ms <= 20 else "NO"
    failed |= ok == "NO"
    print(
        f"\ncached public PDF download (GET /notices/<id>.pdf from storage, {size // 1024} KB): "
        f"median {median_ms:.1f} ms, min {min(times) * 1000:.1f} ms over {len(times)} runs, "
        f"target 20 ms: {ok}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
