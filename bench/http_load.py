"""HTTP load benchmark: the portal served the way `make run` serves it, beside nginx.

Usage (from the repository root; needs Debian's `wrk` and `nginx`):

    python bench/http_load.py                        # 3 runs of 20 s per target, medians
    python bench/http_load.py --runs 1 --duration 2  # smoke test (tests/bench/test_http_load.py)

(Not bench/http.py: run as a script, a file of that name would hide the standard library's
`http` package from every other script in bench/, which imports werkzeug.)

It builds the demo database (the migrations, then `flask demo`) in a temp directory, starts
gunicorn with gunicorn.conf.py (as scripts/serve.sh does; WEB_WORKERS and WEB_THREADS as in
the environment, 2 workers on this machine by default), saves the public notice page as a
static file and serves it with nginx (gzip_static: the gzipped copy made once, as the app keeps
its gzipped answer) in the same run, the physical
reference on this machine. Then for each target it runs `wrk` (--latency) and reads req/s,
p50, p99 and errors (socket errors and answers of 400 and above):

- at 50 connections: the public notice page, a village page, the API list, a PDF download
  revalidated with If-None-Match (304), nginx static; and, for the issue's "5x what `flask
  run` gives", the notice page on Flask's development server (threaded, as `flask run`);
- at 8 connections with 2 gunicorn workers: the notice page and the village page beside
  nginx static.

Browsers send Accept-Encoding: gzip, so every request here does too. Runs are interleaved
(every target once, then again), so that a noisy neighbour on the shared machine spreads over
all targets; medians of --runs are printed with `uptime` before and after. The last line is a
JSON summary.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GZIP = "Accept-Encoding: gzip"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def fetch(url: str, headers: dict | None = None) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read(), dict(response.headers)


def build_database(tmp: Path, env: dict, kept: Path | None) -> dict:
    """The demo county (or a copy of a kept one), and the URLs to load: its longest public
    notice of a village, and that village."""
    flask = [str(BIN / "flask")]
    if kept:
        shutil.copyfile(kept, tmp / "bench.sqlite3")
    else:
        run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
        subprocess.run([*flask, "db", "upgrade"], **run)
        subprocess.run([*flask, "demo"], **run)
    script = (
        "import json\n"
        "from noticeboard import create_app\n"
        "app = create_app()\n"
        "from noticeboard.notices.state import public_notices\n"
        "from noticeboard.regions.models import RegionLevel\n"
        "rows = lambda n: len(json.loads(n.snapshot_online).get('rows') or [])\n"
        "with app.app_context():\n"
        "    notices = [n for n in public_notices() if n.region.level == RegionLevel.VILLAGE]\n"
        "    n = max(notices, key=rows)\n"
        "    print(json.dumps({'notice': n.id, 'village': n.region_id, 'rows': rows(n)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True)
    if out.returncode:
        raise RuntimeError(out.stderr.decode()[-2000:])
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def start_gunicorn(
    env: dict, port: int, workers: int | None = None, cache: bool = True
) -> subprocess.Popen:
    env = {**env, "WEB_BIND": f"127.0.0.1:{port}"}
    if not cache:
        env["RESPONSE_CACHE_MB"] = "0"
    if workers:
        env["WEB_WORKERS"] = str(workers)
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def start_flask_run(env: dict, port: int) -> subprocess.Popen:
    """What `make run` served before issue 12: Flask's development server, without the
    response cache (core/response_cache.py) that came with it."""
    env = {**env, "RESPONSE_CACHE_MB": "0"}
    return subprocess.Popen(
        [str(BIN / "flask"), "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


NGINX_CONF = """
{user}
daemon off;
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    include /etc/nginx/mime.types;
    sendfile on;
    # The page's gzipped copy is made once beforehand (as the app keeps its own): nginx sends
    # either file as it is, the fastest it can serve these bytes.
    gzip_static on;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/static;
        location / {{ default_type text/html; }}
    }}
}}
"""


def start_nginx(tmp: Path, port: int, page: bytes) -> subprocess.Popen:
    (tmp / "static").mkdir(exist_ok=True)
    (tmp / "static" / "notice.html").write_bytes(page)
    (tmp / "static" / "notice.html.gz").write_bytes(gzip.compress(page, compresslevel=6, mtime=0))
    conf = tmp / "nginx.conf"
    # Started as root, nginx's workers would drop to an unprivileged user, who cannot read a
    # private temp directory: they stay the user who runs the benchmark.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, workers=os.cpu_count() or 1, user=user))
    return subprocess.Popen(
        [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, connections: int, duration: int, headers: list[str]) -> dict:
    command = ["wrk", "--latency", f"-t{min(connections, 2)}", f"-c{connections}"]
    command += [f"-d{duration}s", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if os.environ.get("HTTP_BENCH_DEBUG"):
        print(url, out, file=sys.stderr)
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(n) for n in match.groups())
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "errors": errors,
    }


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--few", type=int, default=8, help="connections of the 2-worker runs")
    parser.add_argument("--skip-flask-run", action="store_true")
    parser.add_argument(
        "--database", type=Path, help="load a copy of this SQLite database (bench/scale.py --keep)"
    )
    args = parser.parse_args(argv)

    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="http-bench-") as name:
        tmp = Path(name)
        env = {
            **os.environ,
            "FLASK_APP": "app",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "JOBS_QUEUE_PATH": str(tmp / "queue.sqlite3"),
            "PUBLIC_BASE_URL": "http://127.0.0.1",
        }
        env.pop("WEB_BIND", None)
        ids = build_database(tmp, env, args.database)
        ports = {k: free_port() for k in ("app", "app2", "nocache", "nginx")}
        try:
            processes.append(start_gunicorn(env, ports["app"]))
            processes.append(start_gunicorn(env, ports["app2"], workers=2))
            processes.append(start_gunicorn(env, ports["nocache"], cache=False))
            app, app2, nocache = (
                f"http://127.0.0.1:{ports[k]}" for k in ("app", "app2", "nocache")
            )
            for base in (app, app2, nocache):
                wait_for(base + "/healthz")
            notice, village = f"/notices/{ids['notice']}", f"/villages/{ids['village']}"
            page, _ = fetch(app + notice)
            processes.append(start_nginx(tmp, ports["nginx"], page))
            static = f"http://127.0.0.1:{ports['nginx']}/notice.html"
            wait_for(static)
            pdf = f"{notice}.pdf"
            _, pdf_headers = fetch(app + pdf)  # rendered and stored once, then revalidated
            etag = pdf_headers["ETag"]
            targets = {
                f"notice page @{args.connections}": (app + notice, args.connections, [GZIP]),
                f"village page @{args.connections}": (app + village, args.connections, [GZIP]),
                f"API list @{args.connections}": (
                    app + "/api/v1/notices",
                    args.connections,
                    [GZIP],
                ),
                f"PDF 304 @{args.connections}": (
                    app + pdf,
                    args.connections,
                    [f"If-None-Match: {etag}"],
                ),
                f"nginx static @{args.connections}": (static, args.connections, [GZIP]),
                f"notice page @{args.connections}, no cache": (
                    nocache + notice,
                    args.connections,
                    [GZIP],
                ),
                f"notice page @{args.few}, 2 workers": (app2 + notice, args.few, [GZIP]),
                f"village page @{args.few}, 2 workers": (app2 + village, args.few, [GZIP]),
                f"nginx static @{args.few}": (static, args.few, [GZIP]),
            }
            if not args.skip_flask_run:
                port = free_port()
                processes.append(start_flask_run(env, port))
                wait_for(f"http://127.0.0.1:{port}/healthz")
                targets[f"notice page @{args.connections}, flask run (before)"] = (
                    f"http://127.0.0.1:{port}{notice}",
                    args.connections,
                    [GZIP],
                )
            for url, _, headers in targets.values():  # warm every worker's caches
                wrk(url, 4, 1, headers)
            load_before = uptime()
            results: dict[str, list[dict]] = {name: [] for name in targets}
            for _ in range(args.runs):
                for name, (url, connections, headers) in targets.items():
                    results[name].append(wrk(url, connections, args.duration, headers))
            load_after = uptime()
        finally:
            for process in processes:
                stop(process)

    summary = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in results.items()
    }
    print(
        f"{args.database or 'demo data'}: notice {ids['notice']} ({ids['rows']} rows, "
        f"{len(page):,} bytes), village {ids['village']}; "
        f"{args.runs} run(s) of {args.duration} s, medians"
    )
    print(f"load before: {load_before}")
    print(f"load after:  {load_after}")
    print(f"{'target':<44}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'÷ nginx':>9}")
    for name, figures in summary.items():
        few = "2 workers" in name or name.endswith(f"@{args.few}")
        reference = summary[f"nginx static @{args.few if few else args.connections}"]["rps"]
        figures["ratio_to_nginx"] = figures["rps"] / reference if reference else 0.0
        print(
            f"{name:<44}{figures['rps']:>10.0f}{figures['p50']:>9.1f}{figures['p99']:>9.1f}"
            f"{figures['errors']:>8.0f}{figures['ratio_to_nginx']:>9.2f}"
        )
    print(json.dumps({"load_before": load_before, "load_after": load_after, "targets": summary}))
    return summary


if __name__ == "__main__":
    main()
