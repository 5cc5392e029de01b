"""when a case closed (terminated or rejected) and when its personal data was erased

The closing time of cases closed before this migration comes from the audit log (the last
终止 or 不予确认 entry), else from the decision or the last change.

Revision ID: 0020_retention
Revises: 0019_encrypted_identifiers
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_retention"
down_revision = "0019_encrypted_identifiers"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_cases_closed_at", ["closed_at"], unique=False)
    op.execute(
        """
        UPDATE cases SET closed_at = COALESCE(
            (SELECT max(a.at) FROM audit_entries a
              WHERE a.entity_type = 'case' AND a.entity_id = cases.id
                AND a.action IN ('terminate', 'reject')),
            CASE WHEN status = 'rejected' THEN decided_at END,
            updated_at)
        WHERE status IN ('terminated', 'rejected')
        """
    )


def downgrade():
    with op.batch_alter_table("cases", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_index("ix_cases_closed_at")
        batch.drop_column("erased_at")
        batch.drop_column("closed_at")
