"""The queue that hands jobs to the job worker: huey.

huey because it is a kept, small library with two storages behind one API: SQLite (a file
beside the app's database, no server to run, the embedded default of `make run`) and Redis
(JOBS_REDIS_URL, for several app machines). RQ needs Redis even on one machine. The queue
only carries a job's id; its state, progress and result live in the app's database (models.py),
so that every web worker and machine shows the same page.
"""

import os

from huey import PriorityRedisHuey, SqliteHuey

from noticeboard.config import INSTANCE_DIR


def _make_queue():
    if url := os.environ.get("JOBS_REDIS_URL", "").strip():
        # The priority variant: a person's batch print goes before background renders.
        return PriorityRedisHuey("noticeboard", url=url)
    path = os.environ.get("JOBS_QUEUE_PATH") or str(INSTANCE_DIR / "jobs-queue.sqlite3")
    return SqliteHuey("noticeboard", filename=path)


huey = _make_queue()
