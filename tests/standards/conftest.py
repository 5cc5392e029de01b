"""Standards in force and cases on the roster, as the standards tests start from them."""

from datetime import UTC, datetime

import pytest

from noticeboard.cases.models import CaseStatus
from noticeboard.extensions import db
from noticeboard.notices.rosters import publish_roster
from noticeboard.standards import recalculation, services


def in_force(world, kind: str, amount: str, month: str = "2025-01"):
    """A standard proposed by the county officer and confirmed by the administrator."""
    standard = services.propose_standard(world.county_officer, kind, amount, month)
    recalculation.confirm(world.admin, standard.id)
    return standard


def on_roster(case, decided: datetime = datetime(2026, 1, 10, 2, tzinfo=UTC)):
    """The case approved (审核确认) on `decided`, receiving benefits since and listed on
    its village's roster."""
    case.status = CaseStatus.ACTIVE
    case.decided_at = decided
    case.benefit_start = decided.date().replace(day=1)
    publish_roster(case.village, case.program, None, "approved")
    db.session.commit()
    return case


@pytest.fixture
def rural_880(world):
    return in_force(world, "dibao_rural", "880.00")
