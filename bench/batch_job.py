"""A county batch print as a background job, through the real job worker, with its progress.

Usage (from the repository root):

    python bench/scale.py --cases 40000 --keep /tmp/county.sqlite3 --requests 1 --rounds 1
    python bench/batch_job.py /tmp/county.sqlite3            # on a copy of it

`bench/scale.py --cases 40000` builds a county of 8 townships and 200 villages. This copies
that database, starts `flask jobs worker` on it (as `make run` does), queues a board-copy batch
print of the whole county as the county officer would from /staff/print, and prints the job's
progress (done/total, as its page shows it) every second until it is done. The last line is
a JSON summary (seconds, notices, MB).

The copy starts with no PDF stored. By default the worker first renders each notice's board
copy as it does when a notice is published (printing/prerender.py; here all at once on every
CPU, `flask notices prerender`, timed separately: in use it is the worker's background work,
spread over the days the notices were published), then the batch print is timed: it only
merges. `--cold` times the
batch print of a county whose PDFs were never rendered (every one rendered at the click).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database", type=Path, help="an SQLite database built by bench/scale.py")
    parser.add_argument("--paper", default="A4-portrait")
    parser.add_argument(
        "--cold", action="store_true", help="no PDF rendered before the batch print is queued"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="batch-bench-") as name:
        tmp = Path(name)
        copy = tmp / "county.sqlite3"
        shutil.copyfile(args.database, copy)
        os.environ.update(
            DATABASE_URL=f"sqlite:///{copy}",
            JOBS_QUEUE_PATH=str(tmp / "queue.sqlite3"),
            FLASK_APP="app",
        )
        from sqlalchemy import delete, select

        from noticeboard import create_app
        from noticeboard.extensions import db

        app = create_app()
        from noticeboard.accounts.models import Role, User
        from noticeboard.jobs.models import Job, JobStatus
        from noticeboard.printing.models import RenderedPdf
        from noticeboard.printing.services import start_batch_print
        from noticeboard.regions.models import Region, RegionLevel

        worker = subprocess.Popen(
            [BIN / "flask", "jobs", "worker"], cwd=ROOT, env=os.environ, start_new_session=True
        )
        try:
            with app.app_context():
                db.session.execute(delete(RenderedPdf))
                db.session.commit()
                officer = db.session.scalar(select(User).where(User.role == Role.COUNTY))
                county = db.session.scalar(select(Region).where(Region.level == RegionLevel.COUNTY))
                villages = len(
                    db.session.scalars(
                        select(Region.id).where(Region.level == RegionLevel.VILLAGE)
                    ).all()
                )
                prerender_s = None
                if not args.cold:
                    prerender_s = render_as_published(county)
                started = time.monotonic()
                job = start_batch_print(officer, county.id, args.paper, "merged")
                job_id = job.id
                print(f"queued job {job_id}: {job.title}, {villages} villages")
                while True:
                    time.sleep(1)
                    db.session.expire_all()
                    job = db.session.get(Job, job_id)
                    elapsed = time.monotonic() - started
                    print(f"{elapsed:6.1f} s  {job.status.label}  {job.done}/{job.total}")
                    if job.finished:
                        break
                if job.status != JobStatus.DONE:
                    raise SystemExit(f"job failed: {job.error}")
                size = len(job.result)
                notices = job.total
        finally:
            os.killpg(worker.pid, signal.SIGINT)
            worker.wait(60)
    summary = {
        "seconds": round(elapsed, 1),
        "villages": villages,
        "notices": notices,
        "rendered_before_s": prerender_s,
        "pdf_mb": round(size / 1e6, 1),
        "load": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return summary


def render_as_published(county) -> float:
    """Render and store each notice in force's board copy, as the worker did when each was
    published (here all at once, on every CPU: `flask notices prerender`); the seconds."""
    from noticeboard.printing.prerender import render_region

    started = time.monotonic()
    notices, rendered = render_region(county)
    elapsed = round(time.monotonic() - started, 1)
    print(f"{elapsed:6.1f} s  board copies rendered as published: {rendered} of {notices}")
    return elapsed


if __name__ == "__main__":
    main()
