"""Flask extensions, created here and bound to the app in create_app."""

import os
import sqlite3

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from noticeboard.core import ratelimit_storage  # noqa: F401  (registers sqlite:// for limits)
from noticeboard.core.wal import database_file, start_checkpointer

# Deterministic constraint names, so Alembic migrations can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    @classmethod
    def __table_cls__(cls, *args, **kwargs) -> Table:
        # Ids are never handed out twice, also on SQLite (which reuses the highest id after a
        # delete unless a table says AUTOINCREMENT): an audit trail or a bookmark naming
        # case 64 must never lead to someone else's case 64. PostgreSQL sequences never reuse.
        return Table(*args, sqlite_autoincrement=True, **kwargs)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


# How long a writer waits for another process's transaction before giving up with "database is
# locked". Several gunicorn workers and the job worker share one SQLite file; the longest write
# (a batch print storing its PDFs) commits PDF by PDF, well under this.
SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "15000"))
# Pages the write-ahead log may hold before a commit copies them into the database file
# (SQLite's default: 1,000, about 4 MB). A case entered dirties about 40 pages, 20 of them
# the same tail pages of the tables and their ordered indexes as the case before; with
# 10,000 (about 40 MB) a checkpoint comes every ~240 cases instead of every ~24 and copies
# each such page once, with one sync of the file instead of ten: COMMIT went from about
# 1.2 to 0.8 ms a case at 100,000 cases. Reads are not slower (the log's index is hashed).
# Now the backstop: the thread below normally copies the log before a commit finds it full.
SQLITE_WAL_AUTOCHECKPOINT = int(os.environ.get("SQLITE_WAL_AUTOCHECKPOINT", "10000"))
# Seconds between the checkpoints a thread of each process makes (core/wal.py), so that
# commits only append to the log; 0 leaves checkpoints to the commits, as SQLite does.
SQLITE_CHECKPOINT_SECONDS = float(os.environ.get("SQLITE_CHECKPOINT_SECONDS", "0.5"))


@event.listens_for(Engine, "connect")
def _sqlite_settings(connection, _record) -> None:
    """The embedded SQLite database in write-ahead-log mode: readers never wait for the one
    writer, and a commit is a log append rather than two syncs of the whole file (entering a
    case spent 57 % of its time in COMMIT). NORMAL sync keeps the database consistent after a
    power loss; the last commits before it may be lost, as with any server's async commit.

    Several processes share the file (gunicorn's workers, the job worker): a writer waits up to
    the busy timeout for another's transaction instead of failing with "database is locked".
    The driver opens a transaction at the first INSERT/UPDATE/DELETE (its default, kept on
    purpose), so that wait happens there: a transaction that had read first could not wait
    once another process had committed since (its reads would be stale), and SQLite would
    refuse it at once (tests/ops/test_concurrent_writes.py). Two posts on one record at once
    are caught by the version checks and unique constraints (tests/hardening/test_double_clicks).
    """
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT}")
        cursor.close()
        start_checkpointer(database_file(connection), SQLITE_CHECKPOINT_SECONDS)
