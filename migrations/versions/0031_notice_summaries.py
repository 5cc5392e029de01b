"""notices.summary_online: what lists show of a notice (title, place, dates, issuer), kept
beside its online snapshot

Lists read these fields out of each snapshot in SQL. PostgreSQL parsed the whole snapshot
(up to ~80 KB for a roster) once per field: 80 ms for an API page of 100 notices, and the
township feed as much, at 100,000 cases. Published notices get theirs from their snapshot
here, as notices.snapshots.summary_text writes it when a notice is published.

Revision ID: 0031_notice_summaries
Revises: 0030_dashboard
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0031_notice_summaries"
down_revision = "0030_dashboard"
branch_labels = None
depends_on = None

# As notices.snapshots.SUMMARY_KEYS and canonical_json (a migration does not import the app).
SUMMARY_KEYS = ("kind", "program", "title", "region", "period", "month", "issued_on", "issuer")
BATCH = 500


def _summary(snapshot_text: str) -> str:
    snapshot = json.loads(snapshot_text)
    summary = {key: snapshot.get(key) for key in SUMMARY_KEYS}
    return json.dumps(summary, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def upgrade():
    op.add_column("notices", sa.Column("summary_online", sa.Text(), nullable=True))
    connection = op.get_bind()
    notices = sa.table(
        "notices",
        sa.column("id", sa.Integer),
        sa.column("snapshot_online", sa.Text),
        sa.column("summary_online", sa.Text),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(notices.c.id, notices.c.snapshot_online)
            .where(notices.c.id > last, notices.c.snapshot_online.is_not(None))
            .order_by(notices.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            notices.update()
            .where(notices.c.id == sa.bindparam("b_id"))
            .values(summary_online=sa.bindparam("b_summary")),
            [{"b_id": i, "b_summary": _summary(text)} for i, text in rows],
        )
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("summary_online")
