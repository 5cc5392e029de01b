"""`make run` as a new user gets it: gunicorn with two workers and the job worker beside it,
on a database built by the migrations; /healthz and /readyz as a load balancer sees them."""

import os
import subprocess

import pytest

from tests.ops.servers import ROOT, app_env, get, serving, wait_until

ONCE = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="builds an SQLite database of its own: once per make test, on the SQLite pass",
)


@ONCE
def test_gunicorn_and_the_job_worker_serve_and_are_ready(tmp_path):
    env = app_env(tmp_path, WEB_WORKERS="2")
    with serving(env, [ROOT / "scripts" / "serve.sh"]) as (base, process):
        wait_until(lambda: get(base + "/readyz")[0] == 200)
        status, body = get(base + "/readyz")
        assert status == 200, body
        assert b'"job_worker":true' in body.replace(b" ", b"")
        status, page = get(base + "/")
        assert status == 200 and "社会救助公示栏".encode() in page
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(children) == 2  # gunicorn's master and the job worker
    # Ctrl-C stopped both: nothing of theirs is left.
    assert process.returncode is not None
    assert not [pid for pid in children if os.path.exists(f"/proc/{pid}")]


def test_readyz_says_what_is_missing(app):
    client = app.test_client()
    response = client.get("/readyz")  # no job worker has been heard of in this test
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks == {"database": True, "migrations": True, "fonts": True, "job_worker": False}
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").status_code == 200
