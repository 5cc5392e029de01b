"""resident IDs also stored backwards, for indexed search by their last digits

Clerks search by the last 4-6 digits of an ID. A LIKE '%123X' reads every row; the same
digits as a prefix of the reversed ID are an index range.

Revision ID: 0009_reversed_ids
Revises: 0008_user_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_reversed_ids"
down_revision = "0008_user_sessions"
branch_labels = None
depends_on = None

# (table, ID column, reversed column)
COLUMNS = (
    ("cases", "applicant_id_number", "applicant_id_reversed"),
    ("case_members", "id_number", "id_number_reversed"),
)


def upgrade():
    bind = op.get_bind()
    for table, column, reversed_column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(reversed_column, sa.String(length=18), nullable=True))
            batch.create_index(f"ix_{table}_{reversed_column}", [reversed_column], unique=False)
        rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table}")).all()
        if rows:
            bind.execute(
                sa.text(f"UPDATE {table} SET {reversed_column} = :backwards WHERE id = :id"),
                [{"id": row_id, "backwards": value[::-1]} for row_id, value in rows],
            )


def downgrade():
    for table, _, reversed_column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_{reversed_column}")
            batch.drop_column(reversed_column)
