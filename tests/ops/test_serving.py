"""`make run` as a new user gets it: gunicorn with two workers and the job worker beside it,
on a database built by the migrations; /healthz and /readyz as a load balancer sees them."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'app.sqlite3'}",
        "JOBS_QUEUE_PATH": str(tmp / "queue.sqlite3"),
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "2",
        "FLASK_APP": "app",
    }
    subprocess.run([BIN / "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [ROOT / "scripts" / "serve.sh"], cwd=ROOT, env=env, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(base + "/readyz")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    yield base, server
    os.killpg(server.pid, signal.SIGINT)  # Ctrl-C in the terminal
    server.wait(30)


@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="builds an SQLite database of its own: once per make test, on the SQLite pass",
)
def test_gunicorn_and_the_job_worker_serve_and_are_ready(served):
    base, server = served
    status, body = _get(base + "/readyz")
    assert status == 200, body
    assert b'"job_worker":true' in body.replace(b" ", b"")
    assert _get(base + "/healthz")[0] == 200
    status, page = _get(base + "/")
    assert status == 200 and "社会救助公示栏".encode() in page
    workers = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    assert len(workers) == 2  # gunicorn's master and the job worker


def test_readyz_says_what_is_missing(app):
    client = app.test_client()
    response = client.get("/readyz")  # no job worker has been heard of in this test
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks == {"database": True, "migrations": True, "fonts": True, "job_worker": False}
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").status_code == 200
