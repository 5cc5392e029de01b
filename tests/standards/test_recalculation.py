"""A new standard: its preview, its confirmation by a second officer, and what it changes."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from noticeboard.audit.models import AuditEntry
from noticeboard.cases.models import Case, Program
from noticeboard.cases.standards import AssistanceStandard, StandardKind, standards_in_force
from noticeboard.core.errors import DomainError, Forbidden, ValidationFailed
from noticeboard.extensions import db
from noticeboard.notices.models import Notice, NoticeKind
from noticeboard.regions.models import RegionLevel
from noticeboard.regions.services import create_region
from noticeboard.standards import recalculation, services
from tests.conftest import login, post_form
from tests.standards.conftest import in_force, on_roster


def _versions(village, program=Program.DIBAO) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.kind == NoticeKind.ROSTER, Notice.region_id == village.id)
        .where(Notice.program == program)
    )


@pytest.fixture
def county_cases(factory, world, rural_880):
    """Rural households in two villages of township A, an urban one in township B, one
    without a recorded income, one still in preparation (not on a roster)."""
    a = on_roster(
        factory.case(
            world.clerk_a,
            Program.DIBAO,
            world.village_a,
            income_per_person="300",
            monthly_amount="1160",
        )
    )
    a2 = on_roster(
        factory.case(
            world.clerk_a,
            Program.DIBAO,
            world.village_a2,
            income_per_person="480.50",
            members=[],
            monthly_amount="399.50",
        )
    )
    b = on_roster(
        factory.case(
            world.clerk_b, Program.DIBAO, world.village_b, dibao_area="urban", monthly_amount="900"
        )
    )
    unknown = on_roster(factory.case(world.clerk_a, Program.DIBAO, world.village_a))
    draft = factory.case(world.clerk_a, Program.DIBAO, world.village_a, income_per_person="300")
    return a, a2, b, unknown, draft


def test_the_preview_lists_old_and_new_amounts_and_the_households_without_income(
    world, county_cases
):
    a, a2, _, unknown, _ = county_cases
    standard = services.propose_standard(world.county_officer, "dibao_rural", "920.00", "2026-01")
    preview = recalculation.preview(world.county_officer, standard.id)
    amounts = {line.case_id: (line.before, line.after) for line in preview.lines}
    # (920 − 300) × 2 and (920 − 480.50) × 1; the urban household is not affected.
    assert amounts == {
        a.id: (Decimal("1160.00"), Decimal("1240.00")),
        a2.id: (Decimal("399.50"), Decimal("439.50")),
    }
    assert [(m.case_id, m.reason) for m in preview.manual] == [(unknown.id, "未记录家庭月人均收入")]
    assert [(v.village, v.cases, v.difference) for v in preview.villages] == [
        ("新店镇东风村", 1, Decimal("80.00")),
        ("新店镇红星村", 1, Decimal("40.00")),
    ]
    assert preview.previous == Decimal("880.00")


def test_villages_of_the_same_name_in_two_townships_are_totalled_apart(world, factory, rural_880):
    namesake = create_region("东风村", RegionLevel.VILLAGE, world.township_b)
    for clerk, village in ((world.clerk_a, world.village_a), (world.clerk_b, namesake)):
        on_roster(factory.case(clerk, Program.DIBAO, village, income_per_person="300"))
    standard = services.propose_standard(world.county_officer, "dibao_rural", "920.00", "2026-01")
    preview = recalculation.preview(world.county_officer, standard.id)
    assert [(v.village, v.cases) for v in preview.villages] == [
        ("新店镇东风村", 1),
        ("城关街道东风村", 1),
    ]


def test_confirming_changes_every_amount_and_publishes_one_roster_version_per_village(
    world, factory, county_cases
):
    a, a2, b, unknown, draft = county_cases
    extra = on_roster(
        factory.case(
            world.clerk_a,
            Program.DIBAO,
            world.village_a,
            income_per_person="700",
            monthly_amount="360",
        )
    )
    before = {v.id: _versions(v) for v in (world.village_a, world.village_a2, world.village_b)}
    standard = services.propose_standard(world.county_officer, "dibao_rural", "920.00", "2026-01")
    recalculation.confirm(world.admin, standard.id)
    db.session.expire_all()
    amounts = {c.id: c.monthly_amount for c in db.session.scalars(select(Case))}
    assert amounts[a.id] == Decimal("1240.00")
    assert amounts[a2.id] == Decimal("439.50")
    assert amounts[extra.id] == Decimal("440.00")  # (920 − 700) × 2
    assert amounts[b.id] == Decimal("900.00")  # urban
    assert amounts[unknown.id] == Decimal("1360.00")  # left for a person to look at
    assert amounts[draft.id] == Decimal("1360.00")  # not on a roster
    after = {v.id: _versions(v) for v in (world.village_a, world.village_a2, world.village_b)}
    assert after[world.village_a.id] == before[world.village_a.id] + 1  # two cases, one version
    assert after[world.village_a2.id] == before[world.village_a2.id] + 1
    assert after[world.village_b.id] == before[world.village_b.id]
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "case", AuditEntry.note.like("保障标准%")
        )
    ).all()
    assert sorted(e.entity_id for e in entries) == sorted([a.id, a2.id, extra.id])
    assert entries[0].changes["monthly_amount"][0] in {"1160.00", "399.50", "360.00"}


def test_a_standard_is_confirmed_only_once(world, county_cases):
    standard = services.propose_standard(world.county_officer, "dibao_rural", "920.00", "2026-01")
    recalculation.confirm(world.admin, standard.id)
    with pytest.raises(DomainError, match="不能重复确认"):
        recalculation.confirm(world.admin, standard.id)
    a = county_cases[0]
    assert db.session.get(Case, a.id).monthly_amount == Decimal("1240.00")  # not twice


def test_whoever_entered_a_standard_may_not_confirm_it(world, county_cases):
    standard = services.propose_standard(world.county_officer, "dibao_rural", "920.00", "2026-01")
    with pytest.raises(Forbidden):
        recalculation.confirm(world.county_officer, standard.id)


def test_a_new_standard_starts_after_the_one_in_force_and_one_waits_at_a_time(world, rural_880):
    with pytest.raises(ValidationFailed, match="新标准的起始月份须在其之后"):
        services.propose_standard(world.county_officer, "dibao_rural", "900", "2024-12")
    services.propose_standard(world.county_officer, "dibao_rural", "900", "2026-01")
    with pytest.raises(DomainError, match="已有一项待确认的调整"):
        services.propose_standard(world.county_officer, "dibao_rural", "910", "2026-02")


def test_a_months_standard_is_the_one_in_force_then(world):
    in_force(world, "dibao_rural", "780.00", "2025-01")
    in_force(world, "dibao_rural", "820.00", "2026-01")
    assert standards_in_force(world.county.id, date(2025, 12, 1))[StandardKind.DIBAO_RURAL] == 780
    assert standards_in_force(world.county.id, date(2026, 1, 1))[StandardKind.DIBAO_RURAL] == 820
    assert StandardKind.DIBAO_RURAL not in standards_in_force(world.county.id, date(2024, 12, 1))


def test_a_tekun_standard_rise_changes_the_basic_amount_unless_overridden(world, factory):
    in_force(world, "tekun_basic", "1170.00")
    in_force(world, "care_partial", "450.00")
    plain = on_roster(factory.case(world.clerk_a, Program.TEKUN, world.village_a))
    special = on_roster(
        factory.case(
            world.clerk_a,
            Program.TEKUN,
            world.village_a,
            basic_amount="1300.00",
            amount_override_reason="重度残疾另加发",
        )
    )
    standard = services.propose_standard(world.county_officer, "tekun_basic", "1230.00", "2026-01")
    result = recalculation.confirm(world.admin, standard.id)
    assert [m.case_id for m in result.manual] == [special.id]
    db.session.expire_all()
    assert db.session.get(Case, plain.id).basic_amount == Decimal("1230.00")
    assert db.session.get(Case, special.id).basic_amount == Decimal("1300.00")


def test_the_pages_enter_preview_and_confirm_a_standard(app, world, county_cases):
    county = app.test_client()
    login(county, world.county_officer.username)
    entered = post_form(
        county,
        "/staff/standards/new",
        {"kind": "dibao_rural", "amount": "920", "start_month": "2026-01"},
        form_url="/staff/standards/",
    )
    assert entered.status_code == 302
    page = county.get(entered.headers["Location"]).get_data(as_text=True)
    assert "<strong>2</strong> 件案件的金额将调整" in page
    assert "东风村" in page and "1,240.00" in page and "未记录家庭月人均收入" in page
    assert "须由另一位县级民政工作人员确认执行" in page
    admin = app.test_client()
    login(admin, world.admin.username)
    url = entered.headers["Location"]
    confirmed = post_form(admin, url + "/confirm", {}, form_url=url)
    assert confirmed.status_code == 302
    assert "已确认执行：调整 2 件" in admin.get(url).get_data(as_text=True)


def test_a_refused_standard_shows_the_form_again_with_the_field_named(app, world):
    county = app.test_client()
    login(county, world.county_officer.username)
    response = post_form(
        county,
        "/staff/standards/new",
        {"kind": "dibao_rural", "amount": "八百", "start_month": "2026-13"},
        form_url="/staff/standards/",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "起始月份：请按 2026-10 的格式填写月份" in page
    assert "不是金额" in page


def test_a_case_saved_by_someone_else_meanwhile_stops_the_whole_change(
    world, county_cases, monkeypatch
):
    a, a2 = county_cases[:2]
    apply = recalculation.change_amounts

    def saved_meanwhile(user, updates, note):
        # Another editor's save lands after the cases were read, before they are written.
        table = Case.__table__
        db.session.execute(update(table).where(table.c.id == a.id).values(version=99))
        return apply(user, updates, note)

    monkeypatch.setattr(recalculation, "change_amounts", saved_meanwhile)
    standard = services.propose_standard(world.county_officer, "dibao_rural", "920.00", "2026-01")
    with pytest.raises(DomainError, match="确认期间有案件被他人修改"):
        recalculation.confirm(world.admin, standard.id)
    db.session.rollback()
    assert db.session.get(Case, a2.id).monthly_amount == Decimal("399.50")
    assert db.session.get(AssistanceStandard, standard.id).confirmed_at is None
