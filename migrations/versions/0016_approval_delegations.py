"""approval_delegations: who confirms a county's 低保 and 特困 cases; cases.decided_under

A county may delegate 审核确认 to its townships (《最低生活保障审核确认办法》Art. 2,
《特困人员认定办法》Art. 28). No row: the county confirms, as before. Each decision records
under which choice it was made.

Revision ID: 0016_approval_delegations
Revises: 0015_holiday_years
"""

import sqlalchemy as sa
from alembic import op

import noticeboard.core.types

revision = "0016_approval_delegations"
down_revision = "0015_holiday_years"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "approval_delegations",
        sa.Column("county_id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=10), nullable=False),
        sa.Column("confirmer", sa.String(length=10), nullable=False),
        sa.Column("updated_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "program IN ('dibao', 'tekun')", name=op.f("ck_approval_delegations_program_known")
        ),
        sa.CheckConstraint(
            "confirmer IN ('county', 'township')",
            name=op.f("ck_approval_delegations_confirmer_known"),
        ),
        sa.ForeignKeyConstraint(
            ["county_id"], ["regions.id"], name=op.f("fk_approval_delegations_county_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_approval_delegations_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("county_id", "program", name=op.f("pk_approval_delegations")),
    )
    # The CHECK makes SQLite copy the table: keep its AUTOINCREMENT (ids never reused, 0005).
    with op.batch_alter_table("cases", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("decided_under", sa.String(length=10), nullable=True))
        batch.create_check_constraint(
            batch.f("ck_cases_decided_under_known"),
            "decided_under IS NULL OR decided_under IN ('county', 'township')",
        )


def downgrade():
    with op.batch_alter_table("cases", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(batch.f("ck_cases_decided_under_known"), type_="check")
        batch.drop_column("decided_under")
    op.drop_table("approval_delegations")
