"""Shared by the portal and API tests: the clock and notices published through the services."""

from datetime import date

import time_machine

from noticeboard.cases.models import Program
from noticeboard.notices import pre_approval

START = date(2026, 11, 2)  # a Monday; the 7-day period runs to 2026-11-08


def travel(day: date, hour: str = "10:00"):
    """Move the clock to `hour` Beijing time on `day`."""
    return time_machine.travel(f"{day.isoformat()} {hour} +0800", tick=False)


def publish(world, factory, program=Program.DIBAO, village=None, **case_overrides):
    """One case, its 7-day notice prepared by the clerk and published by the reviewer."""
    village = village or world.village_a
    case = factory.case(world.clerk_a, program, village, **case_overrides)
    draft = pre_approval.prepare_notice(world.clerk_a, village.id, program, [case.id])
    return pre_approval.publish_notice(world.reviewer_a, draft.id), case
