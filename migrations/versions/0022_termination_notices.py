"""termination notices (终止公示): terminations waiting for their notice; a county's 低保 choice

《特困人员认定办法》Art. 26: a 特困 termination is posted for 7 days before it takes effect;
for 低保 the county chooses (no row in termination_settings: immediate termination with a
written reason, as before). notices.kind gains 'termination'.

Revision ID: 0022_termination_notices
Revises: 0021_data_access_log
"""

import sqlalchemy as sa
from alembic import op

import noticeboard.core.types

revision = "0022_termination_notices"
down_revision = "0021_data_access_log"
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('pre_approval', 'roster', 'linshi_list')"
TERMINATION_NOTICES = "SELECT id FROM notices WHERE kind = 'termination'"
KINDS_AFTER = "kind IN ('pre_approval', 'roster', 'linshi_list', 'termination')"


def _notice_kinds(check: str) -> None:
    # The CHECK makes SQLite copy the table: keep its AUTOINCREMENT (ids never reused, 0005).
    with op.batch_alter_table("notices", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(batch.f("ck_notices_kind_known"), type_="check")
        batch.create_check_constraint(batch.f("ck_notices_kind_known"), check)


def upgrade():
    _notice_kinds(KINDS_AFTER)
    op.create_table(
        "termination_settings",
        sa.Column("county_id", sa.Integer(), nullable=False),
        sa.Column("dibao", sa.String(length=10), nullable=False),
        sa.Column("updated_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "dibao IN ('immediate', 'notice')", name=op.f("ck_termination_settings_dibao_known")
        ),
        sa.ForeignKeyConstraint(
            ["county_id"], ["regions.id"], name=op.f("fk_termination_settings_county_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_termination_settings_updated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("county_id", name=op.f("pk_termination_settings")),
    )
    op.create_table(
        "terminations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("decided_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_under", sa.String(length=10), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "(outcome IS NULL) = (decided_at IS NULL)",
            name=op.f("ck_terminations_decided_has_outcome"),
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('confirmed', 'dropped')",
            name=op.f("ck_terminations_outcome_known"),
        ),
        sa.CheckConstraint(
            "decided_under IS NULL OR decided_under IN ('county', 'township')",
            name=op.f("ck_terminations_decided_under_known"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_terminations_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_terminations_notice_id_notices")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name=op.f("fk_terminations_proposed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_terminations_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terminations")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_terminations_notice_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_terminations_case_id"), "terminations", ["case_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_terminations_case_id"), table_name="terminations")
    op.drop_table("terminations")
    op.drop_table("termination_settings")
    # The kind is gone before: its notices go with what hangs on them.
    for child in ("notice_entries", "objections", "rendered_pdfs"):
        op.execute(f"DELETE FROM {child} WHERE notice_id IN ({TERMINATION_NOTICES})")
    op.execute(f"DELETE FROM notices WHERE id IN ({TERMINATION_NOTICES})")
    _notice_kinds(KINDS_BEFORE)
