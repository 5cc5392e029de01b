"""The audit log is append-only from the app."""

import pytest
from sqlalchemy import select

from noticeboard.audit.models import AuditEntry, AuditLogIsAppendOnly
from noticeboard.cases.models import Program
from noticeboard.extensions import db


def test_audit_entries_cannot_be_changed_or_deleted(world, factory):
    factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    entry = db.session.scalars(select(AuditEntry)).first()
    entry.actor = "someone else"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.delete(entry)
        db.session.commit()


def test_audit_page_shows_who_changed_what_inside_the_county_only(app, world, factory):
    from tests.conftest import login

    factory.case(world.clerk_a, Program.TEKUN, world.village_a, applicant_name="欧阳娜娜")
    county = app.test_client()
    login(county, world.county_officer.username)
    page = county.get("/staff/audit/").get_data(as_text=True)
    assert "林经办" in page and "新建" in page and "欧阳娜娜" in page
    clerk = app.test_client()
    login(clerk, world.clerk_a.username)
    assert clerk.get("/staff/audit/").status_code == 403
