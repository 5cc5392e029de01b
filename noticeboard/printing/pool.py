"""Warm worker processes that render PDFs for long notices and batch prints.

Starting a worker costs about 1.5 s (spawn, imports, fonts), as much as rendering 300
rows, so the workers are started once, on first use, and kept for the life of the
process (concurrent.futures stops them at exit). Each has its fonts loaded before its
first task.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

log = logging.getLogger(__name__)

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_ready: Future | None = None  # done once a worker has started and warmed up
_in_worker = False


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def in_worker() -> bool:
    """Whether this process is one of the pool's workers (which never start a pool)."""
    return _in_worker


def _exit_with_parent() -> None:
    # A worker keeps both ends of its task queue open, so it would wait for tasks forever
    # if this process died without stopping it (SIGTERM, SIGKILL): watch the parent.
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


def _warm_up() -> None:
    global _in_worker
    _in_worker = True
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    # Render a small notice so that WeasyPrint, the templates and the fonts are loaded
    # before the first task arrives.
    from .render import render_notice_pdf
    from .samples import sample_kwargs

    render_notice_pdf(**sample_kwargs(3), parallel=False)


def pool_size() -> int:
    """Worker processes: one per CPU besides this process's own, or PDF_POOL_WORKERS.

    gunicorn.conf.py sets it to 0 in the web workers (each would otherwise start a pool of
    its own): several web workers already keep the CPUs busy, and batch prints, which gain
    most from the pool, run in the job worker."""
    configured = os.environ.get("PDF_POOL_WORKERS", "").strip()
    if configured.isdigit():
        return int(configured)
    return max(1, cpu_count() - 1)


def _workers() -> ProcessPoolExecutor:
    global _pool, _ready
    with _lock:
        if _pool is None:
            # spawn, not fork: forking a threaded web server is unsafe.
            _pool = ProcessPoolExecutor(
                max_workers=pool_size(),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_up,
            )
            _ready = _pool.submit(os.getpid)
        return _pool


def workers_ready() -> bool:
    """Whether a warm worker is waiting; the first call starts the workers."""
    _workers()
    ready = _ready
    return ready is not None and ready.done() and ready.exception() is None


def _forget_inherited() -> None:
    # A process forked from this one (a pre-forking web server) shares none of the pool's
    # threads and pipes: it starts workers of its own when it needs them.
    global _lock, _pool, _ready
    _lock, _pool, _ready = threading.Lock(), None, None


os.register_at_fork(after_in_child=_forget_inherited)


def _forget(broken: ProcessPoolExecutor) -> None:
    global _pool, _ready
    with _lock:
        if _pool is broken:
            _pool, _ready = None, None
    broken.shutdown(wait=False, cancel_futures=True)


def map_shared(
    fn: Callable[[Any], Any],
    tasks: Sequence[Any],
    processes: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """``[fn(task) for task in tasks]`` on ``processes`` CPUs: this process and workers.

    Workers take tasks from the front of the list, this process from the back, so this
    process (fonts loaded already) keeps working while a worker starts and nobody waits
    at the end for more than one task. Each worker is fed by a thread of this process
    that waits for it, so it gets its next task as soon as it is done with one. ``fn``
    must be a module-level function and the tasks picklable. ``progress(done, total)``
    is called after each task, from the thread that finished it.
    """
    tasks = list(tasks)
    workers = min(processes - 1, pool_size(), len(tasks) - 1)
    finished = [0]
    lock = threading.Lock()

    def tell() -> None:
        if progress is not None:
            with lock:
                finished[0] += 1
                count = finished[0]
            progress(count, len(tasks))

    if workers <= 0:
        results = []
        for task in tasks:
            results.append(fn(task))
            tell()
        return results

    results: list[Any] = [None] * len(tasks)
    done = [False] * len(tasks)
    errors: list[BaseException] = []
    state = {"front": 0, "back": len(tasks), "stop": False}
    pool = _workers()

    def take(front: bool) -> int | None:
        with lock:
            if state["stop"] or state["front"] >= state["back"]:
                return None
            if front:
                state["front"] += 1
                return state["front"] - 1
            state["back"] -= 1
            return state["back"]

    def feed() -> None:
        while (index := take(front=True)) is not None:
            try:
                results[index] = pool.submit(fn, tasks[index]).result()
                done[index] = True
                tell()
            except BrokenProcessPool:
                # A worker died (killed, out of memory): this process renders what is left.
                log.warning("PDF worker pool broken; rendering in this process")
                _forget(pool)
                return
            except BaseException as error:  # re-raised in the calling thread
                errors.append(error)
                with lock:
                    state["stop"] = True
                return

    feeders = [threading.Thread(target=feed, daemon=True) for _ in range(workers)]
    for feeder in feeders:
        feeder.start()
    try:
        while (index := take(front=False)) is not None:
            results[index] = fn(tasks[index])
            done[index] = True
            tell()
    except BaseException:
        with lock:
            state["stop"] = True
        raise
    finally:
        for feeder in feeders:
            feeder.join()
    if errors:
        raise errors[0]
    for index, task in enumerate(tasks):
        if not done[index]:
            results[index] = fn(task)
            tell()
    return results
