"""Real servers for the tests of serving: gunicorn as scripts/serve.sh starts it (on a fresh
SQLite database built by the migrations), and Debian's redis-server, each on a free port in a
temp directory, stopped at the end."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, opener=None) -> tuple[int, bytes]:
    try:
        with (opener.open if opener else urllib.request.urlopen)(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until(check, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError("server did not come up")


def app_env(tmp: Path, **extra: str) -> dict:
    """The environment of a served app on a fresh database in `tmp`."""
    env = {
        **os.environ,
        "FLASK_APP": "app",
        "DATABASE_URL": f"sqlite:///{tmp / 'app.sqlite3'}",
        "JOBS_QUEUE_PATH": str(tmp / "queue.sqlite3"),
        "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp / 'limits.sqlite3'}",
        "SECRET_KEY": "served-test-secret",
        "WEB_BIND": f"127.0.0.1:{free_port()}",
        **extra,
    }
    env.pop("TEST_DATABASE_URL", None)
    subprocess.run([BIN / "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    return env


def flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "flask", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )


@contextmanager
def serving(env: dict, command: list):
    """Run `command` (serve.sh, or gunicorn alone) until /healthz answers; Ctrl-C at the end."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://{env['WEB_BIND']}"
    try:
        wait_until(lambda: get(base + "/healthz")[0] == 200)
        yield base, process
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
        try:
            # Longer than gunicorn's graceful_timeout (30 s, gunicorn.conf.py): its master may
            # wait that long for a worker's requests in flight before it exits; on a loaded
            # machine a 30 s wait lost that race now and then. A real hang still fails.
            process.wait(45)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def gunicorn(workers: int = 2) -> list:
    return [BIN / "gunicorn", "--config", "gunicorn.conf.py", "--workers", str(workers), "app:app"]


@contextmanager
def redis_server(tmp: Path):
    """Debian's redis-server, on a free port, keeping nothing on disk."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    import redis

    client = redis.Redis(port=port)
    try:
        wait_until(client.ping, 20)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(10)
