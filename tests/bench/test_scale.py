"""Smoke test of bench/scale.py: a small county builds, every page is timed, and the last line
is the JSON summary, so the benchmark keeps working as the app changes."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_scale_bench_prints_a_json_summary_with_positive_figures(tmp_path):
    kept = tmp_path / "county.sqlite3"
    result = subprocess.run(
        [sys.executable, "bench/scale.py", "--cases", "300", "--requests", "2", "--keep", kept],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["create_cases_per_s"] > 0
    windows = summary["create_case_windows_per_s"]
    assert len(windows) == 5 and min(windows) <= summary["create_cases_per_s"] <= max(windows)
    looped = summary["create_case_loop_windows_per_s"]
    in_a_loop = summary["create_cases_per_s_in_a_loop"]
    assert len(looped) == 5 and min(looped) <= in_a_loop <= max(looped)
    # Entering a case reads the ceiling, the standards and the one-person check and writes
    # the case, its members, its name pieces and its audit entry (~7 statements). In the loop
    # too: its commit leaves the clerk and the villages loaded (it ran 8.7 while it expired
    # them, and the service read both again).
    assert summary["statements"]["create_case"] < 8
    assert summary["create_case_loop_statements"] < 8
    assert summary["python_loop_ms"] > 0
    for key in ("staff_p95_ms", "public_p95_ms", "statements"):
        assert summary[key], key
    timings = {**summary["staff_p95_ms"], **summary["public_p95_ms"]}
    assert all(ms > 0 for ms in timings.values()), timings
    assert "county /staff/approvals" in timings
    assert "clerk /staff/cases/<int:case_id>" in timings
    assert "/api/v1/notices" in timings
    # Every page answered: 403s are expected for some roles, anything else is a broken page.
    broken = [line for line in summary["not_timed"] if "answered" in line]
    assert not broken, broken

    # The timing ran on a copy of the kept file that holds all of it: the story's notices and
    # cases were written last, and a copy of the main file alone had lost them in WAL mode.
    with closing(sqlite3.connect(kept)) as built:
        cases, with_id, indexed = built.execute(
            "SELECT count(*), count(applicant_id_number), count(applicant_id_index) FROM cases"
        ).fetchone()
        notices = built.execute("SELECT count(*) FROM notices").fetchone()[0]
    assert summary["counts"]["cases"] == cases
    assert summary["counts"]["notices"] == notices
    # Every applicant can be found by their ID: the bulk rows carry the keyed index the
    # services compute, so the one-person check at scale looks real people up.
    assert with_id > 250 and indexed == with_id
