"""The shared machine's speed at the moment, printed beside every benchmark's figures.

The 2-core machines here are shared: the same code renders a 50-row notice in 0.25 s in one
hour and 0.46 s in another, and a plain Python loop slows down in about the same proportion.
Printing the loop's time before and after the runs lets a reader put figures from different
hours side by side, and tells a slow stretch of the machine from a slower commit.
"""

import statistics
import time


def python_loop_ms() -> float:
    """A fixed loop of plain Python, median of 3, in ms: 160-190 in quiet hours, up to ~320
    when the host is busy. Entering cases, the statistics pages and PDF rendering slow down
    in about the same proportion."""
    times = []
    for _ in range(3):
        start, total = time.perf_counter(), 0
        for i in range(3_000_000):
            total += i * i
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times))
