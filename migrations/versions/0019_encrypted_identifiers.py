"""resident IDs, phones and addresses encrypted at rest, found through keyed indexes

The clear IDs, their reversed copies (0009) and their plain indexes go; each ID gets the
keyed index of the whole ID and of its last characters (core/crypto.py). The values are
encrypted in place with the app's current data key, as are the JSON documents that carry
them (audit before/after, case changes waiting for a reviewer). The downgrade decrypts.

Revision ID: 0019_encrypted_identifiers
Revises: 0018_standards
"""

import json

import sqlalchemy as sa
from alembic import op

from noticeboard.core.crypto import id_index, keyring, tail_index

revision = "0019_encrypted_identifiers"
down_revision = "0018_standards"
branch_labels = None
depends_on = None

BATCH = 5000
ERASED = "ERASED"
AUTOINCREMENT = {"sqlite_autoincrement": True}
# (table, columns encrypted as text, columns encrypted as JSON)
ENCRYPTED = (
    ("cases", ("applicant_id_number", "applicant_phone", "address"), ()),
    ("case_members", ("id_number",), ()),
    ("audit_entries", (), ("changes",)),
    ("case_changes", (), ("proposed", "changes")),
)
# (table, ID column, its index columns, the 0009 reversed column)
IDS = (
    ("cases", "applicant_id_number", "applicant_id_index", "applicant_id_tail", "applicant_id_reversed"),
    ("case_members", "id_number", "id_number_index", "id_number_tail", "id_number_reversed"),
)
PLAIN_TYPES = {
    "applicant_id_number": sa.String(length=18),
    "applicant_phone": sa.String(length=20),
    "address": sa.String(length=200),
    "id_number": sa.String(length=18),
}


def _read(table: str, *columns: str, where: str = "") -> list:
    names = ", ".join(columns)
    return op.get_bind().execute(sa.text(f"SELECT id, {names} FROM {table} {where}")).all()


def _update(table: str, rows: list[dict]) -> None:
    """Rows given as {"id": …, column: value, …}, written in batches."""
    if not rows:
        return
    assignments = ", ".join(f"{c} = :{c}" for c in rows[0] if c != "id")
    update = sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id")
    for start in range(0, len(rows), BATCH):
        op.get_bind().execute(update, rows[start : start + BATCH])


def _rewrite(table: str, columns: tuple[str, ...], change) -> None:
    """Every row's `columns` through `change(column, value)`; NULL stays NULL."""
    _update(
        table,
        [
            {
                "id": row[0],
                **{
                    c: None if v is None else change(c, v)
                    for c, v in zip(columns, row[1:], strict=True)
                },
            }
            for row in _read(table, *columns)
        ],
    )


def _json_text(value):
    # PostgreSQL hands a JSON column back parsed, SQLite as its text.
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _real(value: str | None) -> str | None:
    """The value, or None for the placeholder a downgrade left for an erased ID."""
    return None if value is None or value.startswith(ERASED) else value


def upgrade():
    ring = keyring()
    for table, id_column, index_column, tail_column, reversed_column in IDS:
        with op.batch_alter_table(table, table_kwargs=AUTOINCREMENT) as batch:
            if table == "case_members":
                batch.drop_constraint("uq_case_members_case_id", type_="unique")
            batch.drop_index(f"ix_{table}_{id_column}")
            batch.drop_index(f"ix_{table}_{reversed_column}")
            batch.drop_column(reversed_column)
            batch.add_column(sa.Column(index_column, sa.String(length=32), nullable=True))
            batch.add_column(sa.Column(tail_column, sa.String(length=32), nullable=True))
        _update(
            table,
            [
                {
                    "id": row_id,
                    index_column: id_index(_real(value)),
                    tail_column: tail_index(_real(value)),
                }
                for row_id, value in _read(table, id_column)
            ],
        )
        with op.batch_alter_table(table, table_kwargs=AUTOINCREMENT) as batch:
            batch.create_index(f"ix_{table}_{index_column}", [index_column], unique=False)
            batch.create_index(f"ix_{table}_{tail_column}", [tail_column], unique=False)
            if table == "case_members":
                batch.create_unique_constraint(
                    "uq_case_members_case_id", ["case_id", "id_number_index"]
                )
    for table, texts, documents in ENCRYPTED:
        with op.batch_alter_table(table, table_kwargs=AUTOINCREMENT) as batch:
            for column in texts:
                batch.alter_column(
                    column, existing_type=PLAIN_TYPES[column], type_=sa.Text(), nullable=True
                )
            for column in documents:
                batch.alter_column(
                    column,
                    existing_type=sa.JSON(),
                    type_=sa.Text(),
                    existing_nullable=False,
                    postgresql_using=f"{column}::text",
                )
        _rewrite(
            table,
            texts + documents,
            lambda c, v, documents=documents: (
                ring.encrypt(_json_text(v)) if c in documents else _real(v) and ring.encrypt(v)
            ),
        )


def downgrade():
    ring = keyring()
    for table, texts, documents in ENCRYPTED:
        _rewrite(table, texts + documents, lambda _c, v: ring.decrypt(v))
    for table, id_column, *_ in IDS:
        # An ID erased after the retention period has nowhere to go in the old schema, where
        # IDs are required: a placeholder unique to the row stands in for it.
        erased = _read(table, id_column, where=f"WHERE {id_column} IS NULL")
        _update(table, [{"id": row[0], id_column: f"{ERASED}{row[0]:012d}"} for row in erased])
    for table, texts, documents in ENCRYPTED:
        with op.batch_alter_table(table, table_kwargs=AUTOINCREMENT) as batch:
            for column in texts:
                batch.alter_column(
                    column,
                    existing_type=sa.Text(),
                    type_=PLAIN_TYPES[column],
                    nullable=column not in ("applicant_id_number", "id_number"),
                )
            for column in documents:
                batch.alter_column(
                    column,
                    existing_type=sa.Text(),
                    type_=sa.JSON(),
                    existing_nullable=False,
                    postgresql_using=f"{column}::json",
                )
    for table, id_column, index_column, tail_column, reversed_column in IDS:
        with op.batch_alter_table(table, table_kwargs=AUTOINCREMENT) as batch:
            if table == "case_members":
                batch.drop_constraint("uq_case_members_case_id", type_="unique")
            batch.drop_index(f"ix_{table}_{index_column}")
            batch.drop_index(f"ix_{table}_{tail_column}")
            batch.drop_column(index_column)
            batch.drop_column(tail_column)
            batch.add_column(sa.Column(reversed_column, sa.String(length=18), nullable=True))
        rows = _read(table, id_column)
        _update(table, [{"id": row_id, reversed_column: value[::-1]} for row_id, value in rows])
        with op.batch_alter_table(table, table_kwargs=AUTOINCREMENT) as batch:
            batch.create_index(f"ix_{table}_{id_column}", [id_column], unique=False)
            batch.create_index(f"ix_{table}_{reversed_column}", [reversed_column], unique=False)
            if table == "case_members":
                batch.create_unique_constraint("uq_case_members_case_id", ["case_id", "id_number"])
