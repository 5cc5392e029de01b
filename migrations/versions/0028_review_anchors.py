"""cases.last_reviewed_on and cases.review_anchor: the day a case's periodic review counts
from, kept on the row and indexed

A county's 定期核查 page counted and ordered its due reviews by computing, for each of its
73,000 roster cases, the latest review (a GROUP BY over case_reviews) and the anchor (a CASE
over four columns): 440 ms of SQL a request at 100,000 cases. With the anchor on the row, the
due cases are one range of ix_cases_review_anchor, read from the index alone.

Revision ID: 0028_review_anchors
Revises: 0027_case_scope_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_review_anchors"
down_revision = "0027_case_scope_indexes"
branch_labels = None
depends_on = None

# The Beijing day of a stored UTC timestamp, as core.dates.china_date writes it.
CHINA_DATE = {
    "sqlite": "date({}, '+8 hours')",
    "postgresql": "CAST(timezone('Asia/Shanghai', {}) AS DATE)",
}


def upgrade():
    op.add_column("cases", sa.Column("last_reviewed_on", sa.Date(), nullable=True))
    op.add_column("cases", sa.Column("review_anchor", sa.Date(), nullable=True))
    day = CHINA_DATE[op.get_bind().dialect.name]
    op.execute(
        "UPDATE cases SET last_reviewed_on ="
        " (SELECT max(reviewed_on) FROM case_reviews WHERE case_reviews.case_id = cases.id)"
    )
    op.execute(
        "UPDATE cases SET review_anchor = COALESCE(last_reviewed_on, "
        f"{day.format('decided_at')}, benefit_start, {day.format('created_at')})"
    )
    op.create_index(
        "ix_cases_review_anchor",
        "cases",
        ["review_anchor", "status", "program", "frequent_review", "village_id"],
    )


def downgrade():
    op.drop_index("ix_cases_review_anchor", table_name="cases")
    with op.batch_alter_table("cases", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("review_anchor")
        batch.drop_column("last_reviewed_on")
