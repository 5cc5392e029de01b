"""`flask jobs worker` (started by `make run`, or its own systemd unit) and `flask jobs purge`."""

import logging
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup

from noticeboard.jobs import services
from noticeboard.jobs.queue import huey

jobs_cli = AppGroup("jobs", help="后台任务 (background jobs).")
log = logging.getLogger(__name__)
PURGE_EVERY = 3600


@jobs_cli.command("worker")
@click.option("--threads", default=1, show_default=True, help="Jobs run at once.")
def worker(threads):
    """Run queued jobs until stopped (SIGINT/SIGTERM let the running job finish first)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = current_app._get_current_object()
    services.bind_worker_app(app)
    name = services.worker_name()
    if abandoned := services.fail_abandoned(name):
        log.warning("%s job(s) left running by a stopped worker marked failed", abandoned)

    def keep_beating() -> None:
        last_purge = 0.0
        while True:
            with app.app_context():
                try:
                    services.beat(name)
                    if time.monotonic() - last_purge > PURGE_EVERY:
                        services.purge_finished()
                        last_purge = time.monotonic()
                except Exception:
                    log.exception("job worker heartbeat failed")
            time.sleep(services.BEAT_EVERY)

    threading.Thread(target=keep_beating, daemon=True).start()
    # One job at a time by default: a batch print already keeps every CPU busy (printing/pool).
    huey.create_consumer(workers=threads, worker_type="thread").run()


@jobs_cli.command("purge")
def purge():
    """Forget finished jobs older than JOB_KEEP_HOURS (the worker also does it hourly)."""
    click.echo(f"{services.purge_finished()} finished job(s) forgotten")
