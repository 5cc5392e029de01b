"""Several gunicorn workers (and the job worker) write to one SQLite file at once."""

import multiprocessing

from sqlalchemy import create_engine, func, select

from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel

WRITES = 150


def _writer(url: str, name: str, errors, start) -> None:
    """A worker process of its own: read, then write what the read decided, many times over,
    as a service checking a rule before an INSERT does."""
    from noticeboard import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        start.wait(60)  # both processes ready: they write at the same time
        for number in range(WRITES):
            try:
                seen = db.session.scalar(select(func.count(Region.id)))
                db.session.add(
                    Region(name=f"{name}{number}-{seen}", level=RegionLevel.COUNTY, path="/")
                )
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                errors.put(f"{name}: {error}")


def test_two_worker_processes_write_at_once_without_database_is_locked(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        # A file of its own: after the restore drill rewrote the session's file, two more
        # processes writing to it left the test process's next connections failing with
        # "disk I/O error" for the rest of the suite (seen only in the whole suite's order).
        url = f"sqlite:///{tmp_path / 'writers.sqlite3'}"
        engine = create_engine(url)
        db.metadata.create_all(engine)
        engine.dispose()
    context = multiprocessing.get_context("spawn")
    errors, start = context.Queue(), context.Barrier(2)
    workers = [
        context.Process(target=_writer, args=(url, name, errors, start)) for name in ("甲", "乙")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count(Region.id))) == 2 * WRITES
    engine.dispose()
