"""The 补差 rule and the amount checks of the case form against the standard in force."""

from decimal import Decimal

import pytest

from noticeboard.cases import services
from noticeboard.cases.models import Program
from noticeboard.cases.standards import amount_warning, dibao_ceiling, dibao_topup
from noticeboard.core.errors import ValidationFailed
from tests.conftest import post_form
from tests.factories import resident_id
from tests.standards.conftest import in_force


def test_the_topup_is_the_gap_to_the_standard_times_the_persons_covered():
    # Standard 880, income 300 per person, 3 persons: (880 − 300) × 3 = 1,740.
    assert dibao_topup(Decimal("880"), Decimal("300"), 3) == Decimal("1740.00")
    # An A类 household gets the county's supplement on top.
    assert dibao_topup(Decimal("880"), Decimal("300"), 3, Decimal("50")) == Decimal("1790.00")
    assert dibao_topup(Decimal("880"), Decimal("880.01"), 3) == Decimal("0.00")
    assert dibao_ceiling(Decimal("880"), 3) == Decimal("2640.00")


def test_an_amount_above_standard_times_persons_is_refused(factory, world, rural_880):
    # Applicant and one covered member: at most 880 × 2 = 1,760.
    data = factory.dibao_data(world.village_a, monthly_amount="1800.00")
    with pytest.raises(ValidationFailed) as refused:
        services.create_case(world.clerk_a, Program.DIBAO, data)
    assert refused.value.errors["monthly_amount"] == [
        "月保障金额：1,800.00 元超过保障标准 880.00 元 × 2 人 = 1,760.00 元，请核对金额或保障人数"
    ]
    data["monthly_amount"] = "1760.00"
    assert services.create_case(world.clerk_a, Program.DIBAO, data).monthly_amount == 1760


def test_without_a_standard_only_the_ceiling_applies(factory, world):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, monthly_amount="5000.00")
    assert case.monthly_amount == 5000
    assert amount_warning(case) is None


def test_the_form_saves_an_amount_that_differs_from_the_topup_and_warns(
    factory, world, clerk_client, rural_880
):
    form = {
        "village_id": world.village_a.id,
        "applicant_name": "张三丰",
        "applicant_id_number": resident_id("19560312"),
        "dibao_area": "rural",
        "income_per_person": "300",
        "monthly_amount": "500.00",
    }
    response = post_form(clerk_client, "/staff/cases/new/dibao", form)
    assert response.status_code == 302
    page = clerk_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "月保障金额 500.00 元与按补差计算的 580.00 元不同" in page
    assert "已保存" in page


def test_the_form_shows_the_standard_in_force_and_the_topup(
    factory, world, clerk_client, rural_880
):
    assert "农村低保标准 880.00 元/人·月" in clerk_client.get("/staff/cases/new/dibao").get_data(
        as_text=True
    )
    case = factory.case(
        world.clerk_a,
        Program.DIBAO,
        world.village_a,
        income_per_person="300",
        monthly_amount="1160",
    )
    page = clerk_client.get(f"/staff/cases/{case.id}/edit").get_data(as_text=True)
    assert "按补差计算本户应为 <strong>1,160.00 元/月</strong>" in page


def test_a_tekun_amount_off_the_standards_needs_a_reason(factory, world):
    in_force(world, "tekun_basic", "1170.00")
    in_force(world, "care_partial", "450.00")
    data = factory.tekun_data(world.village_a, basic_amount="1300.00")
    with pytest.raises(ValidationFailed) as refused:
        services.create_case(world.clerk_a, Program.TEKUN, data)
    assert (
        "本县现行特困基本生活标准 1,170.00 元" in refused.value.errors["amount_override_reason"][0]
    )
    data["amount_override_reason"] = "县残联认定重度残疾，另加发护理补贴"
    case = services.create_case(world.clerk_a, Program.TEKUN, data)
    assert case.basic_amount == 1300
    assert factory.case(world.clerk_a, Program.TEKUN, world.village_a).basic_amount == 1170
