"""Retention: a terminated or rejected case loses its personal data RETENTION_YEARS after it
closed, and nothing else; the statistics and the published notices read as before."""

from datetime import date

from sqlalchemy import select

from noticeboard.audit.models import AuditAction, AuditEntry
from noticeboard.cases import search
from noticeboard.cases.models import Case, CaseMember, Program
from noticeboard.cases.retention import ERASED_NAME, run_retention
from noticeboard.extensions import db
from noticeboard.notices.models import Notice
from noticeboard.statistics.figures import month_report, trend
from tests.portal.helpers import travel
from tests.statistics import history

MONTHS = [date(2026, m, 1) for m in range(3, 13)]


def figures(world):
    return (
        [month_report(world.county, m).total for m in MONTHS],
        trend(world.county, date(2026, 12, 1)),
    )


def published():
    return [
        (n.id, n.snapshot_online, n.sha256_online, n.snapshot_board)
        for n in db.session.scalars(select(Notice).order_by(Notice.id))
    ]


def test_personal_data_is_erased_five_years_after_closing_and_nothing_else(
    app, world, factory, clerk_client
):
    story = history.build(world, factory)  # b: terminated on 2026-09-20
    b_id, b_number = story.b.id, story.b.applicant_id_number
    before, notices = figures(world), published()
    others = {c.id: (c.applicant_id_number, c.applicant_name) for c in (story.a, story.c, story.d)}

    # The day before the five years are over, and a dry run after: nothing changes.
    assert run_retention(date(2031, 9, 20)).cases == 0
    dry = run_retention(date(2031, 9, 21), dry_run=True)
    assert (dry.cases, dry.members) == (1, 0)
    db.session.expire_all()
    assert db.session.get(Case, b_id).applicant_id_number == b_number

    with travel(date(2031, 9, 21)):
        result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "cases closed before 2026-09-21: 1 case(s) and 0 member(s) erased" in result.output

    db.session.expire_all()
    b = db.session.get(Case, b_id)
    assert (b.applicant_id_number, b.applicant_phone, b.address) == (None, None, None)
    assert (b.applicant_id_index, b.applicant_id_tail) == (None, None)
    assert b.applicant_name == ERASED_NAME and b.erased_at is not None
    # Kept: what the statistics count.
    assert (b.program, b.status.value, b.monthly_amount, b.persons_covered) == (
        Program.DIBAO, "terminated", story.b.monthly_amount, story.b.persons_covered
    )  # fmt: skip
    for case_id, kept in others.items():
        case = db.session.get(Case, case_id)
        assert (case.applicant_id_number, case.applicant_name) == kept
    assert figures(world) == before
    assert published() == notices
    rows, _ = search.list_cases(world.county_officer, search.CaseFilter(q=b_number))
    assert rows == []
    rows, _ = search.list_cases(world.county_officer, search.CaseFilter(q="王小明"))
    assert rows == []
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == b_id, AuditEntry.action == "erase")
    ).one()
    assert entry.action_label == AuditAction.ERASE.label and entry.changes == {}
    page = clerk_client.get(f"/staff/cases/{b_id}").get_data(as_text=True)
    assert "已删除（保存期满）" in page and b_number not in page and "None" not in page
    # Run again: nothing left to do.
    assert run_retention(date(2031, 9, 22)).cases == 0


def test_a_rejected_household_loses_its_members_ids_too_and_the_period_is_a_setting(
    app, world, factory, monkeypatch
):
    from noticeboard.notices import approval, pre_approval

    with travel(date(2026, 3, 2)):
        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
        draft = pre_approval.prepare_notice(
            world.clerk_a, world.village_a.id, Program.DIBAO, [case.id]
        )
        pre_approval.publish_notice(world.reviewer_a, draft.id)
    with travel(date(2026, 3, 10)):
        approval.reject_case(world.county_officer, case.id, "家庭财产超过规定")
    monkeypatch.setitem(app.config, "RETENTION_YEARS", 2)
    assert run_retention(date(2028, 3, 10)).cases == 0
    result = run_retention(date(2028, 3, 11))
    assert (result.cases, result.members) == (1, 1)
    member = db.session.scalars(select(CaseMember).where(CaseMember.case_id == case.id)).one()
    assert (member.id_number, member.id_number_index, member.name) == (None, None, ERASED_NAME)
    assert member.relation == "配偶"
