"""near_relatives and home_visits; regions.near_relative_column

Applicants who are near relatives of social-assistance staff or village/community committee
members are registered separately (近亲属备案, 《最低生活保障审核确认办法》Art. 11) and
visited by the county before a decision (入户核查, Art. 20). A county chooses where its
notices show the 近亲属备案 column (NULL: on the printed board only).

Revision ID: 0023_near_relatives
Revises: 0022_termination_notices
"""

import sqlalchemy as sa
from alembic import op

import noticeboard.core.types

revision = "0023_near_relatives"
down_revision = "0022_termination_notices"
branch_labels = None
depends_on = None

RELATIONS = ("配偶", "父母", "子女", "兄弟姐妹", "祖父母", "外祖父母", "孙子女", "外孙子女")


def upgrade():
    op.create_table(
        "near_relatives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_name", sa.String(length=80), nullable=False),
        sa.Column("staff_name", sa.String(length=80), nullable=False),
        sa.Column("post", sa.String(length=10), nullable=False),
        sa.Column("workplace", sa.String(length=60), nullable=False),
        sa.Column("relation", sa.String(length=10), nullable=False),
        sa.Column("created_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "post IN ('staff', 'committee')", name=op.f("ck_near_relatives_post_known")
        ),
        sa.CheckConstraint(
            "relation IN (" + ", ".join(f"'{r}'" for r in RELATIONS) + ")",
            name=op.f("ck_near_relatives_relation_known"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_near_relatives_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_near_relatives_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_near_relatives")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("near_relatives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_near_relatives_case_id"), ["case_id"], unique=False)

    op.create_table(
        "home_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visitors", sa.String(length=100), nullable=False),
        sa.Column("finding", sa.String(length=500), nullable=False),
        sa.Column("created_at", noticeboard.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_home_visits_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_home_visits_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_visits")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("home_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_home_visits_case_id"), ["case_id"], unique=False)

    # SQLite recreates the table: keep its AUTOINCREMENT (ids never reused, 0005).
    with op.batch_alter_table(
        "regions", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("near_relative_column", sa.String(length=10), nullable=True))
        batch_op.create_check_constraint(
            "near_relative_column_known",
            "near_relative_column IS NULL OR near_relative_column IN "
            "('board', 'online', 'both', 'none')",
        )


def downgrade():
    # SQLite recreates the table: keep its AUTOINCREMENT (ids never reused, 0005).
    with op.batch_alter_table(
        "regions", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint(op.f("ck_regions_near_relative_column_known"), type_="check")
        batch_op.drop_column("near_relative_column")
    op.drop_table("home_visits")
    op.drop_table("near_relatives")
