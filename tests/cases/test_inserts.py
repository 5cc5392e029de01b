"""A new case is written with table INSERTs (cases/inserts.py), not the ORM's flush: the
rows must be those the flush wrote, and the case in hand must behave as a flushed one."""

import pytest
from sqlalchemy import event, inspect, select

from noticeboard.cases import services
from noticeboard.cases.models import Case, CaseMember, CaseNameGram, CaseStatus, Program
from noticeboard.cases.validation import clean_case
from noticeboard.extensions import db
from tests.factories import resident_id

# Differ between two saves of the same case: when, and the ids the database gave.
_OF_THE_SAVE = {"id", "case_id", "created_at", "updated_at"}


def _stored(case_id: int) -> tuple[dict, list[dict], list[str]]:
    """The case's row, its members' rows and its name pieces, as read back (decrypted)."""
    cases, members = Case.__table__, CaseMember.__table__
    row = db.session.execute(select(cases).where(cases.c.id == case_id)).mappings().one()
    member_rows = db.session.execute(
        select(members).where(members.c.case_id == case_id).order_by(members.c.position)
    ).mappings()
    grams = db.session.scalars(select(CaseNameGram.gram).where(CaseNameGram.case_id == case_id))

    def kept(mapping) -> dict:
        return {k: v for k, v in mapping.items() if k not in _OF_THE_SAVE}

    return kept(row), [kept(m) for m in member_rows], sorted(grams)


def _flushed_by_the_orm(user, program: Program, data: dict) -> Case:
    """enter_case as it was before cases/inserts.py: the reference."""
    values, members = clean_case(user, program, data)
    case = Case(status=CaseStatus.DRAFT, created_by_id=user.id, updated_by_id=user.id)
    services.apply_values(case, values, members)
    services.route_linshi(case)
    db.session.add(case)
    db.session.flush()
    return case


def _forms(world, factory) -> dict[Program, dict]:
    members = [
        {"name": "李秀英", "id_number": resident_id(), "relation": "配偶", "covered": True},
        {
            "name": "张小明",
            "id_number": resident_id("20100101"),
            "relation": "子女",
            "covered": False,
        },
    ]
    return {
        Program.DIBAO: factory.dibao_data(world.village_a, members=members),
        Program.TEKUN: factory.tekun_data(world.village_a),
        Program.LINSHI: factory.linshi_data(world.village_a2),
    }


@pytest.mark.parametrize("program", list(Program))
def test_the_rows_written_are_those_the_orm_wrote(world, factory, program):
    data = _forms(world, factory)[program]
    entered = services.enter_case(world.clerk_a, program, data)
    direct = _stored(entered.id)
    db.session.rollback()
    reference = _stored(_flushed_by_the_orm(world.clerk_a, program, data).id)
    db.session.rollback()
    assert direct == reference
    case_row, member_rows, grams = direct
    assert case_row["version"] == 1 and case_row["frequent_review"] is False
    assert len(member_rows) == (2 if program == Program.DIBAO else 0)
    assert grams  # the name search finds it


def test_the_case_in_hand_is_persistent_and_complete(world, factory):
    data = _forms(world, factory)[Program.DIBAO]
    case = services.enter_case(world.clerk_a, Program.DIBAO, data)
    state = inspect(case)
    assert state.persistent and not state.modified
    assert all(inspect(m).persistent for m in case.members)
    assert not (db.session.new or db.session.dirty)
    statements = []

    def listener(_connection, _cursor, statement, *_):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        # Every column, the members, the village and the empty collections of a new case
        # are in hand: reading them asks nothing of the database.
        values = {c.key: getattr(case, c.key) for c in Case.__table__.columns}
        assert [m.name for m in case.members] == ["李秀英", "张小明"]
        assert case.village.name and case.near_relatives == [] and case.home_visits == []
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert statements == []
    assert values["status"] == CaseStatus.DRAFT and values["benefit_start"] is None
    db.session.commit()


def test_a_case_entered_so_is_changed_and_found_as_any_other(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    data = factory.dibao_data(world.village_a, applicant_name="王小二", monthly_amount="900")
    services.update_case(world.clerk_a, case.id, data, expected_version=1)
    db.session.expire_all()
    saved = db.session.get(Case, case.id)
    assert (saved.version, saved.applicant_name, str(saved.monthly_amount)) == (
        2,
        "王小二",
        "900.00",
    )
    grams = set(
        db.session.scalars(select(CaseNameGram.gram).where(CaseNameGram.case_id == case.id))
    )
    assert {"王小", "小二"} <= grams
