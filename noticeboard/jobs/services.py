"""Starting a job, running it in the worker with progress, retrying a failed one, and
forgetting finished ones after JOB_KEEP_HOURS."""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, select, update

from noticeboard.core.errors import DomainError, NotFound
from noticeboard.core.types import utcnow
from noticeboard.extensions import db
from noticeboard.jobs.models import Job, JobStatus, WorkerBeat
from noticeboard.jobs.queue import huey
from noticeboard.jobs.registry import HANDLERS
from noticeboard.regions.scope import scope_clause

log = logging.getLogger(__name__)
FAILED_UNEXPECTEDLY = "任务意外中断（系统错误，已记录）。请点“重试”；仍失败请联系管理员"
QUEUE_DOWN = "任务队列无法连接，任务未能开始。请稍后点“重试”"
# A progress bar needs no more than a few updates a second; each is a write to the database.
PROGRESS_EVERY = 0.5
# The worker says it is alive this often; /readyz wants to have heard of it within READY_WITHIN.
BEAT_EVERY = 5
READY_WITHIN = timedelta(seconds=30)

_app: Flask | None = None


def bind_worker_app(app: Flask) -> None:
    """The app the job worker's threads run jobs in (they have no app context of their own)."""
    global _app
    _app = app


def in_worker_app(work: Callable[[], None], name: str) -> None:
    """Run `work` in the worker's app, in a thread of its own with its own app context.

    Outside any request, as in the worker: huey's immediate mode (the tests) would otherwise
    run a task inside the form post that queued it, with that request's context and
    transaction (or inside a commit's after_commit hook, where the session may not be used).
    """
    app = _app or current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            work()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    thread.join()


# People wait for their jobs; background renders (printing/prerender.py) wait for them.
USER_JOB_PRIORITY = 10


@huey.task(context=False, priority=USER_JOB_PRIORITY)
def run_job(job_id: int) -> None:
    in_worker_app(lambda: execute(job_id), f"job-{job_id}")


def _commit_and_enqueue(job: Job) -> None:
    # The id is read before the commit: reading it after would open a new transaction that
    # stays open while the job runs (at once, in huey's immediate mode).
    job_id = job.id
    db.session.commit()
    try:
        run_job(job_id)
    except Exception:
        log.exception("could not queue job %s", job_id)
        _finish(job_id, JobStatus.FAILED, error=QUEUE_DOWN)


def submit(user, kind: str, params: dict, title: str, region) -> Job:
    """Queue a job for `user` about `region`; the worker runs it (tests: at once, huey's
    immediate mode). The handler checks `user`'s permissions again when it runs."""
    if kind not in HANDLERS:
        raise DomainError(f"未知的任务类型：{kind}")
    job = Job(kind=kind, params=params, title=title, user_id=user.id, region_id=region.id)
    db.session.add(job)
    db.session.flush()
    _commit_and_enqueue(job)
    return job


def job_for(user, job_id: int) -> Job:
    """A job about a region in `user`'s scope; another township's is NotFound."""
    job = db.session.scalar(
        select(Job).join(Job.region).where(Job.id == job_id, scope_clause(user))
    )
    if job is None:
        raise NotFound("未找到该任务")
    return job


def recent_jobs(user, kind: str, limit: int = 5) -> list[Job]:
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.user_id == user.id, Job.kind == kind)
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )


def retry(user, job_id: int) -> Job:
    """Run a failed job again with the same arguments."""
    job = job_for(user, job_id)
    if job.status != JobStatus.FAILED:
        raise DomainError("只有失败的任务可以重试")
    job.status, job.error, job.done, job.finished_at = JobStatus.QUEUED, None, 0, None
    _commit_and_enqueue(job)
    return job


def _progress_writer(job_id: int):
    """progress(done, total) for a handler: writes at most every PROGRESS_EVERY seconds, on a
    connection of its own (a handler's threads have no app context or session)."""
    engine = db.engine
    last = [0.0]
    lock = threading.Lock()

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        with lock:
            if done < total and now - last[0] < PROGRESS_EVERY:
                return
            last[0] = now
            with engine.begin() as connection:
                connection.execute(
                    update(Job).where(Job.id == job_id).values(done=done, total=total)
                )

    return progress


def _finish(job_id: int, status: JobStatus, error: str | None = None, result=None) -> None:
    db.session.rollback()
    values = {"status": status, "error": error, "finished_at": utcnow()}
    if result is not None:
        values.update(result_name=result.name, result_mimetype=result.mimetype, result=result.data)
    db.session.execute(update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


def execute(job_id: int) -> None:
    """Run one queued job to its end: done with a result, or failed with a message."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return  # forgotten, or delivered twice
    job.status, job.started_at, job.attempts = JobStatus.RUNNING, utcnow(), job.attempts + 1
    db.session.commit()
    handler, user, params = HANDLERS.get(job.kind), job.user, dict(job.params)
    try:
        if handler is None:
            raise DomainError(f"未知的任务类型：{job.kind}")
        result = handler(user, params, _progress_writer(job_id))
    except DomainError as error:
        _finish(job_id, JobStatus.FAILED, error=str(error))
    except Exception:
        # The traceback goes to the worker's log (redacted); the user reads what to do.
        log.exception("job %s (%s) failed", job_id, job.kind)
        _finish(job_id, JobStatus.FAILED, error=FAILED_UNEXPECTEDLY)
    else:
        _finish(job_id, JobStatus.DONE, result=result)


def keep_hours() -> int:
    return int(current_app.config["JOB_KEEP_HOURS"])


def purge_finished() -> int:
    """Forget jobs (and their files) finished more than JOB_KEEP_HOURS ago."""
    cutoff = utcnow() - timedelta(hours=keep_hours())
    deleted = db.session.execute(
        delete(Job).where(Job.finished_at.is_not(None), Job.finished_at < cutoff)
    ).rowcount
    db.session.commit()
    return deleted


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(name: str) -> None:
    """This worker is alive (and forget workers silent for a day)."""
    now = utcnow()
    db.session.merge(WorkerBeat(name=name, seen_at=now))
    db.session.execute(delete(WorkerBeat).where(WorkerBeat.seen_at < now - timedelta(days=1)))
    db.session.commit()


INTERRUPTED = "任务在进行中时工作进程停止了（重启或断电），任务未完成。请点“重试”"


def fail_abandoned(name: str) -> int:
    """At a worker's start: jobs left running by a worker that stopped mid-job fail, so that
    they can be retried, unless another worker is alive (it may be running them)."""
    others = select(WorkerBeat).where(
        WorkerBeat.name != name, WorkerBeat.seen_at >= utcnow() - READY_WITHIN
    )
    if db.session.scalars(others).first() is not None:
        return 0
    failed = db.session.execute(
        update(Job)
        .where(Job.status == JobStatus.RUNNING)
        .values(status=JobStatus.FAILED, error=INTERRUPTED, finished_at=utcnow())
    ).rowcount
    db.session.commit()
    return failed


def worker_alive() -> bool:
    latest = db.session.scalar(select(WorkerBeat.seen_at).order_by(WorkerBeat.seen_at.desc()))
    return latest is not None and utcnow() - latest <= READY_WITHIN
