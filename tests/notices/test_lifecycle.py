"""The notice lifecycle through the services: prepare → publish → objection → re-notice →
approval → roster versions, for 低保 and 特困; temporary-assistance lists; immutability."""

import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import select

from noticeboard.cases import changes, lifecycle
from noticeboard.cases import services as cases
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.core.errors import DomainError, Forbidden, ValidationFailed
from noticeboard.extensions import db
from noticeboard.notices import (
    approval,
    linshi_lists,
    objections,
    pre_approval,
    rosters,
    state,
    terminations,
)
from noticeboard.notices.models import Notice, NoticeKind, PublishedNoticeIsImmutable
from noticeboard.notices.periods import notice_period_end
from noticeboard.notices.snapshots import canonical_json, sha256_hex

START = date(2026, 11, 2)  # a Monday


def travel(day: date):
    """Move the clock to 10:00 Beijing time on `day`."""
    return time_machine.travel(f"{day.isoformat()} 10:00 +0800", tick=False)


def test_notice_period_is_seven_calendar_days_by_default():
    assert notice_period_end(date(2025, 9, 30)) == date(2025, 10, 6)


def test_working_day_period_skips_the_national_day_holiday():
    # 2025: 10-01..10-08 off; Saturday 10-11 is a make-up working day.
    assert notice_period_end(date(2025, 9, 30), working_days=True) == date(2025, 10, 15)


def test_working_day_period_starting_on_a_holiday_begins_counting_after_it():
    # 10-09, 10-10, 10-11 (make-up Saturday), 10-13, 10-14, 10-15, 10-16
    assert notice_period_end(date(2025, 10, 1), working_days=True) == date(2025, 10, 16)


def published(world, factory, program=Program.DIBAO, village=None, **case_overrides):
    village = village or world.village_a
    case = factory.case(world.clerk_a, program, village, **case_overrides)
    draft = pre_approval.prepare_notice(world.clerk_a, village.id, program, [case.id])
    return pre_approval.publish_notice(world.reviewer_a, draft.id), case


def test_region_in_working_day_mode_gets_the_working_day_end(world, factory):
    world.township_a.working_day_notices = True
    db.session.commit()
    with travel(date(2025, 9, 30)):
        notice, _ = published(world, factory)
    assert (notice.start_date, notice.end_date) == (date(2025, 9, 30), date(2025, 10, 15))


def test_clerk_cannot_publish_their_own_notice(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, Program.DIBAO, [case.id])
    with pytest.raises(Forbidden, match="只有乡镇审核人可以发布"):
        pre_approval.publish_notice(world.clerk_a, draft.id)
    assert db.session.get(Notice, draft.id).status == "draft"


def test_an_admin_who_prepared_a_notice_cannot_publish_it_too(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(world.admin, world.village_a.id, Program.DIBAO, [case.id])
    with pytest.raises(Forbidden, match="审核与经办不能是同一人"):
        pre_approval.publish_notice(world.admin, draft.id)
    assert pre_approval.publish_notice(world.reviewer_a, draft.id).verification_code


def test_publishing_freezes_a_masked_online_snapshot_and_a_board_snapshot(world, factory):
    with travel(START):
        notice, case = published(world, factory, applicant_name="张三丰")
    online = json.loads(notice.snapshot_online)
    board = json.loads(notice.snapshot_board)
    assert online["rows"][0]["name"] == "张*丰" and board["rows"][0]["name"] == "张三丰"
    assert online["rows"][0]["address"] == "东风村" and board["rows"][0]["address"] == "东风村3组"
    assert online["period"] == {"start": "2026-11-02", "end": "2026-11-08"}
    assert online["title"] == "新店镇东风村2026年11月城乡最低生活保障拟保对象公示"
    assert online["phones"] == {"township": "0591-83210000", "county": "0591-87650000"}
    assert online["issuer"] == "新店镇人民政府"
    assert notice.sha256_online == sha256_hex(canonical_json(online))
    assert notice.snapshot_online == canonical_json(online)
    assert len(notice.verification_code) == 9 and notice.verification_code[4] == "-"
    for text in (notice.snapshot_online, notice.snapshot_board):
        assert case.applicant_id_number not in text and case.applicant_phone not in text
        assert case.members[0].name not in text
    assert db.session.get(Case, case.id).status == CaseStatus.IN_NOTICE


def test_a_published_notice_cannot_be_changed_or_deleted(world, factory):
    notice, _ = published(world, factory)
    for column, value in (
        ("title", "改过的标题"),
        ("snapshot_online", "{}"),
        ("end_date", date(2030, 1, 1)),
    ):
        setattr(notice, column, value)
        with pytest.raises(PublishedNoticeIsImmutable):
            db.session.commit()
        db.session.rollback()
    with pytest.raises(PublishedNoticeIsImmutable):
        db.session.delete(notice)
        db.session.commit()
    db.session.rollback()
    notice = db.session.get(Notice, notice.id)
    notice.entries[0].line = 7
    with pytest.raises(PublishedNoticeIsImmutable):
        db.session.commit()


@pytest.mark.parametrize("program", [Program.DIBAO, Program.TEKUN])
def test_case_to_objection_to_renotice_to_approval_to_roster(world, factory, program):
    with travel(START):
        first, case = published(world, factory, program)
        other = factory.case(world.clerk_a, program, world.village_a)
        pre_approval.publish_notice(
            world.reviewer_a,
            pre_approval.prepare_notice(world.clerk_a, world.village_a.id, program, [other.id]).id,
        )
    with travel(date(2026, 11, 4)):
        objection = objections.raise_objection(first.id, "该户有一辆小轿车，不符合条件。", line=1)
        assert objection.receipt_no.startswith("YY-")
    with travel(date(2026, 11, 9)):
        assert state.notice_state(first) == state.NoticeState.ENDED
        with pytest.raises(DomainError, match="未办结的异议"):
            approval.approve_case(world.county_officer, case.id)
        objections.resolve_objection(
            world.reviewer_a, objection.id, "upheld", "入户核查属实，车辆登记在户主名下。"
        )
        assert db.session.get(Case, case.id).status == CaseStatus.INVESTIGATING
        with pytest.raises(DomainError, match="复查中"):
            approval.approve_case(world.county_officer, case.id)
        # the other case of the same village had no objection and is approved
        approval.approve_case(world.county_officer, other.id)
        roster_1 = rosters.current_roster(world.village_a, program)
        assert [e.case_id for e in roster_1.entries] == [other.id]

        # after re-investigation the case goes into a new 7-day notice (重新公示)
        renotice = pre_approval.publish_notice(
            world.reviewer_a,
            pre_approval.prepare_notice(world.clerk_a, world.village_a.id, program, [case.id]).id,
        )
    with travel(date(2026, 11, 16)):
        assert state.notice_state(renotice) == state.NoticeState.ENDED
        approved = approval.approve_case(world.county_officer, case.id)
        assert approved.status == CaseStatus.APPROVED
        assert approved.benefit_start == date(2026, 12, 1)
        roster_2 = rosters.current_roster(world.village_a, program)
        assert roster_2.supersedes_id == roster_1.id
        assert {e.case_id for e in roster_2.entries} == {case.id, other.id}
        assert state.notice_state(roster_1) == state.NoticeState.SUPERSEDED
        assert not state.in_public_view(roster_1)

        reason = "家庭收入已超过当地低保标准"
        if program == Program.TEKUN:
            # 特困 ends only after a 7-day termination notice (test_terminations.py)
            ending = terminations.end_case(world.clerk_a, other.id, reason)
            pre_approval.publish_notice(world.reviewer_a, ending.notice_id)
            with travel(date(2026, 11, 23)):
                terminations.confirm_termination(world.county_officer, ending.id)
        else:
            lifecycle.terminate_case(world.clerk_a, other.id, reason)
        roster_3 = rosters.current_roster(world.village_a, program)
        assert roster_3.supersedes_id == roster_2.id
        assert [e.case_id for e in roster_3.entries] == [case.id]
        # publicly a generic reason; the clerk's reason stays with the case for staff
        assert roster_3.supersede_reason == "保障对象退出"
        assert "家庭收入" not in roster_3.snapshot_online
        assert db.session.get(Case, other.id).closing_reason == "家庭收入已超过当地低保标准"
    with travel(date(2026, 12, 1)):
        assert lifecycle.activate_due() == 1
        assert db.session.get(Case, case.id).status == CaseStatus.ACTIVE


def test_amount_change_of_an_active_case_publishes_a_new_roster_version_once_confirmed(
    world, factory
):
    with travel(START):
        _, case = published(world, factory, members=[])
    with travel(date(2026, 11, 9)):
        approval.approve_case(world.county_officer, case.id)
        first = rosters.current_roster(world.village_a, Program.DIBAO)
        data = factory.dibao_data(
            world.village_a,
            applicant_id_number=case.applicant_id_number,
            monthly_amount="900.00",
            members=[],
        )
        cases.update_case(world.clerk_a, case.id, data, db.session.get(Case, case.id).version)
        # The clerk alone changes nothing public: the edit waits for a reviewer.
        assert rosters.current_roster(world.village_a, Program.DIBAO) == first
        assert db.session.get(Case, case.id).monthly_amount == Decimal("1360.00")
        pending = cases.pending_change_of(db.session.get(Case, case.id))
        with pytest.raises(Forbidden):
            changes.confirm_change(world.clerk_a, pending.id)
        changes.confirm_change(world.reviewer_a, pending.id)
    second = rosters.current_roster(world.village_a, Program.DIBAO)
    assert second.supersedes_id == first.id
    assert second.published_by_id == world.reviewer_a.id
    assert json.loads(second.snapshot_online)["rows"][0]["amount"] == "900.00"


def test_case_in_a_notice_cannot_be_approved_before_the_period_ends(world, factory):
    with travel(START):
        _, case = published(world, factory)
    with travel(date(2026, 11, 8)), pytest.raises(DomainError, match="期满后方可审批"):
        approval.approve_case(world.county_officer, case.id)


def test_only_the_county_approves_and_a_rejection_needs_a_reason(world, factory):
    with travel(START):
        _, case = published(world, factory)
    with travel(date(2026, 11, 9)):
        with pytest.raises(Forbidden):
            approval.approve_case(world.reviewer_a, case.id)
        with pytest.raises(ValidationFailed):
            approval.reject_case(world.county_officer, case.id, "")
        rejected = approval.reject_case(world.county_officer, case.id, "家庭财产超过规定")
    assert rejected.status == CaseStatus.REJECTED


def test_withdrawing_a_notice_returns_its_cases_to_draft(world, factory):
    notice, case = published(world, factory)
    with pytest.raises(ValidationFailed):
        pre_approval.withdraw_notice(world.reviewer_a, notice.id, "")
    pre_approval.withdraw_notice(world.reviewer_a, notice.id, "金额录入错误")
    assert state.notice_state(notice) == state.NoticeState.WITHDRAWN
    assert db.session.get(Case, case.id).status == CaseStatus.DRAFT
    assert not state.in_public_view(notice)


def test_a_correction_supersedes_the_old_notice_with_its_reason(world, factory):
    with travel(START):
        old, _ = published(world, factory)
    with travel(date(2026, 11, 3)):
        draft = pre_approval.prepare_correction(world.clerk_a, old.id, "户主姓名录入有误")
        assert state.notice_state(old) == state.NoticeState.IN_FORCE
        new = pre_approval.publish_notice(world.reviewer_a, draft.id)
        assert state.notice_state(old) == state.NoticeState.SUPERSEDED
        assert new.start_date == date(2026, 11, 3)
        assert json.loads(new.snapshot_online)["supersedes"] == {
            "notice_id": old.id,
            "reason": "户主姓名录入有误",
        }
        assert [n.id for n in state.public_notices(world.village_a)] == [new.id]


def test_ended_notice_stays_in_public_view_for_the_grace_period(world, factory):
    with travel(START):
        notice, _ = published(world, factory)
    with travel(date(2026, 12, 8)):
        assert state.in_public_view(notice)
        assert notice in state.public_notices(world.village_a)
    with travel(date(2026, 12, 9)):
        assert not state.in_public_view(notice)
        assert notice not in state.public_notices(world.village_a)


def test_objections_are_only_taken_online_during_the_period(world, factory):
    with travel(START):
        notice, _ = published(world, factory)
    with travel(date(2026, 11, 9)), pytest.raises(DomainError, match="不在公示期内"):
        objections.raise_objection(notice.id, "公示期满后才看到，有情况反映。")
    with travel(START):
        with pytest.raises(ValidationFailed) as caught:
            objections.raise_objection(notice.id, "短", phone="123", line="9")
        assert set(caught.value.errors) == {"text", "phone", "line"}


def test_staff_record_a_phone_objection_and_the_resident_looks_up_the_outcome(world, factory):
    with travel(START):
        notice, case = published(world, factory)
        objection = objections.record_objection(
            world.clerk_a,
            notice.id,
            "phone",
            "电话反映：该户子女在城里有房。",
            name="李四",
            phone="13900139000",
        )
    found = objections.lookup_receipt(objection.receipt_no.lower().replace("-", " "))
    assert found.id == objection.id and found.is_open
    objections.resolve_objection(
        world.reviewer_a, objection.id, "not_upheld", "经核查，房产登记在已分户的子女名下。"
    )
    assert objections.lookup_receipt(objection.receipt_no).outcome.label == "异议不成立"
    assert db.session.get(Case, case.id).status == CaseStatus.IN_NOTICE


def test_temporary_assistance_list_for_a_month(world, factory):
    with travel(date(2026, 11, 20)):
        paid = factory.case(world.clerk_a, Program.LINSHI, world.village_a, paid_on="2026-10-15")
        factory.case(world.clerk_a, Program.LINSHI, world.village_a2, paid_on="2026-10-31")
        factory.case(world.clerk_a, Program.LINSHI, world.village_a, paid_on="2026-11-01")
        factory.case(world.clerk_b, Program.LINSHI, world.village_b, paid_on="2026-10-15")
        village_list = linshi_lists.publish_linshi_list(
            world.reviewer_a, world.village_a.id, date(2026, 10, 1)
        )
        township_list = linshi_lists.publish_linshi_list(
            world.reviewer_a, world.township_a.id, date(2026, 10, 1)
        )
        with pytest.raises(ValidationFailed, match="更正原因"):
            linshi_lists.publish_linshi_list(
                world.reviewer_a, world.village_a.id, date(2026, 10, 1)
            )
    rows = json.loads(village_list.snapshot_online)["rows"]
    assert [(r["name"], r["amount"], r["paid_on"], r["type"]) for r in rows] == [
        ("阿***·****", "3000.00", "2026-10-15", "急难型")
    ]
    assert village_list.title == "新店镇东风村2026年10月临时救助对象公示"
    assert len(township_list.entries) == 2
    assert paid.reason_category not in village_list.snapshot_online  # 火灾: hardship detail
    assert state.notice_state(village_list) == state.NoticeState.IN_FORCE


def test_reviewer_of_another_township_cannot_publish(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, Program.DIBAO, [case.id])
    from noticeboard.accounts.models import Role
    from noticeboard.accounts.services import create_user
    from noticeboard.core.errors import NotFound

    reviewer_b = create_user("reviewer_b", "long-enough-pw", Role.REVIEWER, world.township_b)
    with pytest.raises(NotFound):
        pre_approval.publish_notice(reviewer_b, draft.id)


def test_case_cannot_be_in_two_draft_notices(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    pre_approval.prepare_notice(world.clerk_a, world.village_a.id, Program.DIBAO, [case.id])
    with pytest.raises(ValidationFailed, match="已在待发布的公示草稿"):
        pre_approval.prepare_notice(world.clerk_a, world.village_a.id, Program.DIBAO, [case.id])


def test_notice_lists_only_cases_of_its_village_and_program(world, factory):
    tekun = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    elsewhere = factory.case(world.clerk_a, Program.DIBAO, world.village_a2)
    with pytest.raises(ValidationFailed) as caught:
        pre_approval.prepare_notice(
            world.clerk_a, world.village_a.id, Program.DIBAO, [tekun.id, elsewhere.id]
        )
    assert len(caught.value.errors["case_ids"]) == 2
    assert db.session.scalar(select(Notice).where(Notice.kind == NoticeKind.PRE_APPROVAL)) is None
