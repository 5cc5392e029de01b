"""holiday_years: a year's official holidays and adjusted working days, entered by an administrator

chinese-calendar carries each year only once a release follows the State Council's notice
(published around December); until then the administrator enters it, and it overrides the
package for that year.

Revision ID: 0015_holiday_years
Revises: 0014_jobs
"""

import sqlalchemy as sa
from alembic import op

import noticeboard.core.types

revision = "0015_holiday_years"
down_revision = "0014_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "holiday_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("workdays", sa.JSON(), nullable=False),
        sa.Column("updated_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_holiday_years_year_sane")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_holiday_years_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_holiday_years")),
    )


def downgrade():
    op.drop_table("holiday_years")
