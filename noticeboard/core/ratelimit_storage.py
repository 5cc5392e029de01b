"""Rate-limit counters in an SQLite file: the embedded default of RATELIMIT_STORAGE_URI.

Flask-Limiter's `memory://` keeps counts inside one process, so under gunicorn each worker
would count on its own: with two workers an address would get twice the login attempts it is
allowed, and which ones depended on the worker it reached. A small SQLite file (beside the
database, in instance/) is shared by every process of the machine; several machines share a
Redis instead (`RATELIMIT_STORAGE_URI=redis://…`, docs/deploy.md).

Registered with the `limits` library as the `sqlite:///path` scheme; fixed windows only (the
strategy Flask-Limiter uses by default, and the one this app configures).
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time

from limits.storage import Storage

# Expired counters are deleted now and then, on about one write in this many.
PURGE_ONE_IN = 200


class SQLiteStorage(Storage):
    STORAGE_SCHEME = ["sqlite"]  # noqa: RUF012  (the limits library's class attribute)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        # sqlite:////abs/path or sqlite:///relative/path, as SQLAlchemy writes them.
        self.path = (uri or "").removeprefix("sqlite:///") or ":memory:"
        self._local = threading.local()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        with self._db() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS counters"
                " (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"
            )

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        """This thread's connection; a forked worker opens its own."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            local.connection, local.pid = connection, os.getpid()
        return local.connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        connection = self._db()
        # IMMEDIATE: read and write the counter under the write lock, so that two workers
        # counting at once both count.
        connection.execute("BEGIN IMMEDIATE")
        try:
            row = connection.execute(
                "SELECT count, expires FROM counters WHERE key = ?", (key,)
            ).fetchone()
            if row is None or row[1] <= now:
                count, expires = amount, now + expiry
            else:
                count, expires = row[0] + amount, row[1]
            connection.execute(
                "INSERT OR REPLACE INTO counters (key, count, expires) VALUES (?, ?, ?)",
                (key, count, expires),
            )
            if random.randrange(PURGE_ONE_IN) == 0:
                connection.execute("DELETE FROM counters WHERE expires <= ?", (now,))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return count

    def get(self, key: str) -> int:
        row = (
            self._db()
            .execute("SELECT count FROM counters WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._db().execute("SELECT expires FROM counters WHERE key = ?", (key,)).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM counters WHERE key = ?", (key,))
