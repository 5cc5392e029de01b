"""The shared machine's speed at the moment, printed beside every benchmark's figures.

The 2-core machines here are shared, and a busy host slows a plain Python loop as it slows
entering cases and the statistics pages. Printing the loop's time before and after the runs
lets a reader put figures from different hours side by side, and tells a slow stretch of
the machine from a slower commit. It does not stand in for another CPU model: on an AMD
EPYC machine PDF rendering took twice its time on an Intel Xeon while the loop took only
~15 % longer (bench/README.md), so figures also need the `machine` line's CPU.
"""

import statistics
import time


def python_loop_ms() -> float:
    """A fixed loop of plain Python, median of 3, in ms: 160-190 in quiet hours, up to ~320
    when the host is busy."""
    times = []
    for _ in range(3):
        start, total = time.perf_counter(), 0
        for i in range(3_000_000):
            total += i * i
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times))
