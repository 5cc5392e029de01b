"""Resident IDs, phones and addresses at rest: a copy of the database shows none of them,
and the lookups that need them go through the keyed indexes (on SQLite and PostgreSQL)."""

from pathlib import Path

import pytest
from sqlalchemy import select, text
from stdnum.cn import ric

from noticeboard.cases import search, services
from noticeboard.cases.models import Case, CaseMember, Program
from noticeboard.cases.validation import DuplicateActiveCase
from noticeboard.extensions import db
from tests.factories import resident_id


def raw_database() -> bytes:
    """What a copied database shows: the SQLite file's bytes (after a checkpoint, so the
    write-ahead log is in it), or on PostgreSQL every row of every table as its text."""
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        return Path(db.engine.url.database).read_bytes()
    rows = []
    for table in db.metadata.sorted_tables:
        rows += db.session.execute(text(f"SELECT t::text FROM {table.name} t")).scalars()
    return "\n".join(rows).encode()


def personal_values() -> list[str]:
    values = []
    for case in db.session.scalars(select(Case)):
        values += [case.applicant_id_number, case.applicant_phone, case.address]
    values += db.session.scalars(select(CaseMember.id_number))
    return [v for v in values if v]


def test_a_copy_of_the_database_holds_no_id_phone_or_address(world, factory):
    case = factory.case(
        world.clerk_a,
        Program.DIBAO,
        world.village_a,
        applicant_name="司马相如",
        applicant_id_number=resident_id("19330303"),
        applicant_phone="13912345678",
        address="东风村三组柳巷17号",
    )
    # A change: the audit log's before/after carry the old and new values.
    data = services.form_data(case)
    data["applicant_phone"], data["address"] = "13787654321", "东风村四组桂园8号"
    services.update_case(world.clerk_a, case.id, data, case.version)
    values = [*personal_values(), "13912345678", "东风村三组柳巷17号"]
    assert len(values) == 6
    raw = raw_database()
    assert "司马相如".encode() in raw  # the check reads the data: names are kept in clear
    assert [v for v in values if v.encode() in raw] == []


def test_the_demo_database_holds_no_id_phone_or_address(app):
    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    values = personal_values()
    assert len(values) > 50
    raw = raw_database()
    assert [v for v in values if v.encode() in raw] == []


def _id_ending_with_x() -> str:
    bodies = (f"11010119620101{serial:03d}" for serial in range(1000))
    return next(b + "X" for b in bodies if ric.calc_check_digit(b + "0") == "X")


def test_one_person_one_case_and_the_id_searches_go_through_the_keyed_indexes(world, factory):
    member_id = _id_ending_with_x()
    members = [{"name": "李秀英", "id_number": member_id, "relation": "配偶", "covered": True}]
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, members=members)
    # The columns hold ciphertext and digests, not the ID or a copy of it.
    stored = db.session.execute(
        text("SELECT applicant_id_number, applicant_id_index, applicant_id_tail FROM cases")
    ).one()
    assert all(case.applicant_id_number not in value for value in stored)
    # The member's ID typed with a lowercase x is the same person: the index is of the
    # normalised ID.
    with pytest.raises(DuplicateActiveCase, match=case.reference):
        factory.case(
            world.clerk_b, Program.TEKUN, world.village_b, applicant_id_number=member_id.lower()
        )

    def found(q):
        rows, _ = search.list_cases(world.county_officer, search.CaseFilter(q=q))
        return [c.id for c in rows]

    for q in (member_id, member_id[-4:], member_id[-5:], member_id[-9:], member_id[-17:]):
        assert found(q) == [case.id], q
    assert found(member_id[-3:]) == []  # too short for an ID's end, and no such case number
    assert found(member_id[-5:-1]) == []  # four digits that are not its end
