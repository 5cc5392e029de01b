"""A page's independent reads run side by side, on the machine's second CPU.

A county's statistics add up some 75,000 benefit periods twice (the month's table and the
12-month trend), and each sum is a long step inside the database driver: SQLite and
PostgreSQL's driver let go of Python's lock while they work, so two threads really do run
at once. A read started here runs in a thread of its own with the app's context and a
session (and so a connection) of its own: it sees what is committed, as a read of the
request's own session does on PostgreSQL, and nothing the request has not committed.

Arguments cross threads: pass ids and plain values, never objects of the request's session.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from flask import current_app

T = TypeVar("T")

_lock = threading.Lock()
_threads: ThreadPoolExecutor | None = None
_pid: int | None = None
_here = threading.local()  # .inside: this thread runs a read alongside


def _executor() -> ThreadPoolExecutor:
    """The process's threads, made on first use (and again in a forked child, which does
    not inherit them)."""
    global _threads, _pid
    with _lock:
        if _threads is None or _pid != os.getpid():
            _threads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="alongside")
            _pid = os.getpid()
        return _threads


def alongside(func: Callable[..., T], *args) -> Callable[[], T]:
    """Start `func(*args)` in another thread; the function returned waits for its result
    (and raises what it raised)."""
    if getattr(_here, "inside", False):
        # Started by a read alongside: run here, so that no thread of the pool ever waits
        # for another that may find the pool full.
        done: Future[T] = Future()
        try:
            done.set_result(func(*args))
        except Exception as error:
            done.set_exception(error)
        return done.result
    app = current_app._get_current_object()

    def run() -> T:
        _here.inside = True
        with app.app_context():  # its session is removed when the context ends
            return func(*args)

    return _executor().submit(run).result
