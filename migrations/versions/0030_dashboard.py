"""notices (kind, status, end_date) and (status, published_at): the dashboard's sections
and its latest lists read the notices they show, not every published notice of the county

A county's published notices are mostly roster versions (~80 KB of snapshots each): with
only the status index, the 工作台's count of notices in force read all of them (12 ms) and
the dashboard's ten latest lists sorted them all; with these, 1 ms each.

Revision ID: 0030_dashboard
Revises: 0029_statistics_indexes
"""

from alembic import op

revision = "0030_dashboard"
down_revision = "0029_statistics_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_notices_kind_status_end_date", "notices", ["kind", "status", "end_date"])
    op.create_index("ix_notices_status_published_at", "notices", ["status", "published_at"])


def downgrade():
    op.drop_index("ix_notices_status_published_at", table_name="notices")
    op.drop_index("ix_notices_kind_status_end_date", table_name="notices")
