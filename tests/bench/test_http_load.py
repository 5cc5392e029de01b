"""Smoke test of bench/http_load.py: gunicorn as `make run` serves, nginx beside it, wrk on
every target, and a JSON summary with no errors, so the benchmark keeps working."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="builds an SQLite database of its own: once per make test, on the SQLite pass",
)
def test_http_bench_loads_every_target_without_errors(tmp_path):
    result = subprocess.run(
        [sys.executable, "bench/http_load.py", "--runs", "1", "--duration", "1"],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    targets = summary["targets"]
    assert {"notice page @50", "PDF 304 @50", "nginx static @50", "API list @50"} <= set(targets)
    assert (
        "notice page @50, flask run (before)" in targets and "notice page @50, no cache" in targets
    )
    for name, figures in targets.items():
        assert figures["rps"] > 0 and figures["errors"] == 0, (name, figures)
    assert "load average" in summary["load_before"]
