"""uploaded spreadsheets of cases (案件导入)

The file is kept as uploaded (bytes and SHA-256), so a reviewer confirms exactly what the
clerk checked, and the same file cannot be imported twice.

Revision ID: 0013_imports
Revises: 0012_draft_returns
"""

import sqlalchemy as sa
from alembic import op

import noticeboard.core.types

revision = "0013_imports"
down_revision = "0012_draft_returns"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("township_id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=10), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "imported_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("cases_created", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "program IN ('dibao', 'tekun', 'linshi')", name=op.f("ck_case_imports_program_known")
        ),
        sa.CheckConstraint(
            "purpose IN ('active', 'new')", name=op.f("ck_case_imports_purpose_known")
        ),
        sa.CheckConstraint(
            "(imported_at IS NULL) = (imported_by_id IS NULL)",
            name=op.f("ck_case_imports_imported_has_user"),
        ),
        sa.ForeignKeyConstraint(
            ["township_id"], ["regions.id"], name=op.f("fk_case_imports_township_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_case_imports_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_case_imports_imported_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_imports")),
        sa.UniqueConstraint("sha256", name=op.f("uq_case_imports_sha256")),
    )
    op.create_index(
        op.f("ix_case_imports_township_id"), "case_imports", ["township_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_case_imports_township_id"), table_name="case_imports")
    op.drop_table("case_imports")
