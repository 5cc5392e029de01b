"""The migrations build exactly the schema the models describe, and carry the data along."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from noticeboard.accounts.models import User
from noticeboard.cases import search, services
from noticeboard.cases.models import Case, Program
from noticeboard.cases.validation import DuplicateActiveCase
from noticeboard.extensions import db
from noticeboard.regions.models import Region


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_encryption_migration_goes_down_and_up_again_on_a_populated_database(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, address="东风村三组柳巷17号")
    data = services.form_data(case) | {"applicant_phone": "13912345678"}
    services.update_case(world.clerk_a, case.id, data, case.version)
    erased = factory.case(world.clerk_a, Program.TEKUN, world.village_a2)
    erased.applicant_id_number = None  # as the retention run leaves a case
    db.session.commit()
    case_id, erased_id = case.id, erased.id
    applicant, member = case.applicant_id_number, case.members[0].id_number
    # The migrations run on their own connections: nothing of this session may stay in use.
    staff = [world.county_officer.id, world.clerk_b.id]
    village_b = world.village_b.id
    db.session.remove()
    try:
        downgrade(revision="0018_standards")
        clear = db.session.execute(
            text(
                "SELECT applicant_id_number, applicant_id_reversed, applicant_phone, address"
                " FROM cases WHERE id = :id"
            ),
            {"id": case_id},
        ).one()
        assert tuple(clear) == (applicant, applicant[::-1], "13912345678", "东风村三组柳巷17号")
        placeholder = db.session.scalar(
            text("SELECT applicant_id_number FROM cases WHERE id = :id"), {"id": erased_id}
        )
        assert placeholder == f"ERASED{erased_id:012d}"
        assert db.session.scalar(text("SELECT id_number FROM case_members")) == member
        changes = db.session.scalars(text("SELECT changes FROM audit_entries")).all()
        assert any("13912345678" in str(c) for c in changes)
        db.session.remove()
    finally:
        upgrade()
    raw = db.session.execute(text("SELECT applicant_id_number, address FROM cases")).all()
    assert all(
        applicant not in value and "柳巷" not in value for row in raw for value in row if value
    )
    assert db.session.get(Case, erased_id).applicant_id_number is None
    case = db.session.get(Case, case_id)
    assert (case.applicant_id_number, case.applicant_phone) == (applicant, "13912345678")
    assert case.members[0].id_number == member
    county, clerk_b = (db.session.get(User, user_id) for user_id in staff)
    rows, _ = search.list_cases(county, search.CaseFilter(q=member[-6:]))
    assert [c.id for c in rows] == [case_id]
    with pytest.raises(DuplicateActiveCase):
        village = db.session.get(Region, village_b)
        factory.case(clerk_b, Program.TEKUN, village, applicant_id_number=applicant)
