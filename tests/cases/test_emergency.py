"""先行救助: an emergency 临时救助 paid first by the township with a reason; its paperwork and
approval are due within EMERGENCY_PAPERWORK_WORKING_DAYS working days of the payment, shown
overdue on the township's 工作台 after that, confirmed by a reviewer who did not enter it; it
is on the month's after-the-fact list like every payment."""

from datetime import date

import pytest
from sqlalchemy import select

from noticeboard.audit.models import AuditEntry
from noticeboard.cases import emergency
from noticeboard.cases import services as cases
from noticeboard.cases.models import Program
from noticeboard.core.errors import DomainError, Forbidden, ValidationFailed
from noticeboard.extensions import db
from noticeboard.notices.linshi_lists import publish_linshi_list
from noticeboard.notices.snapshots import snapshot_of
from noticeboard.notices.todo import workbench
from tests.conftest import login
from tests.notices.test_lifecycle import travel

# 2025: 10-01..10-08 off, Saturday 10-11 a make-up working day. Paid on 09-30, five working
# days are 10-09, 10-10, 10-11, 10-13, 10-14.
PAID = date(2025, 9, 30)
DUE = date(2025, 10, 14)
REASON = "住房失火，一家四口无处安身，乡镇先行发放"


def _paid_first(world, factory, user=None, **overrides):
    with travel(date(2025, 10, 1)):
        return factory.case(
            user or world.clerk_a,
            Program.LINSHI,
            world.village_a,
            **({"paid_on": str(PAID), "emergency_reason": REASON} | overrides),
        )


def _task(user, label, day):
    with travel(day):
        return next((t.count for t in workbench(user).tasks if t.label == label), None)


def test_only_an_emergency_payment_already_made_is_paid_first(world, factory):
    with pytest.raises(ValidationFailed) as error:
        _paid_first(world, factory, linshi_type="expenditure", paid_on="")
    assert error.value.errors["emergency_reason"][0].startswith(
        "先行救助理由：先行救助只适用于急难型"
    )
    assert error.value.errors["paid_on"] == ["发放日期：先行救助是已先行发放的救助，请填写发放日期"]
    ordinary = factory.case(world.clerk_a, Program.LINSHI, world.village_a)
    assert ordinary.emergency_reason is None and emergency.paperwork_deadline(ordinary) is None


def test_the_deadline_counts_working_days_across_the_national_day_holiday(world, factory):
    case = _paid_first(world, factory)
    assert emergency.paperwork_deadline(case, date(2025, 10, 14)).due == DUE
    assert emergency.paperwork_deadline(case, date(2025, 10, 16)).overdue_days == 2
    overdue = "逾期未补办手续的先行救助"
    assert _task(world.clerk_a, overdue, DUE) == 0
    assert _task(world.clerk_a, overdue, date(2025, 10, 15)) == 1
    assert _task(world.clerk_b, overdue, date(2025, 10, 15)) == 0  # another township


def test_the_working_days_are_configurable(app, world, factory, monkeypatch):
    monkeypatch.setitem(app.config, "EMERGENCY_PAPERWORK_WORKING_DAYS", 3)
    case = _paid_first(world, factory)
    assert emergency.paperwork_deadline(case).due == date(2025, 10, 11)
    assert _task(world.clerk_a, "逾期未补办手续的先行救助", date(2025, 10, 13)) == 1


def test_an_overdue_one_is_on_the_dashboard_and_the_case_list(app, world, factory):
    case = _paid_first(world, factory)
    factory.case(world.clerk_a, Program.LINSHI, world.village_a)
    client = app.test_client()
    with travel(date(2025, 10, 20)):
        login(client, world.clerk_a.username)
        home = client.get("/staff/home").get_data(as_text=True)
        listing = client.get("/staff/?paperwork=overdue").get_data(as_text=True)
        detail = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "逾期未补办手续的先行救助" in home and "paperwork=overdue" in home
    assert "共 1 件" in listing and case.reference in listing
    assert f"{DUE} 前补办手续并审批" in detail and "已逾期 6 天" in detail


def test_a_reviewer_who_did_not_enter_it_confirms_the_paperwork(app, world, factory):
    case = _paid_first(world, factory)
    with pytest.raises(Forbidden):
        emergency.complete_paperwork(world.clerk_a, case.id)
    assert _task(world.reviewer_a, "待确认补办手续的先行救助", date(2025, 10, 20)) == 1
    reviewer = app.test_client()
    with travel(date(2025, 10, 20)):
        login(reviewer, world.reviewer_a.username)
        done = reviewer.get(f"/staff/cases/{case.id}").get_data(as_text=True)
        assert "确认已补办手续并审批" in done
        token = done.split('name="csrf_token" value="')[1].split('"')[0]
        page = reviewer.post(
            f"/staff/cases/{case.id}/paperwork",
            data={"csrf_token": token},
            follow_redirects=True,
        ).get_data(as_text=True)
    assert "已确认" in page and "补办并审批（黄审核）" in page
    assert _task(world.clerk_a, "逾期未补办手续的先行救助", date(2025, 10, 20)) == 0
    with pytest.raises(DomainError, match="刚被他人修改"):  # from the copy read before
        emergency.complete_paperwork(world.reviewer_a, case.id)
    db.session.expire_all()
    with pytest.raises(DomainError, match="已经补办"):
        emergency.complete_paperwork(world.reviewer_a, case.id)
    note = db.session.scalars(
        select(AuditEntry.note).where(AuditEntry.entity_id == case.id).order_by(AuditEntry.id)
    ).all()[-1]
    assert note == "先行救助补办手续并审批，逾期 6 天"


def test_the_entering_administrator_may_not_confirm_it_too(world, factory):
    case = _paid_first(world, factory, world.admin)
    with pytest.raises(Forbidden, match="审核与经办不能是同一人"):
        emergency.complete_paperwork(world.admin, case.id)


def test_once_paid_it_is_on_the_after_the_fact_list(world, factory):
    case = _paid_first(world, factory)
    with travel(date(2025, 10, 15)):
        notice = publish_linshi_list(world.reviewer_a, world.village_a.id, "2025-09")
    rows = snapshot_of(notice, "online")["rows"]
    assert [r["paid_on"] for r in rows] == [str(PAID)]
    assert [e.case_id for e in notice.entries] == [case.id]
    assert REASON not in notice.snapshot_online and REASON not in notice.snapshot_board


def test_paperwork_done_keeps_its_reason_on_an_edit(world, factory):
    case = _paid_first(world, factory)
    emergency.complete_paperwork(world.reviewer_a, case.id)
    data = factory.linshi_data(world.village_a, paid_on=str(PAID), emergency_reason="")
    with pytest.raises(ValidationFailed, match="理由不能清空"):
        cases.update_case(world.clerk_a, case.id, data, case.version)


def test_flask_settings_show_prints_the_paperwork_days(app, world):
    result = app.test_cli_runner().invoke(args=["settings", "show", "--region", "示范县"])
    assert "emergency.paperwork_working_days = 5  # 先行救助发放后补办手续的工作日数" in (
        result.output.splitlines()
    )
