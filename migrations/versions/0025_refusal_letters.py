"""cases.refusal_told_on: the day a refusal (不予确认) was told to the applicant in writing

The rules give the township 3 working days from the decision (《最低生活保障审核确认办法》
and 《特困人员认定办法》). Cases refused before this column existed are taken as
told on the day of their decision: the reason was required with the decision and given to
the household then, and nobody can say more now; leaving them empty would list every old
refusal as late.

Revision ID: 0025_refusal_letters
Revises: 0024_emergency_first
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_refusal_letters"
down_revision = "0024_emergency_first"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("refusal_told_on", sa.Date(), nullable=True))
    cases = sa.table(
        "cases",
        sa.column("status", sa.String),
        sa.column("decided_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
        sa.column("refusal_told_on", sa.Date),
    )
    # The decision's day in China (UTC+8), on either database.
    decided = sa.func.coalesce(cases.c.decided_at, cases.c.updated_at)
    if op.get_bind().dialect.name == "sqlite":
        day = sa.func.date(decided, "+8 hours")
    else:
        day = sa.cast(sa.func.timezone("Asia/Shanghai", decided), sa.Date)
    op.execute(cases.update().where(cases.c.status == "rejected").values(refusal_told_on=day))


def downgrade():
    with op.batch_alter_table("cases", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("refusal_told_on")
