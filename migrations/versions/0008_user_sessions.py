"""users.session_generation: logging out, a new password or disabling ends every session

A session carries the generation of its account at login; raising the number refuses every
older session, including a cookie copied before logout.

Revision ID: 0008_user_sessions
Revises: 0007_case_changes
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_user_sessions"
down_revision = "0007_case_changes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")
