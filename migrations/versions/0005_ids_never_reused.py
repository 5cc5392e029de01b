"""ids are never reused on SQLite (AUTOINCREMENT)

SQLite hands out max(id) + 1, so after a delete the next record got the deleted one's id, and
the audit history of the deleted case showed under the new one. AUTOINCREMENT needs the
table to be rebuilt (batch mode copies rows, indexes and constraints). PostgreSQL's
sequences never reuse ids: nothing to do there.

Revision ID: 0005_ids_never_reused
Revises: 0004_notice_program_check
"""

from alembic import op

revision = "0005_ids_never_reused"
down_revision = "0004_notice_program_check"
branch_labels = None
depends_on = None

TABLES = (
    "regions",
    "users",
    "cases",
    "case_members",
    "audit_entries",
    "notices",
    "notice_entries",
    "objections",
    "rendered_pdfs",
)


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade():
    _rebuild(True)


def downgrade():
    _rebuild(False)
