"""Delegated approval (审核确认): a county lets its townships confirm a program's cases.
The township's reviewer then confirms, never the one who entered the case or published its
notice; the county no longer does; every decision records under which choice it was made."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from noticeboard.accounts.models import Role
from noticeboard.accounts.services import create_user
from noticeboard.audit.models import AuditEntry
from noticeboard.cases.models import CaseStatus, Program
from noticeboard.core.dates import local_today
from noticeboard.core.errors import Forbidden, NotFound, ValidationFailed
from noticeboard.extensions import db
from noticeboard.notices import approval, pre_approval
from noticeboard.notices.todo import workbench
from noticeboard.regions.delegation import confirmers, set_confirmers
from noticeboard.regions.models import Confirmer
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD
from tests.notices.test_lifecycle import travel

START = local_today() - timedelta(days=20)


def _ended_notice_case(world, factory, program):
    """A case whose 7-day notice (published by reviewer_a) ended with no objection."""
    with travel(START):
        case = factory.case(world.clerk_a, program, world.village_a)
        draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, program, [case.id])
        pre_approval.publish_notice(world.reviewer_a, draft.id)
    return case


@pytest.fixture
def second_reviewer(world):
    user = create_user("reviewer_a2", PASSWORD, Role.REVIEWER, world.township_a, "吴审核")
    db.session.commit()
    return user


def test_the_county_confirms_unless_it_delegates(world, factory, second_reviewer):
    assert confirmers(world.county.id) == {"dibao": Confirmer.COUNTY, "tekun": Confirmer.COUNTY}
    case = _ended_notice_case(world, factory, Program.DIBAO)
    with pytest.raises(Forbidden, match="本县低保由县级民政部门审核确认"):
        approval.approve_case(second_reviewer, case.id)
    ready, _ = approval.approval_queue(second_reviewer)
    assert ready == []


def test_a_delegated_program_is_confirmed_by_another_reviewer_of_the_township(
    world, factory, second_reviewer
):
    set_confirmers(world.county_officer, world.county.id, {"dibao": "township", "tekun": "county"})
    dibao = _ended_notice_case(world, factory, Program.DIBAO)
    tekun = _ended_notice_case(world, factory, Program.TEKUN)

    # the county sees only what it still confirms; the township's reviewer the delegated part
    assert [s.case_id for s in approval.approval_queue(world.county_officer)[0]] == [tekun.id]
    assert [s.case_id for s in approval.approval_queue(second_reviewer)[0]] == [dibao.id]
    assert approval.approval_queue(world.reviewer_a) == ([], [])  # published its notice
    with pytest.raises(Forbidden, match="由乡镇审核人审核确认"):
        approval.approve_case(world.county_officer, dibao.id)
    with pytest.raises(Forbidden, match="录入、公示本案件以外的审核人"):
        approval.approve_case(world.reviewer_a, dibao.id)  # published its notice
    with pytest.raises(Forbidden):
        approval.approve_case(world.clerk_a, dibao.id)
    with pytest.raises(Forbidden, match="由县级民政部门审核确认"):
        approval.approve_case(second_reviewer, tekun.id)

    approved = approval.approve_case(second_reviewer, dibao.id)
    assert approved.status == CaseStatus.APPROVED
    assert (approved.decided_by_id, approved.decided_under) == (
        second_reviewer.id,
        Confirmer.TOWNSHIP,
    )
    county_made = approval.approve_case(world.county_officer, tekun.id)
    assert county_made.decided_under == Confirmer.COUNTY
    # another township's reviewer does not even see the case
    other = create_user("reviewer_b", PASSWORD, Role.REVIEWER, world.township_b, "郑审核")
    db.session.commit()
    with pytest.raises(NotFound):
        approval.reject_case(other, dibao.id, "不符合条件")


def test_the_choice_is_audited_and_only_the_county_or_the_administrator_makes_it(world):
    with pytest.raises(Forbidden):
        set_confirmers(world.reviewer_a, world.county.id, {"dibao": "township", "tekun": "county"})
    with pytest.raises(ValidationFailed) as error:
        set_confirmers(world.county_officer, world.county.id, {"dibao": "village"})
    assert set(error.value.errors) == {"dibao", "tekun"}
    with pytest.raises(NotFound):
        set_confirmers(world.county_officer, world.township_a.id, {"dibao": "township"})
    set_confirmers(world.admin, world.county.id, {"dibao": "township", "tekun": "township"})
    set_confirmers(world.admin, world.county.id, {"dibao": "township", "tekun": "county"})
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.note == "审核确认权限").order_by(AuditEntry.id)
    ).all()
    assert [e.changes for e in entries] == [
        {
            "confirmer_dibao": ["县级民政部门审核确认", "委托乡镇（街道）审核确认"],
            "confirmer_tekun": ["县级民政部门审核确认", "委托乡镇（街道）审核确认"],
        },
        {"confirmer_tekun": ["委托乡镇（街道）审核确认", "县级民政部门审核确认"]},
    ]


def test_the_county_officer_delegates_on_the_page_and_the_reviewer_finds_the_work(
    app, world, factory, second_reviewer
):
    _ended_notice_case(world, factory, Program.DIBAO)
    client = app.test_client()
    login(client, world.county_officer.username)
    token = csrf_token(client, "/staff/admin/regions/approval")
    page = client.post(
        "/staff/admin/regions/approval",
        data={"csrf_token": token, "dibao": "township", "tekun": "county"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已保存审核确认权限" in page and "当前：委托乡镇（街道）审核确认" in page
    assert workbench(second_reviewer).to_approve == [(world.township_a, 1)]
    assert workbench(world.county_officer).to_approve == []
    reviewer = app.test_client()
    login(reviewer, second_reviewer.username)
    queue = reviewer.get("/staff/approvals")
    assert queue.status_code == 200 and "1 件可审批" in queue.get_data(as_text=True)


def test_flask_settings_show_prints_each_rule_of_the_county(app, world):
    set_confirmers(world.county_officer, world.county.id, {"dibao": "township", "tekun": "county"})
    result = app.test_cli_runner().invoke(args=["settings", "show", "--region", "示范县"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # one setting per line: "name = value  # what it means"
    settings = {line.split(" = ")[0]: line.split(" = ")[1] for line in lines}
    assert len(settings) == len(lines)
    assert settings["approval.dibao"] == "township  # 委托乡镇（街道）审核确认"
    assert settings["approval.tekun"] == "county  # 县级民政部门审核确认"
    assert settings["linshi.township_limit"].startswith("none  # ")
    assert settings["decision.working_days"].startswith("30  #")
    assert settings["refusal_letter.working_days"].startswith("3  #")
    assert settings["renotice.working_days"].startswith("15  #")
    assert settings["notice.working_days"].startswith("false  #")
    assert f"holidays.{local_today().year}" in settings
    assert f"holidays.{local_today().year + 1}" in settings
    assert settings["termination.dibao"].startswith("immediate  # 直接终止")
    assert settings["near_relatives.column"].startswith("board  #")
    assert settings["emergency.paperwork_working_days"].startswith("5  #")
    township = app.test_cli_runner().invoke(args=["settings", "show", "--region", "示范县/新店镇"])
    assert township.exit_code != 0 and "不是县/区" in township.output


def test_an_administrator_who_entered_a_county_confirmed_case_finds_it_in_the_queue(world, factory):
    """The entry rule binds a township reviewer of a delegated program only: the queue
    offers an administrator the county-confirmed case they entered, as the rule allows."""
    with travel(START):
        case = factory.case(world.admin, Program.DIBAO, world.village_a)
        draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
        pre_approval.publish_notice(world.reviewer_a, draft.id)
    ready, _ = approval.approval_queue(world.admin)
    assert [s.case_id for s in ready] == [case.id]
    approval.approve_case(world.admin, case.id)
    # delegated, the same entry is left out of the queue and refused
    set_confirmers(world.county_officer, world.county.id, {"dibao": "township", "tekun": "county"})
    with travel(START):
        mine = factory.case(world.admin, Program.DIBAO, world.village_a)
        draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [mine.id])
        pre_approval.publish_notice(world.reviewer_a, draft.id)
    ready, _ = approval.approval_queue(world.admin)
    assert mine.id not in [s.case_id for s in ready]
    with pytest.raises(Forbidden, match="审核确认与经办不能是同一人"):
        approval.approve_case(world.admin, mine.id)
