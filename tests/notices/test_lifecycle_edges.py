"""Edge cases of the lifecycle: corrections, re-notices, withdrawals, moves and public reasons."""

from datetime import date

import pytest
from sqlalchemy import select

from noticeboard.cases import changes
from noticeboard.cases import services as cases
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.extensions import db
from noticeboard.notices import approval, linshi_lists, objections, pre_approval, state
from noticeboard.notices.models import Notice
from tests.notices.test_lifecycle import START, published, travel


def status_of(case) -> CaseStatus:
    db.session.expire_all()
    return db.session.get(Case, case.id).status


def test_an_open_objection_on_the_original_still_blocks_after_a_correction(world, factory):
    with travel(START):
        original, case = published(world, factory)
        objections.raise_objection(original.id, "该户家中有人在外务工，收入较高。", line=1)
        draft = pre_approval.prepare_correction(world.clerk_a, original.id, "保障人数录入有误")
        pre_approval.publish_notice(world.reviewer_a, draft.id)
    with travel(date(2026, 11, 20)), pytest.raises(DomainError, match="未办结的异议"):
        approval.approve_case(world.county_officer, case.id)


def test_withdrawing_an_old_notice_leaves_a_case_in_its_re_notice_alone(world, factory):
    with travel(START):
        first, case = published(world, factory)
        objection = objections.raise_objection(first.id, "情况不属实，请核查。", line=1)
        objections.resolve_objection(world.reviewer_a, objection.id, "upheld", "入户核查属实。")
        renotice = pre_approval.publish_notice(
            world.reviewer_a,
            pre_approval.prepare_notice(
                world.clerk_a, world.village_a.id, Program.DIBAO, [case.id]
            ).id,
        )
        pre_approval.withdraw_notice(world.reviewer_a, first.id, "旧公示撤下")
    assert status_of(case) == CaseStatus.IN_NOTICE
    assert state.latest_notice_of(db.session.get(Case, case.id)).id == renotice.id


def test_deleting_a_correction_draft_puts_the_cases_back_in_notice(world, factory):
    with travel(START):
        original, case = published(world, factory)
        draft = pre_approval.prepare_correction(world.clerk_a, original.id, "金额录入有误")
        assert status_of(case) == CaseStatus.DRAFT
        pre_approval.withdraw_notice(world.clerk_a, draft.id, "不需要更正了")
    assert status_of(case) == CaseStatus.IN_NOTICE
    assert db.session.get(Notice, draft.id) is None


def test_public_reasons_may_not_carry_ids_or_phones(world, factory):
    with travel(START):
        original, case = published(world, factory)
        for reason in (f"户主身份证 {case.applicant_id_number} 有误", "请致电 13912345678 核实"):
            with pytest.raises(ValidationFailed, match="不能写身份证号或电话号码"):
                pre_approval.prepare_correction(world.clerk_a, original.id, reason)


def test_an_approved_case_cannot_move_to_another_village(world, factory):
    with travel(START):
        _, case = published(world, factory, members=[])
    with travel(date(2026, 11, 9)):
        approval.approve_case(world.county_officer, case.id)
        data = factory.dibao_data(
            world.village_a2, applicant_id_number=case.applicant_id_number, members=[]
        )
        with pytest.raises(ValidationFailed, match="不能改村"):
            cases.update_case(world.clerk_a, case.id, data, db.session.get(Case, case.id).version)


def test_a_members_only_edit_still_bumps_the_version(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    data = factory.dibao_data(
        world.village_a,
        applicant_id_number=case.applicant_id_number,
        members=[
            {
                **factory.dibao_data(world.village_a)["members"][0],
                "id_number": case.members[0].id_number,
                "name": "李秀兰",
            }
        ],
    )
    opened = case.version
    cases.update_case(world.clerk_a, case.id, data, opened)
    assert db.session.get(Case, case.id).version == opened + 1
    with pytest.raises(cases.StaleCase):
        cases.update_case(world.admin, case.id, {**data, "monthly_amount": "900"}, opened)


def test_a_case_listed_on_a_published_list_cannot_be_deleted(world, factory):
    with travel(date(2026, 11, 20)):
        case = factory.case(world.clerk_a, Program.LINSHI, world.village_a, paid_on="2026-10-15")
        linshi_lists.publish_linshi_list(world.reviewer_a, world.village_a.id, date(2026, 10, 1))
    with pytest.raises(DomainError, match="从未列入公示"):
        cases.delete_case(world.clerk_a, case.id, case.version)
    db.session.rollback()
    assert db.session.scalar(select(Case).where(Case.id == case.id)) is not None


def test_an_edit_whose_roster_cannot_be_published_is_not_saved(world, factory):
    with travel(START):
        _, case = published(world, factory, members=[])
    with travel(date(2026, 11, 9)):
        approval.approve_case(world.county_officer, case.id)
        # a character no font has: the roster (and so the edit) must be refused together
        data = factory.dibao_data(
            world.village_a,
            applicant_id_number=case.applicant_id_number,
            applicant_name="张\U0002b740",
            members=[],
        )
        cases.update_case(world.clerk_a, case.id, data, db.session.get(Case, case.id).version)
        pending = cases.pending_change_of(db.session.get(Case, case.id))
        with pytest.raises(DomainError, match="U\\+2B740"):
            changes.confirm_change(world.reviewer_a, pending.id)
        db.session.rollback()
    assert db.session.get(Case, case.id).applicant_name == "张三丰"
