"""benefit periods: the history of what each 低保/特困 case was paid, for statistics

Backfilled from the cases as they stand: an approved or active case is paid from its
benefit_start on; a terminated one through the month it was terminated in (its last
change, updated_at, Beijing time: nothing edits a terminated case). Earlier amounts of a
case were never kept, so a backfilled period carries today's amount for its whole length.

Revision ID: 0017_statistics
Revises: 0016_approval_delegations
"""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0017_statistics"
down_revision = "0016_approval_delegations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "benefit_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=10), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("first_month", sa.Integer(), nullable=False),
        sa.Column("end_month", sa.Integer(), nullable=True),
        sa.Column("ended_by", sa.String(length=12), nullable=True),
        sa.Column("starts_case", sa.Boolean(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("tekun_mode", sa.String(length=12), nullable=True),
        sa.Column("self_care", sa.String(length=10), nullable=True),
        sa.CheckConstraint(
            "end_month IS NULL OR end_month > first_month",
            name=op.f("ck_benefit_periods_months_ordered"),
        ),
        sa.CheckConstraint(
            "persons >= 1 AND amount_fen > 0", name=op.f("ck_benefit_periods_positive")
        ),
        sa.CheckConstraint(
            "ended_by IS NULL OR ended_by IN ('changed', 'terminated')",
            name=op.f("ck_benefit_periods_ended_by_known"),
        ),
        sa.CheckConstraint(
            "(end_month IS NULL) = (ended_by IS NULL)",
            name=op.f("ck_benefit_periods_ended_has_reason"),
        ),
        sa.CheckConstraint(
            "program IN ('dibao', 'tekun', 'linshi')", name=op.f("ck_benefit_periods_program_known")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_benefit_periods_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["regions.id"], name=op.f("fk_benefit_periods_village_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benefit_periods")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("benefit_periods") as batch:
        batch.create_index(batch.f("ix_benefit_periods_case_id"), ["case_id"], unique=False)
        batch.create_index(batch.f("ix_benefit_periods_village_id"), ["village_id"], unique=False)
        batch.create_index(
            "ix_benefit_periods_program_months",
            ["program", "first_month", "end_month"],
            unique=False,
        )
        batch.create_index(
            "ix_benefit_periods_open_case",
            ["case_id"],
            unique=True,
            sqlite_where=sa.text("end_month IS NULL"),
            postgresql_where=sa.text("end_month IS NULL"),
        )
    with op.batch_alter_table("cases", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.create_index("ix_cases_program_paid_on", ["program", "paid_on"], unique=False)
        batch.create_index("ix_cases_decided_at", ["decided_at"], unique=False)
    _backfill()


def _month(day) -> int:
    return day.year * 12 + day.month - 1


def _backfill():
    connection = op.get_bind()
    china = ZoneInfo("Asia/Shanghai")
    rows = connection.execute(
        sa.text(
            "SELECT id, program, status, village_id, persons_covered, monthly_amount,"
            " basic_amount, care_amount, tekun_mode, self_care, benefit_start, updated_at"
            " FROM cases WHERE program IN ('dibao', 'tekun') AND benefit_start IS NOT NULL"
            " AND status IN ('approved', 'active', 'terminated')"
        )
    ).all()
    periods = []
    for row in rows:
        start = row.benefit_start
        if isinstance(start, str):
            start = datetime.fromisoformat(start).date()
        if row.program == "dibao":
            persons, amount = row.persons_covered or 1, Decimal(str(row.monthly_amount))
        else:
            persons = 1
            amount = Decimal(str(row.basic_amount)) + Decimal(str(row.care_amount or 0))
        end = ended_by = None
        if row.status == "terminated":
            changed = row.updated_at
            if isinstance(changed, str):
                changed = datetime.fromisoformat(changed)
            if changed.tzinfo is None:
                changed = changed.replace(tzinfo=UTC)
            end, ended_by = _month(changed.astimezone(china).date()) + 1, "terminated"
            if end <= _month(start):
                continue  # ended before its first month was paid
        periods.append(
            {
                "case_id": row.id,
                "program": row.program,
                "village_id": row.village_id,
                "first_month": _month(start),
                "end_month": end,
                "ended_by": ended_by,
                "starts_case": True,
                "persons": persons,
                "amount_fen": int((amount * 100).to_integral_value()),
                "tekun_mode": row.tekun_mode if row.program == "tekun" else None,
                "self_care": row.self_care if row.program == "tekun" else None,
            }
        )
    if periods:
        table = sa.table(
            "benefit_periods", *(sa.column(name) for name in periods[0])
        )
        op.bulk_insert(table, periods)


def downgrade():
    with op.batch_alter_table("cases", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_index("ix_cases_decided_at")
        batch.drop_index("ix_cases_program_paid_on")
    with op.batch_alter_table("benefit_periods") as batch:
        batch.drop_index("ix_benefit_periods_open_case")
        batch.drop_index("ix_benefit_periods_program_months")
        batch.drop_index(batch.f("ix_benefit_periods_village_id"))
        batch.drop_index(batch.f("ix_benefit_periods_case_id"))
    op.drop_table("benefit_periods")
