"""The 临时救助 township approval limit (民发〔2018〕23号): the township approves up to an
amount the county sets, the county above it. Above the limit a 临时救助 waits for the county's
approval before it is listed after the fact; a 先行救助 above it has its paperwork confirmed
by the county. Every decision records under which setting it was made; the setting's
history is audited."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from noticeboard.audit.models import AuditEntry
from noticeboard.cases import emergency, linshi_approval
from noticeboard.cases import services as cases
from noticeboard.cases.models import CaseStatus, Program
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from noticeboard.extensions import db
from noticeboard.notices.linshi_lists import publish_linshi_list
from noticeboard.notices.todo import workbench
from noticeboard.regions.delegation import linshi_confirmer, set_linshi_limit
from noticeboard.regions.models import Confirmer
from noticeboard.statistics.figures import month_report, trend
from tests.conftest import csrf_token, login

RULE = "本县临时救助超过 1,000.00 元的由县级民政部门审批"
WAITING = "待县级审批的临时救助"


def _paid(world, factory, amount: str, **overrides):
    """An ordinary 临时救助 of 新店镇 paid today (a 先行救助 with `emergency_reason`)."""
    data = {"amount": amount, "paid_on": str(local_today())} | overrides
    return factory.case(world.clerk_a, Program.LINSHI, world.village_a, **data)


def _listed(world, reason=None) -> list[int]:
    month = local_today().replace(day=1)
    notice = publish_linshi_list(world.reviewer_a, world.village_a.id, month, reason)
    return [entry.case_id for entry in notice.entries]


def _count(user, label=WAITING):
    return next((t.count for t in workbench(user).tasks if t.label == label), None)


@pytest.fixture
def limited(world):
    set_linshi_limit(world.county_officer, world.county.id, "1000")


def test_without_a_limit_the_township_approves_every_one_as_before(world, factory):
    case = _paid(world, factory, "30000.00")
    assert linshi_confirmer(world.county.id, Decimal("30000.00")) == Confirmer.TOWNSHIP
    assert case.decided_under is None and case.decided_at is None
    assert _listed(world) == [case.id]
    assert _count(world.county_officer) == 0
    with pytest.raises(DomainError, match="不是待县级审批的临时救助"):
        linshi_approval.approve_linshi(world.county_officer, case.id)


def test_above_the_limit_it_waits_for_the_county_then_is_listed(world, factory, limited):
    small, edge, large = (_paid(world, factory, a) for a in ("800.00", "1000.00", "1500.00"))
    assert [c.decided_under for c in (small, edge, large)] == [None, None, Confirmer.COUNTY]
    assert _listed(world) == [small.id, edge.id]
    assert _count(world.county_officer) == 1 and _count(world.admin) == 1
    assert _count(world.reviewer_a) is None  # the township has nothing to do with it
    with pytest.raises(Forbidden, match=RULE):
        linshi_approval.approve_linshi(world.reviewer_a, large.id)

    linshi_approval.approve_linshi(world.county_officer, large.id)
    assert large.decided_under == Confirmer.COUNTY
    assert large.decided_by_id == world.county_officer.id and large.decided_at is not None
    assert large.status == CaseStatus.DRAFT  # a 临时救助's status, approved or not
    note = db.session.scalars(
        select(AuditEntry.note).where(AuditEntry.entity_id == large.id).order_by(AuditEntry.id)
    ).all()
    assert note == [f"{RULE}：待县级审批", f"县级审批（{RULE}）"]
    assert _count(world.county_officer) == 0
    assert _listed(world, "县级审批后补列") == [small.id, edge.id, large.id]
    with pytest.raises(DomainError, match="不是待县级审批"):
        linshi_approval.approve_linshi(world.county_officer, large.id)


def test_an_amount_changed_after_the_approval_waits_for_the_county_again(world, factory, limited):
    case = _paid(world, factory, "800.00")
    data = factory.linshi_data(world.village_a, amount="1500.00", paid_on=str(local_today()))
    cases.update_case(world.clerk_a, case.id, data, case.version)
    assert (case.decided_under, case.decided_at) == (Confirmer.COUNTY, None)
    linshi_approval.approve_linshi(world.county_officer, case.id)
    data["amount"] = "2000.00"
    cases.update_case(world.clerk_a, case.id, data, case.version)
    assert (case.decided_under, case.decided_at) == (Confirmer.COUNTY, None)
    data["amount"] = "900.00"
    cases.update_case(world.clerk_a, case.id, data, case.version)
    assert case.decided_under is None and _listed(world) == [case.id]


def test_the_county_refuses_one_with_a_reason_and_it_is_never_listed(world, factory, limited):
    small, large = _paid(world, factory, "800.00"), _paid(world, factory, "1500.00")
    with pytest.raises(ValidationFailed, match="不予审批的理由：请写明理由"):
        linshi_approval.refuse_linshi(world.county_officer, large.id, " ")
    db.session.rollback()
    with pytest.raises(Forbidden, match=RULE):
        linshi_approval.refuse_linshi(world.reviewer_a, large.id, "家庭收入超过救助条件")
    linshi_approval.refuse_linshi(world.county_officer, large.id, "家庭收入超过救助条件")
    assert large.status == CaseStatus.REJECTED
    assert large.closing_reason == "家庭收入超过救助条件"
    assert (large.decided_under, large.decided_by_id) == (Confirmer.COUNTY, world.county_officer.id)
    assert _count(world.county_officer) == 0
    assert _listed(world) == [small.id]
    with pytest.raises(DomainError, match="不是待县级审批"):
        linshi_approval.approve_linshi(world.county_officer, large.id)


def test_a_large_emergency_payment_is_confirmed_by_the_county_not_the_township(
    world, factory, limited
):
    reason = "住房失火，一家四口无处安身，乡镇先行发放"
    large = _paid(world, factory, "1500.00", emergency_reason=reason)
    small = _paid(world, factory, "800.00", emergency_reason=reason)
    # paid first, both are on the after-the-fact list at once
    assert _listed(world) == [large.id, small.id]
    assert _count(world.reviewer_a, "待确认补办手续的先行救助") == 1
    assert _count(world.county_officer) == 1
    with pytest.raises(Forbidden, match=RULE):
        emergency.complete_paperwork(world.reviewer_a, large.id)
    with pytest.raises(DomainError, match="已发放的先行救助"):
        linshi_approval.refuse_linshi(world.county_officer, large.id, "材料不全")
    linshi_approval.approve_linshi(world.county_officer, large.id)
    assert large.paperwork_done_by_id == world.county_officer.id
    assert (large.decided_under, large.decided_by_id) == (Confirmer.COUNTY, world.county_officer.id)

    # below the limit, as before: the township's reviewer, recorded as the township's
    with pytest.raises(Forbidden, match="只有乡镇审核人可以确认先行救助补办手续"):
        emergency.complete_paperwork(world.county_officer, small.id)
    emergency.complete_paperwork(world.reviewer_a, small.id)
    assert (small.decided_under, small.decided_by_id) == (Confirmer.TOWNSHIP, world.reviewer_a.id)
    assert _count(world.reviewer_a, "待确认补办手续的先行救助") == 0


def test_the_county_approves_and_refuses_from_the_case_page(app, world, factory, limited):
    approved, refused = _paid(world, factory, "1500.00"), _paid(world, factory, "2500.00")
    reviewer = app.test_client()
    login(reviewer, world.reviewer_a.username)
    page = reviewer.get(f"/staff/cases/{approved.id}").get_data(as_text=True)
    assert "待县级民政部门审批；审批前不列入临时救助公示" in page and "审批通过" not in page
    token = csrf_token(reviewer, f"/staff/cases/{approved.id}")
    url = f"/staff/cases/{approved.id}/county-approval"
    assert reviewer.post(url, data={"csrf_token": token}).status_code == 403

    county = app.test_client()
    login(county, world.county_officer.username)
    home = county.get("/staff/home").get_data(as_text=True)
    assert WAITING in home and "paperwork=county" in home
    listing = county.get("/staff/?paperwork=county").get_data(as_text=True)
    assert "共 2 件" in listing and listing.count("待县级审批</span>") == 2
    token = csrf_token(county, f"/staff/cases/{approved.id}")
    page = county.post(url, data={"csrf_token": token}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "已审批 临时救助-" in text and "县级民政部门审批（超过本县乡镇审批限额）" in text
    assert world.county_officer.display_name in text

    url = f"/staff/cases/{refused.id}/county-refusal"
    page = county.post(url, data={"csrf_token": token, "reject-reason": ""}, follow_redirects=True)
    assert "不予审批的理由：请写明理由" in page.get_data(as_text=True)
    assert db.session.get(type(refused), refused.id).status == CaseStatus.DRAFT
    data = {"csrf_token": token, "reject-reason": "家庭收入超过救助条件"}
    text = county.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    assert "不予审批" in text and "家庭收入超过救助条件" in text
    assert "共 0 件" in county.get("/staff/?paperwork=county").get_data(as_text=True)


def test_the_limit_is_set_on_the_approval_page_refused_naming_the_field_and_audited(app, world):
    client = app.test_client()
    login(client, world.county_officer.username)
    page = client.get("/staff/admin/regions/approval").get_data(as_text=True)
    assert "当前：不设限额（乡镇审批全部临时救助）" in page
    token = csrf_token(client, "/staff/admin/regions/approval")
    url = "/staff/admin/regions/approval/linshi-limit"
    for bad, message in (
        ("一千", "临时救助乡镇审批限额：“一千”不是金额"),
        ("0", "临时救助乡镇审批限额：必须大于 0"),
        ("1000.005", "临时救助乡镇审批限额：最多保留 2 位小数"),
    ):
        refused = client.post(url, data={"csrf_token": token, "linshi_limit": bad})
        assert refused.status_code == 200 and message in refused.get_data(as_text=True)
    assert world.county.linshi_township_limit is None
    saved = client.post(url, data={"csrf_token": token, "linshi_limit": "１,０００"})
    assert saved.status_code == 302
    page = client.get("/staff/admin/regions/approval").get_data(as_text=True)
    assert "当前：1,000.00 元" in page and 'value="1000.00"' in page
    client.post(url, data={"csrf_token": token, "linshi_limit": ""})
    db.session.expire_all()
    assert world.county.linshi_township_limit is None
    changes = db.session.scalars(
        select(AuditEntry.changes)
        .where(AuditEntry.note == "临时救助审批限额")
        .order_by(AuditEntry.id)
    ).all()
    assert changes == [
        {"linshi_township_limit": ["不设限额（乡镇审批全部临时救助）", "1,000.00 元"]},
        {"linshi_township_limit": ["1,000.00 元", "不设限额（乡镇审批全部临时救助）"]},
    ]
    reviewer = app.test_client()
    login(reviewer, world.reviewer_a.username)
    token = csrf_token(reviewer, "/staff/")
    assert reviewer.post(url, data={"csrf_token": token, "linshi_limit": "5"}).status_code == 403
    with pytest.raises(Forbidden):
        set_linshi_limit(world.reviewer_a, world.county.id, "5")
    with pytest.raises(NotFound):
        set_linshi_limit(world.county_officer, world.township_a.id, "5")


def test_flask_settings_show_prints_the_limit(app, world, limited):
    result = app.test_cli_runner().invoke(args=["settings", "show", "--region", "示范县"])
    assert (
        "linshi.township_limit = 1000.00  # 乡镇审批临时救助的最高金额，超过的由县级审批："
        "1,000.00 元"
    ) in result.output.splitlines()


def test_statistics_count_a_payment_waiting_for_the_county_only_once_it_is_approved(
    world, factory, limited
):
    """The month's figures and the trend count what the after-the-fact list shows: a
    payment above the limit counts once the county has approved it, a refused one never."""
    month = local_today().replace(day=1)

    def linshi() -> tuple[int, int, int]:
        cell = month_report(world.county, month).total.programs[Program.LINSHI]
        last = trend(world.county, month)[-1].programs[Program.LINSHI]
        public = month_report(world.county, month, detail=False).total.programs[Program.LINSHI]
        assert (last.households, last.amount_fen) == (cell.households, cell.amount_fen)
        assert (public.households, public.amount_fen) == (cell.households, cell.amount_fen)
        return cell.households, cell.amount_fen, cell.ytd_count

    _paid(world, factory, "800.00")
    large, refused = _paid(world, factory, "1500.00"), _paid(world, factory, "2500.00")
    assert linshi() == (1, 80000, 1)
    linshi_approval.refuse_linshi(world.county_officer, refused.id, "家庭收入超过救助条件")
    linshi_approval.approve_linshi(world.county_officer, large.id)
    assert linshi() == (2, 230000, 2)
