"""The SQLite log is copied into the database file by a thread (core/wal.py), not by the
commit that finds it full."""

import os
import sqlite3
import time

from sqlalchemy import text

from noticeboard import create_app
from noticeboard.core import wal
from noticeboard.extensions import SQLITE_CHECKPOINT_SECONDS, db


def _wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_the_thread_copies_what_commits_left_in_the_log_and_ends_with_the_file(tmp_path):
    path = tmp_path / "log.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # no commit copies the log
    writer.execute("CREATE TABLE t (x BLOB)")
    for _ in range(200):
        writer.execute("INSERT INTO t VALUES (randomblob(8000))")
    written = os.path.getsize(f"{path}-wal")
    assert written > 1_500_000
    assert os.path.getsize(path) < 100_000  # all of it still in the log

    thread = wal.start_checkpointer(str(path), 0.05)
    assert wal.start_checkpointer(str(path), 0.05) is thread  # one per file and process
    assert _wait_for(lambda: os.path.getsize(path) > 1_500_000)
    assert writer.execute("SELECT count(*) FROM t").fetchone() == (200,)

    writer.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.remove(f"{path}{suffix}")
    thread.join(5)
    assert not thread.is_alive()
    assert not path.exists()  # ending, it did not create the file again


def test_the_app_starts_one_for_its_database_file(tmp_path):
    assert SQLITE_CHECKPOINT_SECONDS > 0  # on by default
    path = tmp_path / "app.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": True})
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        thread = wal._running.get((os.getpid(), str(path)))
        assert thread is not None and thread.is_alive() and thread.daemon
        db.session.remove()
        db.engine.dispose()


def test_a_database_in_memory_has_none():
    connection = sqlite3.connect(":memory:")
    assert wal.database_file(connection) == ""
    assert wal.start_checkpointer("", 0.5) is None
