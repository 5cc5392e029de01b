"""Deadlines after a decision: a refusal (不予确认) is told in writing within 3 working days;
a 特困 case whose objection was upheld is noticed again within 15 working days. Both across
the 2025 National Day (10-01..10-08 off; Sunday 09-28 and Saturday 10-11 worked)."""

from datetime import date

import pytest
from sqlalchemy import select

from noticeboard.audit.models import AuditEntry
from noticeboard.cases.deadlines import refusal_letter_deadline, refusal_letter_overdue_clause
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.cases.refusals import record_refusal_letter
from noticeboard.core.errors import DomainError, Forbidden
from noticeboard.extensions import db
from noticeboard.notices import approval, objections, pre_approval
from noticeboard.notices.deadlines import renotice_deadline, renotice_overdue_clause
from noticeboard.notices.todo import workbench
from tests.conftest import csrf_token, login
from tests.notices.test_lifecycle import travel


def _noticed(world, factory, program, day: date):
    with travel(day):
        case = factory.case(world.clerk_a, program, world.village_a, applicant_name="待决定")
        draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, program, [case.id])
        notice = pre_approval.publish_notice(world.reviewer_a, draft.id)
    return case, notice


def _ids(clause) -> list[int]:
    return db.session.scalars(select(Case.id).where(clause)).all()


def _refused_on_the_last_day_before_national_day(world, factory) -> Case:
    case, _ = _noticed(world, factory, Program.DIBAO, date(2025, 9, 15))
    with travel(date(2025, 9, 30)):  # Tuesday; the holiday starts the next day
        approval.reject_case(world.county_officer, case.id, "家庭收入超过当地低保标准。")
    return case


def test_a_refusal_is_due_in_writing_3_working_days_later_counted_past_the_holiday(
    app, world, factory
):
    case = _refused_on_the_last_day_before_national_day(world, factory)
    # 10-01..10-08 off: the 3 working days are 10-09, 10-10 and Saturday 10-11 (worked).
    deadline = refusal_letter_deadline(case, today=date(2025, 10, 11))
    assert (deadline.due, deadline.overdue_days, deadline.estimated) == (
        date(2025, 10, 11),
        0,
        False,
    )
    assert _ids(refusal_letter_overdue_clause(date(2025, 10, 11))) == []
    assert _ids(refusal_letter_overdue_clause(date(2025, 10, 13))) == [case.id]
    assert refusal_letter_deadline(case, today=date(2025, 10, 13)).overdue_days == 2

    with travel(date(2025, 10, 13)):
        record_refusal_letter(world.clerk_a, case.id, "2025-10-10")
        assert refusal_letter_deadline(case) is None
        assert _ids(refusal_letter_overdue_clause()) == []
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == case.id).order_by(AuditEntry.id.desc())
    ).first()
    assert entry.note == "不予确认书面告知"
    assert entry.changes == {"refusal_told_on": [None, "2025-10-10"]}


def test_a_letter_date_before_the_decision_or_in_the_future_is_refused_naming_the_field(
    app, world, factory
):
    case = _refused_on_the_last_day_before_national_day(world, factory)
    with travel(date(2025, 10, 13)):
        for bad in ("2025-09-29", "2025-10-20", "十月十日", ""):
            with pytest.raises(DomainError, match="书面告知日期") as refused:
                record_refusal_letter(world.clerk_a, case.id, bad)
            assert refused.value.field == "told_on"
            db.session.rollback()
        assert db.session.get(Case, case.id).refusal_told_on is None
        with pytest.raises(Forbidden, match="乡镇"):
            record_refusal_letter(world.county_officer, case.id, "2025-10-10")
        approved, _ = _noticed(world, factory, Program.DIBAO, date(2025, 10, 13))
        with pytest.raises(DomainError, match="未作不予确认决定"):
            record_refusal_letter(world.clerk_a, approved.id, "2025-10-13")


def test_the_workbench_the_list_and_the_case_page_show_a_late_letter(app, world, factory):
    case = _refused_on_the_last_day_before_national_day(world, factory)
    with travel(date(2025, 10, 14)):
        tasks = {t.label: t for t in workbench(world.clerk_a).tasks}
        assert tasks["不予确认后未按时书面告知"].count == 1
        assert {t.label: t for t in workbench(world.clerk_b).tasks}[
            "不予确认后未按时书面告知"
        ].count == 0  # another township
        client = app.test_client()
        login(client, world.clerk_a.username)
        home = client.get("/staff/home").get_data(as_text=True)
        assert "不予确认后未按时书面告知" in home and "overdue=letter" in home
        listed = client.get("/staff/?overdue=letter").get_data(as_text=True)
        assert "待决定" in listed
        page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
        assert "2025-10-11 前书面告知申请人" in page and "已超期 3 天" in page
        sent = client.post(
            f"/staff/cases/{case.id}/refusal-letter",
            data={
                "told_on": "2025-10-14",
                "csrf_token": csrf_token(client, f"/staff/cases/{case.id}"),
            },
        )
        assert sent.status_code == 302
        page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
        assert "2025-10-14 已书面告知申请人" in page and "已超期" not in page
        assert "待决定" not in client.get("/staff/?overdue=letter").get_data(as_text=True)


def test_an_upheld_tekun_objection_must_be_noticed_again_within_15_working_days(
    app, world, factory
):
    case, notice = _noticed(world, factory, Program.TEKUN, date(2025, 9, 22))
    with travel(date(2025, 9, 24)):
        objection = objections.raise_objection(notice.id, "该户子女有赡养能力，请核实。", line=1)
    with travel(date(2025, 9, 29)):  # Monday
        objections.resolve_objection(
            world.reviewer_a, objection.id, "upheld", "入户核查属实，需重新评议。"
        )
        assert db.session.get(Case, case.id).status == CaseStatus.INVESTIGATING
    # 09-30, then 10-09, 10-10, 10-11 (worked Saturday), 10-13 … : the 15th is 10-27,
    # as chinese_calendar.get_workdays counts.
    named = renotice_deadline(case, today=date(2025, 10, 27))
    assert named.deadline.due == date(2025, 10, 27) and named.deadline.overdue_days == 0
    assert _ids(renotice_overdue_clause(date(2025, 10, 27))) == []
    assert _ids(renotice_overdue_clause(date(2025, 10, 28))) == [case.id]
    with travel(date(2025, 10, 30)):
        tasks = {t.label: t for t in workbench(world.county_officer).tasks}
        assert tasks["异议成立后未按时重新公示"].count == 1
        client = app.test_client()
        login(client, world.clerk_a.username)
        assert "待决定" in client.get("/staff/?overdue=renotice").get_data(as_text=True)
        page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
        assert "重新公示时限" in page and "2025-10-27 前重新调查核实并重新公示" in page
        # noticed again: the deadline is met
        draft = pre_approval.prepare_notice(
            world.clerk_a, world.village_a.id, Program.TEKUN, [case.id]
        )
        pre_approval.publish_notice(world.reviewer_a, draft.id)
        assert renotice_deadline(db.session.get(Case, case.id)) is None
        assert _ids(renotice_overdue_clause()) == []


def test_an_upheld_dibao_objection_sets_no_renotice_deadline(app, world, factory):
    case, notice = _noticed(world, factory, Program.DIBAO, date(2025, 9, 22))
    with travel(date(2025, 9, 24)):
        objection = objections.raise_objection(notice.id, "该户有经营性收入，请核实。", line=1)
    with travel(date(2025, 9, 29)):
        objections.resolve_objection(
            world.reviewer_a, objection.id, "upheld", "入户核查属实，需重新核算收入。"
        )
    assert renotice_deadline(case, today=date(2025, 12, 1)) is None
    assert _ids(renotice_overdue_clause(date(2025, 12, 1))) == []


def test_the_migration_takes_old_refusals_as_told_on_their_decision_day(app, world, factory):
    """Refusals made before the column existed are not listed as late: the migration records
    them as told on the day of the decision (Beijing time: 23:30 UTC is the next day)."""
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    case, _ = _noticed(world, factory, Program.DIBAO, date(2025, 9, 15))
    case_id = case.id
    approval.reject_case(world.county_officer, case_id, "家庭收入超过当地低保标准。")
    decided = db.session.get(Case, case_id).decided_at
    db.session.execute(
        text("UPDATE cases SET decided_at = :at WHERE id = :id"),
        {"at": decided.replace(2025, 9, 30, 23, 30), "id": case_id},
    )
    db.session.commit()
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    before = script.get_revision("0025_refusal_letters").down_revision
    db.session.remove()
    downgrade(revision=before)
    upgrade()
    told = db.session.scalar(
        text("SELECT refusal_told_on FROM cases WHERE id = :id"), {"id": case_id}
    )
    assert str(told) == "2025-10-01"
    assert _ids(refusal_letter_overdue_clause(date(2025, 12, 1))) == []
