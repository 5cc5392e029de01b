"""Smoke test of bench/stats.py: a small county builds, its history is filled by the
migration, a month and a trend are timed, and the last line is the JSON summary."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_stats_bench_builds_a_small_county_and_times_it(tmp_path):
    run = subprocess.run(
        [sys.executable, "bench/stats.py", "--cases", "300", "--runs", "1"],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["periods"] > 100
    assert all(r["median_s"] > 0 for r in summary["results"].values())
    assert set(summary["results"]) >= {"county month", "county trend"}
