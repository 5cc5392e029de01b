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
