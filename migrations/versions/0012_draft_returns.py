"""a draft sent back to its clerk (退回修改), with what to change

Revision ID: 0012_draft_returns
Revises: 0011_name_grams
"""

import sqlalchemy as sa
from alembic import op

from noticeboard.core.types import UTCDateTime

revision = "0012_draft_returns"
down_revision = "0011_name_grams"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("returned_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("returned_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("return_note", sa.String(length=500), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_notices_returned_by_id_users"), "users", ["returned_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("notices") as batch:
        batch.drop_constraint(batch.f("fk_notices_returned_by_id_users"), type_="foreignkey")
        batch.drop_column("return_note")
        batch.drop_column("returned_by_id")
        batch.drop_column("returned_at")
