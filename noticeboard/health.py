"""/healthz and /readyz for a load balancer, systemd or a container orchestrator.

/healthz: the process answers (restart it if not). /readyz: it can serve: the database
answers, its schema is at the newest migration, the CJK fonts PDFs need are there and a job
worker has been heard from; 503 and the failing checks otherwise (take it out of rotation).
Neither reads the session or sets a cookie, and neither may be cached.
"""

from functools import cache
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from noticeboard.extensions import db
from noticeboard.jobs.services import worker_alive
from noticeboard.printing.fonts import SANS_FAMILY, SERIF_FAMILY, find_face

bp = Blueprint("health", __name__)


def _answer(payload: dict, status: int = 200):
    response = jsonify(payload)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
def healthz():
    return _answer({"status": "ok"})


@cache
def _head_revision(directory: str) -> str | None:
    """The newest migration shipped with this code (read once: it cannot change while running)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", directory)
    return ScriptDirectory.from_config(config).get_current_head()


def _migrations_at_head() -> bool:
    directory = str(Path(current_app.root_path).parent / "migrations")
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == _head_revision(directory)


def readiness() -> dict[str, bool]:
    checks: dict[str, bool] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = True
    except Exception:
        db.session.rollback()
        current_app.logger.exception("readyz: database unreachable")
        return {"database": False, "migrations": False, "fonts": False, "job_worker": False}
    checks["migrations"] = _migrations_at_head()
    checks["fonts"] = all(find_face(family) for family in (SERIF_FAMILY, SANS_FAMILY))
    checks["job_worker"] = worker_alive()
    return checks


@bp.route("/readyz")
def readyz():
    checks = readiness()
    ready = all(checks.values())
    return _answer(
        {"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503
    )
