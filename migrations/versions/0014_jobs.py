"""background jobs and their workers' heartbeats

Batch prints (and later Excel imports) run in the job worker; their state, progress and
result file live here so that every web worker shows the same progress page.

Revision ID: 0014_jobs
Revises: 0013_imports
"""

import sqlalchemy as sa
from alembic import op

import noticeboard.core.types

revision = "0014_jobs"
down_revision = "0013_imports"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("result_name", sa.String(length=200), nullable=True),
        sa.Column("result_mimetype", sa.String(length=100), nullable=True),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_jobs_status_known")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_jobs_user_id_users")),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_jobs_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("jobs") as batch:
        batch.create_index(batch.f("ix_jobs_user_id"), ["user_id"], unique=False)
        batch.create_index(batch.f("ix_jobs_region_id"), ["region_id"], unique=False)
        batch.create_index(batch.f("ix_jobs_finished_at"), ["finished_at"], unique=False)
    op.create_table(
        "job_workers",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("seen_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_workers")),
        sqlite_autoincrement=True,
    )


def downgrade():
    op.drop_table("job_workers")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index(batch.f("ix_jobs_finished_at"))
        batch.drop_index(batch.f("ix_jobs_user_id"))
        batch.drop_index(batch.f("ix_jobs_region_id"))
    op.drop_table("jobs")
