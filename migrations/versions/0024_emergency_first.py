"""cases.emergency_reason, paperwork_done_at, paperwork_done_by_id

An emergency 临时救助 may be paid first by the township with a reason (先行救助,
《社会救助暂行办法》Art. 48, 民发〔2018〕23号); its paperwork and approval are completed
afterwards, within a number of working days.

Revision ID: 0024_emergency_first
Revises: 0023_near_relatives
"""

import sqlalchemy as sa
from alembic import op

import noticeboard.core.types

revision = "0024_emergency_first"
down_revision = "0023_near_relatives"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table(
        "cases", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("emergency_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "paperwork_done_at",
                noticeboard.core.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("paperwork_done_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_paperwork_done_by_id_users"),
            "users",
            ["paperwork_done_by_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            "emergency_first_paid",
            "emergency_reason IS NULL OR (program = 'linshi' AND paid_on IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            "paperwork_after_emergency",
            "(paperwork_done_at IS NULL) = (paperwork_done_by_id IS NULL)"
            " AND (paperwork_done_at IS NULL OR emergency_reason IS NOT NULL)",
        )


def downgrade():
    with op.batch_alter_table(
        "cases", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint(op.f("ck_cases_paperwork_after_emergency"), type_="check")
        batch_op.drop_constraint(op.f("ck_cases_emergency_first_paid"), type_="check")
        batch_op.drop_constraint("fk_cases_paperwork_done_by_id_users", type_="foreignkey")
        batch_op.drop_column("paperwork_done_by_id")
        batch_op.drop_column("paperwork_done_at")
        batch_op.drop_column("emergency_reason")
