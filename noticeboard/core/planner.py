"""The query planner's statistics (ANALYZE), refreshed when the tables have grown.

SQLite plans from the statistics the last ANALYZE left; without them (tables grown since,
or rebuilt by a migration) it guesses, and at 100,000 cases some guesses walk every case of
a program (bench/README.md). A deployment refreshes them at every start and daily
(`flask analyze`); an import adds thousands of cases at once, so it refreshes them too,
right after its commit. PostgreSQL's autovacuum analyzes a table after such a change by
itself.
"""

from sqlalchemy import text

from noticeboard.extensions import db

# Rows read per index when the statistics are refreshed after an import: the whole county
# in ~10 ms at 100,000 cases instead of ~1 s, close enough for choosing between indexes.
SAMPLED_ROWS = 1000


def refresh_statistics(sampled: bool = False) -> None:
    """ANALYZE the whole database; `sampled`: SQLite reads SAMPLED_ROWS of each index, and
    PostgreSQL is left to its autovacuum. Commits."""
    if sampled and db.engine.dialect.name != "sqlite":
        return
    # One transaction, so one pooled connection: the limit is the connection's setting and
    # is set back before the connection goes back to the pool.
    if sampled:
        db.session.execute(text(f"PRAGMA analysis_limit={SAMPLED_ROWS}"))
    try:
        db.session.execute(text("ANALYZE"))
    finally:
        if sampled:
            db.session.execute(text("PRAGMA analysis_limit=0"))
    db.session.commit()
