"""近亲属备案: a case whose applicant or member is a near relative of social-assistance staff
or of a village committee member is registered, marked in the staff lists, blocked from any
decision until the county's home visit (入户核查) is recorded, shown on the notices where the
county chooses, and counted in the statistics."""

import io
import json
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from noticeboard.audit.models import AuditEntry
from noticeboard.cases import relatives
from noticeboard.cases.models import CaseStatus, Program
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError, Forbidden, ValidationFailed
from noticeboard.extensions import db
from noticeboard.masking.rules import Channel
from noticeboard.notices import approval, pre_approval
from noticeboard.notices.snapshots import snapshot_of
from noticeboard.printing import services as printing
from noticeboard.regions.models import NearRelativeColumn
from noticeboard.regions.services import update_notice_settings
from noticeboard.statistics.figures import near_relative_figures
from tests.conftest import csrf_token, login, post_form
from tests.notices.test_lifecycle import travel

START = local_today() - timedelta(days=20)
REGISTRATION = {
    "person_name": "李秀英",
    "staff_name": "王建国",
    "post": "committee",
    "workplace": "东风村村委会委员",
    "relation": "兄弟姐妹",
}
VISIT = {
    "visited_on": str(local_today()),
    "visitors": "陈科长、刘干事",
    "finding": "家庭无其他收入",
}


def _in_ended_notice(world, factory, register: bool = True):
    """A 低保 case (member 李秀英) whose 7-day notice ended with no objection."""
    with travel(START):
        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
        if register:
            relatives.register_near_relative(world.clerk_a, case.id, REGISTRATION)
        draft = pre_approval.prepare_notice(
            world.clerk_a, world.village_a.id, Program.DIBAO, [case.id]
        )
        pre_approval.publish_notice(world.reviewer_a, draft.id)
    return case


def test_a_registration_names_each_bad_field_and_saves_nothing(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    with pytest.raises(ValidationFailed) as error:
        relatives.register_near_relative(
            world.clerk_a,
            case.id,
            {"person_name": "不在本户", "staff_name": "", "post": "mayor", "relation": "表兄弟"},
        )
    assert set(error.value.errors) == {"person_name", "staff_name", "post", "workplace", "relation"}
    assert error.value.errors["relation"][0].startswith("亲属关系：")
    db.session.rollback()
    assert db.session.get(type(case), case.id).near_relatives == []
    with pytest.raises(Forbidden):
        relatives.register_near_relative(world.county_officer, case.id, REGISTRATION)


def test_a_near_relative_case_waits_for_the_county_home_visit_then_is_approved(world, factory):
    case = _in_ended_notice(world, factory)
    ready, blocked = approval.approval_queue(world.county_officer)
    assert ready == [] and [(s.case_id, s.blocker) for s in blocked] == [
        (case.id, relatives.HOME_VISIT_NEEDED)
    ]
    with pytest.raises(DomainError, match="须县级民政部门入户核查"):
        approval.approve_case(world.county_officer, case.id)
    with pytest.raises(DomainError, match="须县级民政部门入户核查"):
        approval.reject_case(world.county_officer, case.id, "不符合条件")
    db.session.rollback()

    # the township may not record the county's visit; a visit in the future is a typing slip
    with pytest.raises(Forbidden, match="入户核查由县级民政部门登记"):
        relatives.record_home_visit(world.reviewer_a, case.id, VISIT)
    tomorrow = str(local_today() + timedelta(days=1))
    with pytest.raises(ValidationFailed) as error:
        relatives.record_home_visit(
            world.county_officer, case.id, {"visited_on": tomorrow, "visitors": "", "finding": ""}
        )
    assert set(error.value.errors) == {"visited_on", "visitors", "finding"}
    db.session.rollback()

    relatives.record_home_visit(world.county_officer, case.id, VISIT)
    assert approval.approve_case(world.county_officer, case.id).status == CaseStatus.APPROVED
    notes = db.session.scalars(
        select(AuditEntry.note)
        .where(AuditEntry.entity_type == "case", AuditEntry.entity_id == case.id)
        .order_by(AuditEntry.id)
    ).all()
    assert "近亲属备案" in notes and "入户核查" in notes


def test_a_case_without_registration_needs_no_home_visit(world, factory):
    case = _in_ended_notice(world, factory, register=False)
    with pytest.raises(DomainError, match="没有近亲属备案"):
        relatives.record_home_visit(world.county_officer, case.id, VISIT)
    db.session.rollback()
    assert approval.approve_case(world.county_officer, case.id).status == CaseStatus.APPROVED


def test_registered_cases_are_marked_in_the_case_list_and_the_approval_queue(app, world, factory):
    case = _in_ended_notice(world, factory)
    factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    clerk = app.test_client()
    login(clerk, world.clerk_a.username)
    listing = clerk.get("/staff/").get_data(as_text=True)
    assert listing.count("badge near-relative") == 1
    detail = clerk.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "近亲属备案，待入户核查" in detail
    county = app.test_client()
    login(county, world.county_officer.username)
    queue = county.get("/staff/approvals").get_data(as_text=True)
    assert "badge near-relative" in queue and relatives.HOME_VISIT_NEEDED in queue


def test_the_clerk_registers_and_the_county_records_the_visit_on_the_page(app, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    url = f"/staff/cases/{case.id}/near-relatives"
    clerk = app.test_client()
    login(clerk, world.clerk_a.username)
    refused = post_form(clerk, f"{url}/new", REGISTRATION | {"relation": ""}, url)
    assert refused.status_code == 200
    assert "亲属关系：请从列表中选择" in refused.get_data(as_text=True)
    saved = post_form(clerk, f"{url}/new", REGISTRATION, url)
    assert saved.status_code == 302
    page = clerk.get(url).get_data(as_text=True)
    assert "王建国" in page and "东风村村委会委员" in page and "尚未入户核查" in page
    assert "登记入户核查" not in page  # the clerk has no visit form

    county = app.test_client()
    login(county, world.county_officer.username)
    token = csrf_token(county, url)
    visit_url = f"/staff/cases/{case.id}/home-visit"
    bad = county.post(visit_url, data=VISIT | {"visited_on": "2026-13-01", "csrf_token": token})
    assert bad.status_code == 200 and "入户核查日期：请按" in bad.get_data(as_text=True)
    done = county.post(visit_url, data=VISIT | {"csrf_token": token}, follow_redirects=True)
    assert "已登记" in done.get_data(as_text=True) and "家庭无其他收入" in done.get_data(
        as_text=True
    )


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_column_is_on_the_printed_notice_and_not_online_by_default(app, world, factory):
    case = _in_ended_notice(world, factory)
    notice = case_notice(case)
    board, online = snapshot_of(notice, Channel.BOARD), snapshot_of(notice, Channel.ONLINE)
    assert board["columns"][-1] == {"key": "near_relative", "label": "近亲属备案"}
    assert board["rows"][0]["near_relative"] == "是"
    assert "near_relative" not in json.dumps(online)
    with app.test_request_context():
        printed = _pdf_text(printing.notice_pdf(notice, "board", "A4-portrait").data)
        web = _pdf_text(printing.notice_pdf(notice, "online", "A4-portrait").data)
    assert "近亲属备案" in printed and "近亲属备案" not in web
    # neither copy names the staff member or the relation
    for text in (printed, web, notice.snapshot_board, notice.snapshot_online):
        assert "王建国" not in text and "兄弟姐妹" not in text


def case_notice(case):
    return approval.latest_notices([case.id])[case.id]


@pytest.mark.parametrize(
    ("choice", "on_board", "online"),
    [("online", False, True), ("both", True, True), ("none", False, False)],
)
def test_the_county_setting_chooses_the_channels(world, factory, choice, on_board, online):
    update_notice_settings(
        world.admin, world.county, world.county.phone, "inherit", "", near_relatives=choice
    )
    assert world.county.near_relatives_shown == NearRelativeColumn(choice)
    notice = case_notice(_in_ended_notice(world, factory))
    for channel, shown in ((Channel.BOARD, on_board), (Channel.ONLINE, online)):
        keys = [c["key"] for c in snapshot_of(notice, channel)["columns"]]
        assert ("near_relative" in keys) == shown


def test_only_a_county_sets_the_column_and_the_change_is_audited(world):
    with pytest.raises(ValidationFailed, match="近亲属备案栏"):
        update_notice_settings(world.admin, world.township_a, "", "inherit", "", "online")
    db.session.rollback()
    update_notice_settings(world.admin, world.county, world.county.phone, "inherit", "", "both")
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.changes["near_relative_column"] == ["仅张贴公示显示", "张贴和网上公示均显示"]


def test_statistics_count_the_registered_cases_and_those_waiting_for_the_visit(app, world, factory):
    _in_ended_notice(world, factory)
    visited = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    relatives.register_near_relative(
        world.clerk_a, visited.id, REGISTRATION | {"person_name": "欧阳娜娜"}
    )
    relatives.record_home_visit(world.county_officer, visited.id, VISIT)
    factory.case(world.clerk_b, Program.TEKUN, world.village_b)
    figures = near_relative_figures(world.county)
    assert (figures.registered, figures.waiting_for_visit) == (2, 1)
    assert near_relative_figures(world.township_b).registered == 0
    county = app.test_client()
    login(county, world.county_officer.username)
    page = county.get("/staff/statistics/").get_data(as_text=True)
    assert (
        "未终止的近亲属备案案件 <strong>2</strong> 件，其中待县级入户核查 <strong>1</strong> 件"
        in page
    )


def test_flask_settings_show_prints_the_column_setting(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["settings", "show", "--region", "示范县"])
    assert "near_relatives.column = board  # 公示中的近亲属备案栏：仅张贴公示显示" in result.output
    update_notice_settings(world.admin, world.county, world.county.phone, "inherit", "", "online")
    result = runner.invoke(args=["settings", "show", "--region", "示范县"])
    assert "near_relatives.column = online" in result.output


def test_the_administrator_sets_the_column_on_the_county_settings_page(app, world):
    client = app.test_client()
    login(client, world.admin.username)
    url = f"/staff/admin/regions/{world.county.id}/settings"
    assert "公示中的近亲属备案栏" in client.get(url).get_data(as_text=True)
    township = f"/staff/admin/regions/{world.township_a.id}/settings"
    assert "近亲属备案栏" not in client.get(township).get_data(as_text=True)
    data = {"phone": world.county.phone, "working_day_notices": "inherit", "assessment_panel": ""}
    saved = post_form(client, url, data | {"near_relative_column": "both"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert world.county.near_relatives_shown == NearRelativeColumn.BOTH
    refused = post_form(client, url, data | {"near_relative_column": "everywhere"})
    assert "近亲属备案栏：请由县/区从列表中选择" in refused.get_data(as_text=True)
