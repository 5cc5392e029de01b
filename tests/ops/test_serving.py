"""`make run` as a new user gets it: gunicorn with two workers and the job worker beside it,
on a database built by the migrations with the demo data; /healthz and /readyz as a load
balancer sees them; a batch print run by the real worker while its page is reloaded."""

import http.cookiejar
import os
import re
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from noticeboard.demo import DEMO_PASSWORD
from tests.ops.servers import ROOT, app_env, flask, get, serving, wait_until

ONCE = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="builds an SQLite database of its own: once per make test, on the SQLite pass",
)


def _browser():
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _post(browser, url: str, form_url: str, data: dict):
    page = browser.open(form_url, timeout=10).read().decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
    return browser.open(url, data=body, timeout=30)


def _batch_print_through_the_worker(base: str) -> None:
    browser = _browser()
    _post(
        browser, base + "/login", base + "/login", {"username": "county", "password": DEMO_PASSWORD}
    )
    page = browser.open(base + "/staff/print", timeout=10).read().decode()
    county = re.search(r'<option value="(\d+)">示范县', page).group(1)
    started = _post(
        browser, base + "/staff/print", base + "/staff/print",
        {"township_id": county, "paper": "A4-portrait", "bundle": "merged"},
    )  # fmt: skip
    job_url = started.url
    assert re.search(r"/staff/jobs/\d+$", job_url)
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        page = browser.open(job_url, timeout=10).read().decode()
        seen.append(re.search(r'id="job-status">([^<]+)', page).group(1))
        if "http-equiv" not in page:  # finished: the page stops reloading itself
            break
        time.sleep(0.5)
    assert seen[-1] == "已完成", (seen, page[-800:])
    result = browser.open(job_url + "/result", timeout=30)
    assert result.headers["Content-Type"] == "application/pdf"
    assert result.read().startswith(b"%PDF")


@ONCE
def test_gunicorn_and_the_job_worker_serve_and_are_ready(tmp_path):
    env = app_env(tmp_path, WEB_WORKERS="2")
    flask(env, "demo")
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
        _batch_print_through_the_worker(base)
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
