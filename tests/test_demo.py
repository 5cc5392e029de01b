"""Demo data: what `make run` loads on first start."""

from sqlalchemy import func, select

from noticeboard.accounts.models import Role, User
from noticeboard.cases.models import Case, Program
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel


def test_demo_loads_a_county_with_townships_villages_cases_and_users(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "clerk" in result.output and "demo-pass-2026" in result.output

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    assert count(Region, Region.level == RegionLevel.COUNTY) == 1
    assert count(Region, Region.level == RegionLevel.TOWNSHIP) == 2
    for township in db.session.scalars(select(Region).where(Region.level == "township")):
        assert 3 <= len(township.children) <= 5
    for program in Program:
        assert count(Case, Case.program == program) >= 5
    assert {u.role for u in db.session.scalars(select(User))} == set(Role)

    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "kept as it is" in again.output
    assert count(Region) == 11
