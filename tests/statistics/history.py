"""A county's history built through the services, with the figures it must give, worked out
by hand below (not by the code under test)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from noticeboard.accounts.models import Role, User
from noticeboard.accounts.services import create_user
from noticeboard.cases import changes, lifecycle
from noticeboard.cases import services as cases
from noticeboard.cases.models import Case, Program
from noticeboard.extensions import db
from noticeboard.notices import approval, objections, pre_approval
from tests.factories import PASSWORD, resident_id
from tests.portal.helpers import travel


@dataclass
class History:
    a: Case  # 低保, 东风村 (新店镇): 2 persons, 1360.00 from 2026-04, 1000.00 from 2026-07
    b: Case  # 低保, 红星村 (新店镇): 1 person, 900.00 from 2026-06, terminated 2026-09-20
    c: Case  # 特困, 南门社区 (城关街道): dispersed, partial care, 1620.00 from 2026-04
    d: Case  # 临时救助, 东风村: 3000.00 paid 2026-06-15


def _staff_of(world, village):
    if village.parent_id == world.township_a.id:
        return world.clerk_a, world.reviewer_a
    reviewer = db.session.scalar(select(User).where(User.username == "reviewer_b"))
    if reviewer is None:
        reviewer = create_user("reviewer_b", PASSWORD, Role.REVIEWER, world.township_b, "何审核")
    return world.clerk_b, reviewer


def _approved(world, factory, program, village, noticed: date, **overrides) -> Case:
    """Entered and noticed on `noticed` (a Monday), approved 8 days later."""
    clerk, reviewer = _staff_of(world, village)
    with travel(noticed):
        case = factory.case(clerk, program, village, **overrides)
        draft = pre_approval.prepare_notice(clerk, village.id, program, [case.id])
        notice = pre_approval.publish_notice(reviewer, draft.id)
    if village == world.village_a and program == Program.DIBAO:
        with travel(date(noticed.year, noticed.month, noticed.day + 1)):
            objection = objections.raise_objection(notice.id, "请核实该户收入情况。")
        with travel(date(noticed.year, noticed.month, noticed.day + 7)):
            objections.resolve_objection(
                world.reviewer_a, objection.id, "not_upheld", "入户核实，收入属实。"
            )
    with travel(date(noticed.year, noticed.month, noticed.day + 8)):
        approval.approve_case(world.county_officer, case.id)
    return db.session.get(Case, case.id)


def build(world, factory) -> History:
    a = _approved(world, factory, Program.DIBAO, world.village_a, date(2026, 3, 2))
    b = _approved(
        world, factory, Program.DIBAO, world.village_a2, date(2026, 5, 4),
        applicant_name="王小明", applicant_id_number=resident_id("19700101"),
        monthly_amount="900.00", members=[],
    )  # fmt: skip
    c = _approved(world, factory, Program.TEKUN, world.village_b, date(2026, 3, 2))
    with travel(date(2026, 6, 15)):
        d = factory.case(world.clerk_a, Program.LINSHI, world.village_a, paid_on="2026-06-15")
    with travel(date(2026, 7, 6)):
        data = factory.dibao_data(
            world.village_a, applicant_id_number=a.applicant_id_number, monthly_amount="1000.00"
        )
        cases.update_case(world.clerk_a, a.id, data, a.version)
        changes.confirm_change(world.reviewer_a, cases.pending_change_of(a).id)
    with travel(date(2026, 9, 20)):
        lifecycle.terminate_case(world.clerk_a, b.id, "家庭收入已超过低保标准")
    return History(a, b, c, d)


# By hand. June 2026, the county:
#   低保: a (2 persons, 1360.00) and b (1 person, 900.00, its first month)
#   特困: c (1620.00 = 1170.00 + 450.00)
#   临时救助: d, 3000.00
#   year to date: 低保 1360×3 (Apr–Jun) + 900 = 4980.00; 特困 1620×3 = 4860.00
JUNE = {
    "dibao": (2, 3, Decimal("2260.00"), Decimal("4980.00")),
    "tekun": (1, 1, Decimal("1620.00"), Decimal("4860.00")),
    "linshi": (1, 1, Decimal("3000.00"), Decimal("3000.00")),
}
JUNE_TOWNSHIP_A = {"dibao": (2, 3, Decimal("2260.00")), "linshi": (1, 1, Decimal("3000.00"))}
JUNE_TOWNSHIP_B = {"tekun": (1, 1, Decimal("1620.00"))}
# August: a at its new amount since July. 低保 1000 + 900; year to date
# 1360×3 + 1000×2 (Jul, Aug) + 900×3 (Jun–Aug) = 8780.00
AUGUST_DIBAO = (2, 3, Decimal("1900.00"), Decimal("8780.00"))
# October: b ended with September.
OCTOBER_DIBAO = (1, 2, Decimal("1000.00"))
