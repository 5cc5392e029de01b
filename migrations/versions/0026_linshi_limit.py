"""regions.linshi_township_limit: the largest 临时救助 a county's townships approve

民发〔2018〕23号 lets the township approve small 临时救助 amounts and leaves larger ones to
the county, at an amount the county sets. NULL (every county now): the townships approve
every 临时救助, as before. A 临时救助 above it waits for the county's approval, recorded in
the cases' existing decided_at / decided_by_id / decided_under columns.

Revision ID: 0026_linshi_limit
Revises: 0025_refusal_letters
"""

import sqlalchemy as sa
from alembic import op

import noticeboard.core.types

revision = "0026_linshi_limit"
down_revision = "0025_refusal_letters"
branch_labels = None
depends_on = None


def upgrade():
    # SQLite recreates the table: keep its AUTOINCREMENT (ids never reused, 0005).
    with op.batch_alter_table(
        "regions", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(
            sa.Column(
                "linshi_township_limit",
                noticeboard.core.types.Money(precision=12, scale=2),
                nullable=True,
            )
        )
        batch_op.create_check_constraint(
            "linshi_limit_of_a_county",
            "linshi_township_limit IS NULL OR (level = 'county' AND linshi_township_limit > 0)",
        )


def downgrade():
    with op.batch_alter_table(
        "regions", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint(op.f("ck_regions_linshi_limit_of_a_county"), type_="check")
        batch_op.drop_column("linshi_township_limit")
