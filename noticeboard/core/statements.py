"""Plain statements (rows in, rows out, no objects) run on the session's connection.

Through `Session.execute` such a statement costs about twice what it costs on the
connection: the ORM's execution path (options, events, bind lookup, result wrapping) runs
for a statement that has no objects to load. Entering a case runs several of them, and
entering cases one by one is where that showed (bench/README.md).

The session's pending changes are written first when it flushes on its own (autoflush),
as `Session.execute` does before an ORM query: a read sees them, and a service's first
write stays its own change, not the statement run here.
"""

from sqlalchemy import Executable
from sqlalchemy.engine import CursorResult

from noticeboard.extensions import db


def execute(statement: Executable, params: dict | list[dict] | None = None) -> CursorResult:
    session = db.session
    if session.autoflush:
        session.flush()  # returns at once when nothing is pending
    return session.connection().execute(statement, params)


def commit_keeping_loaded() -> None:
    """COMMIT, leaving what the session holds loaded instead of expired.

    A commit normally expires every object in the session, so the next read of any of
    them goes back to the database. For a service that has just written a new row whose
    values it set itself (no database default or trigger changes them), that only costs:
    entering a case expired the request's user and the township's ~25 villages along with
    the case (8 % of its time), and the form's redirect and 已保存 message then read the
    case back. What stays loaded is what this request wrote or read; the session ends with
    the request (Flask-SQLAlchemy removes it), so no later request sees it. A query does
    not overwrite an object it finds loaded, so a caller that goes on after this commit
    and needs another writer's changes reads them with `populate_existing`."""
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring
