"""The SQLite write-ahead log copied into the database file by a thread of each process,
rather than by whichever commit finds the log full.

SQLite lets the commit that pushes the log past `wal_autocheckpoint` pages copy the whole
log into the database file: every ~240 cases entered, one clerk's save also wrote ~40 MB,
and entering cases one by one ran at 212–356 a second depending on whether a 200-case
window held such a checkpoint (337–361 without one). Here a thread checkpoints every
SQLITE_CHECKPOINT_SECONDS, PASSIVE (it never waits for readers or writers; what it cannot
copy yet, the next round does), on a connection of its own and outside the GIL, so commits
only append to the log. `wal_autocheckpoint` stays as the backstop: if the thread falls
behind, a commit copies what is left, as before.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time

log = logging.getLogger(__name__)

_lock = threading.Lock()
_running: dict[tuple[int, str], threading.Thread] = {}


def database_file(connection: sqlite3.Connection) -> str:
    """Path of the connection's main database file; empty for one in memory."""
    for _seq, name, path in connection.execute("PRAGMA database_list"):
        if name == "main":
            return path or ""
    return ""


def start_checkpointer(path: str, seconds: float) -> threading.Thread | None:
    """Start this process's checkpointing thread for the database at `path`, once; it ends
    when the file is gone (a test's database, a restored copy moved away)."""
    if not path or seconds <= 0:
        return None
    key = (os.getpid(), path)  # a forked worker starts its own: threads are not inherited
    with _lock:
        thread = _running.get(key)
        if thread is not None and thread.is_alive():
            return thread
        thread = threading.Thread(
            target=_checkpoint_loop, args=(path, seconds), name="sqlite-checkpoint", daemon=True
        )
        _running[key] = thread
        thread.start()
        return thread


def _checkpoint_loop(path: str, seconds: float) -> None:
    if not os.path.exists(path):
        return  # connecting would create an empty database there
    connection = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
    try:
        while True:
            time.sleep(seconds)
            if not os.path.exists(path):
                return
            try:
                # NORMAL: one sync of the file per checkpoint, as the commits' own checkpoints.
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as error:
                # Busy with another process's checkpoint, or a schema change under way: the
                # next round (or a commit, past wal_autocheckpoint) copies the log.
                log.debug("checkpoint of %s skipped: %s", path, error)
    finally:
        connection.close()
