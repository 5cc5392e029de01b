"""resident IDs and phone numbers stored in ASCII digits

IDs typed with full-width (３５０１…) or Arabic-Indic (١٩٨…) digits were stored as typed, so
the one-person-one-case rule and searches missed them. Every stored ID and phone number is
rewritten in the form the services now store (NFKC, then ASCII digits, upper-case X).
Two open 低保/特困 cases that turn out to hold the same person are reported here (the
migration does not choose between them): staff must terminate one.

Revision ID: 0006_normalise_identifiers
Revises: 0005_ids_never_reused
"""

import logging
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0006_normalise_identifiers"
down_revision = "0005_ids_never_reused"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# (table, key column, value column, is a resident ID)
COLUMNS = (
    ("cases", "id", "applicant_id_number", True),
    ("case_members", "id", "id_number", True),
    ("cases", "id", "applicant_phone", False),
    ("objections", "id", "contact_phone", False),
    ("regions", "id", "phone", False),
)


def _ascii(text: str) -> str:
    # A frozen copy of core.validation.to_ascii_digits: a migration must not change meaning
    # when the application's code does.
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text
    )


def _normalise(value: str, resident_id: bool) -> str:
    text = _ascii(value)
    return re.sub(r"\s+", "", text).upper() if resident_id else text.strip()


def upgrade():
    bind = op.get_bind()
    changed = 0
    for table, key, column, resident_id in COLUMNS:
        rows = bind.execute(
            sa.text(f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL")
        ).all()
        for row_id, value in rows:
            clean = _normalise(value, resident_id)
            if clean != value:
                bind.execute(
                    sa.text(f"UPDATE {table} SET {column} = :value WHERE {key} = :id"),
                    {"value": clean, "id": row_id},
                )
                changed += 1
    if changed:
        log.warning("normalised %d stored resident IDs and phone numbers", changed)
    open_cases = (
        "c.program IN ('dibao', 'tekun')"
        " AND c.status IN ('draft', 'in_notice', 'investigating', 'approved', 'active')"
    )
    people = bind.execute(
        sa.text(
            f"SELECT c.applicant_id_number, c.id FROM cases c WHERE {open_cases}"
            " UNION ALL"
            f" SELECT m.id_number, c.id FROM case_members m JOIN cases c ON c.id = m.case_id"
            f" WHERE {open_cases}"
        )
    ).all()
    cases_of: dict[str, set[int]] = {}
    for person, case_id in people:
        cases_of.setdefault(person, set()).add(case_id)
    for case_ids in cases_of.values():
        if len(case_ids) > 1:
            # Case numbers only: the ID itself stays out of the log.
            log.warning(
                "cases %s hold the same person in open 低保/特困 cases; terminate all but one",
                ", ".join(str(i) for i in sorted(case_ids)),
            )


def downgrade():
    # The typed forms are not kept; ASCII digits are valid in every version.
    pass
