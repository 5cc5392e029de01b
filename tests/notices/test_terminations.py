"""Termination notices (终止公示, 《特困人员认定办法》Art. 26): a 特困 termination takes
effect only after a 7-day notice that takes objections like a pre-approval notice, and once
the decision-maker confirms it; for 低保 the county chooses between that and immediate
termination with a written reason."""

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from noticeboard.accounts.models import Role
from noticeboard.accounts.services import create_user
from noticeboard.audit.models import AuditEntry
from noticeboard.cases.lifecycle import terminate_case
from noticeboard.cases.models import CaseStatus, Program
from noticeboard.core.errors import DomainError, Forbidden
from noticeboard.extensions import db
from noticeboard.notices import approval, objections, pre_approval, rosters, terminations
from noticeboard.notices.models import NoticeKind, TerminationOutcome
from noticeboard.printing import services as printing
from noticeboard.regions.delegation import set_confirmers
from noticeboard.regions.models import Confirmer
from noticeboard.regions.termination import set_dibao_termination
from tests.conftest import csrf_token, login, post_form, seen_on
from tests.factories import PASSWORD
from tests.notices.test_lifecycle import travel
from tests.printing.helpers import page_texts, pdftotext

ENTERED = date(2026, 9, 1)
PROPOSED = date(2026, 10, 12)  # the termination notice runs 10-12 to 10-18
ENDED = date(2026, 10, 19)
REASON = "本人已由子女接回赡养，赡养人具备赡养能力"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "browser" / "screenshots"


def on_roster(world, factory, program=Program.TEKUN, **overrides):
    """A case entered by clerk_a, noticed (published by reviewer_a) and approved by the
    county: on the village's roster."""
    with travel(ENTERED):
        case = factory.case(world.clerk_a, program, world.village_a, **overrides)
        draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, program, [case.id])
        pre_approval.publish_notice(world.reviewer_a, draft.id)
    with travel(ENTERED + timedelta(days=10)):
        approval.approve_case(world.county_officer, case.id)
    return case


def proposed(world, case, proposer=None):
    """The termination proposed and its notice published by reviewer_a on PROPOSED."""
    with travel(PROPOSED):
        termination = terminations.end_case(proposer or world.clerk_a, case.id, REASON)
        pre_approval.publish_notice(world.reviewer_a, termination.notice_id)
    return termination


@pytest.fixture
def second_reviewer(world):
    user = create_user("reviewer_a2", PASSWORD, Role.REVIEWER, world.township_a, "吴审核")
    db.session.commit()
    return user


def listed_on_roster(world, program=Program.TEKUN) -> list[int]:
    return [e.case_id for e in rosters.current_roster(world.village_a, program).entries]


def test_a_tekun_termination_takes_effect_only_after_its_notice_and_the_confirmation(
    world, factory
):
    case = on_roster(world, factory)
    with travel(PROPOSED), pytest.raises(DomainError, match="须先进行终止公示"):
        terminate_case(world.clerk_a, case.id, REASON)
    termination = proposed(world, case)
    notice = termination.notice
    assert (notice.kind, notice.start_date, notice.end_date) == (
        NoticeKind.TERMINATION,
        PROPOSED,
        date(2026, 10, 18),
    )
    assert notice.title == "新店镇东风村2026年10月特困人员终止救助供养公示"
    # In force meanwhile: still on the roster, still paid.
    assert case.status == CaseStatus.APPROVED and listed_on_roster(world) == [case.id]
    with travel(PROPOSED), pytest.raises(DomainError, match="已在《"):
        terminations.end_case(world.clerk_a, case.id, REASON)

    with travel(PROPOSED + timedelta(days=2)):
        objection = objections.raise_objection(
            notice.id, "他儿子常年在外地，老人其实一个人住，请核实。", line=1
        )
        with pytest.raises(DomainError, match="公示中（2026-10-18 期满）"):
            terminations.confirm_termination(world.county_officer, termination.id)
    with travel(ENDED):
        with pytest.raises(DomainError, match="未办结的异议"):
            terminations.confirm_termination(world.county_officer, termination.id)
        ready, waiting = terminations.termination_queue(world.county_officer)
        assert (ready, [s.blocker for s in waiting]) == ([], ["公示有未办结的异议"])
        objections.resolve_objection(
            world.reviewer_a, objection.id, "not_upheld", "入户核实：其子已接老人同住并照料。"
        )
        ready, _ = terminations.termination_queue(world.county_officer)
        assert [s.termination.id for s in ready] == [termination.id]
        before = rosters.current_roster(world.village_a, Program.TEKUN)
        terminations.confirm_termination(world.county_officer, termination.id)

    assert case.status == CaseStatus.TERMINATED and case.closing_reason == REASON
    assert termination.outcome == TerminationOutcome.CONFIRMED
    assert (termination.decided_by_id, termination.decided_under) == (
        world.county_officer.id,
        Confirmer.COUNTY,
    )
    after = rosters.current_roster(world.village_a, Program.TEKUN)
    assert after.supersedes_id == before.id and after.supersede_reason == "保障对象退出"
    assert listed_on_roster(world) == []
    with travel(ENDED), pytest.raises(DomainError, match="已确认终止"):
        terminations.confirm_termination(world.county_officer, termination.id)


def test_an_upheld_objection_keeps_the_case_in_force(world, factory):
    case = on_roster(world, factory)
    termination = proposed(world, case)
    with travel(PROPOSED + timedelta(days=1)):
        objection = objections.record_objection(
            world.clerk_a, termination.notice_id, "visit", "村委会反映：其子已出国，老人无人赡养。"
        )
        objections.resolve_objection(
            world.reviewer_a, objection.id, "upheld", "核实属实：赡养人不具备赡养能力。", case.id
        )
    assert termination.outcome == TerminationOutcome.DROPPED
    assert termination.note == f"异议 {objection.receipt_no} 成立，继续保障"
    assert case.status == CaseStatus.APPROVED and listed_on_roster(world) == [case.id]
    with travel(ENDED), pytest.raises(DomainError, match="终止不予执行"):
        terminations.confirm_termination(world.county_officer, termination.id)
    notes = db.session.scalars(
        select(AuditEntry.note).where(
            AuditEntry.entity_type == "case", AuditEntry.entity_id == case.id
        )
    ).all()
    assert f"终止不予执行：异议 {objection.receipt_no} 成立，继续保障" in notes
    # A new termination may be proposed later, as a new notice.
    with travel(ENDED):
        again = terminations.end_case(world.clerk_a, case.id, REASON)
    assert again.notice_id != termination.notice_id


def test_withdrawing_the_termination_notice_drops_the_termination(world, factory):
    case = on_roster(world, factory)
    termination = proposed(world, case)
    with travel(PROPOSED + timedelta(days=1)):
        pre_approval.withdraw_notice(world.reviewer_a, termination.notice_id, "终止原因需重新核实")
    assert termination.outcome == TerminationOutcome.DROPPED
    assert case.status == CaseStatus.APPROVED


def test_dibao_ends_at_once_or_after_a_notice_as_the_county_chose(world, factory):
    at_once = on_roster(world, factory, Program.DIBAO)
    by_notice = on_roster(world, factory, Program.DIBAO)
    with travel(PROPOSED):
        # Default: immediate termination with the written reason (what noticeboard did).
        assert (
            terminations.end_case(world.clerk_a, at_once.id, "家庭人均收入已超过低保标准") is None
        )
        assert at_once.status == CaseStatus.TERMINATED
        with pytest.raises(Forbidden):
            set_dibao_termination(world.reviewer_a, world.county.id, "notice")
        set_dibao_termination(world.county_officer, world.county.id, "notice")
        with pytest.raises(DomainError, match="须先进行终止公示"):
            terminate_case(world.clerk_a, by_notice.id, "家庭人均收入已超过低保标准")
        termination = terminations.end_case(
            world.clerk_a, by_notice.id, "家庭人均收入已超过低保标准"
        )
    assert termination.notice.kind == NoticeKind.TERMINATION
    assert termination.notice.title.endswith("城乡最低生活保障终止保障公示")
    assert by_notice.status == CaseStatus.APPROVED
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.note == "终止方式"))
    assert entry.changes == {
        "termination_dibao": ["直接终止（书面说明理由）", "先进行终止公示，期满无异议后终止"]
    }


def test_delegated_the_township_confirms_never_who_proposed_or_published(
    world, factory, second_reviewer
):
    first, second = on_roster(world, factory), on_roster(world, factory)
    set_confirmers(world.county_officer, world.county.id, {"dibao": "county", "tekun": "township"})
    by_clerk = proposed(world, first)
    by_admin = proposed(world, second, proposer=world.admin)
    with travel(ENDED):
        for termination in (by_clerk, by_admin):
            with pytest.raises(Forbidden):
                terminations.confirm_termination(world.clerk_a, termination.id)
            with pytest.raises(Forbidden, match="录入、公示本案件以外的审核人"):
                terminations.confirm_termination(world.reviewer_a, termination.id)  # published
            with pytest.raises(Forbidden, match="由乡镇审核人审核确认"):
                terminations.confirm_termination(world.county_officer, termination.id)
        # The administrator proposed this one: they do not confirm it too.
        with pytest.raises(Forbidden, match="录入、公示本案件以外的审核人"):
            terminations.confirm_termination(world.admin, by_admin.id)
        assert terminations.termination_queue(world.reviewer_a) == ([], [])
        ready, _ = terminations.termination_queue(second_reviewer)
        assert {s.termination.id for s in ready} == {by_clerk.id, by_admin.id}
        terminations.confirm_termination(second_reviewer, by_clerk.id)
    assert by_clerk.decided_under == Confirmer.TOWNSHIP
    assert by_clerk.case.status == CaseStatus.TERMINATED


def test_through_the_pages_proposed_published_and_confirmed(app, world, factory):
    case = on_roster(world, factory)

    def logged_in(user):  # sessions end after 30 idle minutes: log in on each day
        client = app.test_client()
        login(client, user.username)
        return client

    with travel(PROPOSED):
        clerk, reviewer = logged_in(world.clerk_a), logged_in(world.reviewer_a)
        form = clerk.get(f"/staff/cases/{case.id}/terminate").get_data(as_text=True)
        assert "拟定终止公示" in form and "第二十六条" in form
        empty = post_form(clerk, f"/staff/cases/{case.id}/terminate", {"terminate-reason": ""})
        assert empty.status_code == 200 and "终止原因" in empty.get_data(as_text=True)
        done = post_form(clerk, f"/staff/cases/{case.id}/terminate", {"terminate-reason": REASON})
        assert done.status_code == 302 and "/staff/notices/" in done.headers["Location"]
        termination = terminations.pending_termination(case)
        notice_url = f"/staff/notices/{termination.notice_id}"
        page = reviewer.get(notice_url).get_data(as_text=True)
        assert "终止事项" in page and REASON in page  # staff see the reason; residents never
        published = post_form(
            reviewer, f"{notice_url}/publish", {"seen": seen_on(page)}, form_url=notice_url
        )
        assert published.status_code == 302
    with travel(PROPOSED + timedelta(days=1)):
        village = app.test_client().get(f"/villages/{world.village_a.id}").get_data(as_text=True)
        assert "终止公示" in village and "特困人员终止救助供养公示" in village
        public = app.test_client().get(f"/notices/{termination.notice_id}")
        text = public.get_data(as_text=True)
        assert "第二十六条" in text and "我要提出异议" in text
        assert case.applicant_name not in text and REASON not in text
        waiting = logged_in(world.county_officer).get("/staff/approvals").get_data(as_text=True)
        assert "期满后方可确认终止" in waiting
    with travel(ENDED):
        county = logged_in(world.county_officer)
        home = county.get("/staff/home").get_data(as_text=True)
        assert '<span class="todo-count">1</span> 可确认终止的案件' in home
        token = csrf_token(county, "/staff/approvals")
        confirmed = county.post(
            f"/staff/terminations/{termination.id}/confirm",
            data={"csrf_token": token},
            follow_redirects=True,
        )
        assert "已确认终止" in confirmed.get_data(as_text=True)
    db.session.refresh(case)
    assert case.status == CaseStatus.TERMINATED


def test_the_county_officer_sets_the_dibao_choice_on_its_page(app, world):
    client = app.test_client()
    login(client, world.county_officer.username)
    page = post_form(client, "/staff/admin/regions/termination", {"dibao": "notice"})
    assert page.status_code == 302
    shown = client.get("/staff/admin/regions/termination").get_data(as_text=True)
    assert "当前：先进行终止公示" in shown
    bad = post_form(client, "/staff/admin/regions/termination", {"dibao": "later"})
    assert bad.status_code == 200 and "低保终止方式：请选择" in bad.get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["settings", "show", "--region", "示范县"])
    assert "termination.dibao = notice" in result.output


def test_the_printed_termination_notice_names_the_rule_the_period_and_masks_online(
    app, world, factory
):
    case = on_roster(world, factory, applicant_name="赵铁柱")
    termination = proposed(world, case)
    notice = termination.notice
    with app.test_request_context():
        board = printing.notice_pdf(notice, "board", "A4-portrait").data
        online = printing.notice_pdf(notice, "online", "A4-portrait").data
    texts = {"board": "".join(page_texts(board)), "online": "".join(page_texts(online))}
    poppler = pdftotext(online)
    if poppler is not None:
        texts["online-poppler"] = poppler
    for channel, text in texts.items():
        flat = text.replace("\n", "").replace(" ", "")
        assert "特困人员终止救助供养公示" in flat, channel
        assert "《特困人员认定办法》第二十六条" in flat, channel
        assert "2026年10月12日至2026年10月18日" in flat, channel
        assert REASON not in flat and case.applicant_id_number not in flat
    assert "赵铁柱" in texts["board"]
    assert "赵*柱" in texts["online"] and "赵铁柱" not in texts["online"]
    # The picture check: the board copy as a PNG, looked at by a person.
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / "termination-notice-board"
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-singlefile", "-", str(target)],
            input=board,
            check=True,
        )
        assert target.with_suffix(".png").stat().st_size > 10_000


def test_a_periodic_review_that_ends_a_tekun_case_drafts_its_termination_notice(
    app, world, factory
):
    case = on_roster(world, factory)
    with travel(PROPOSED):
        client = app.test_client()
        login(client, world.clerk_a.username)
        url = f"/staff/cases/{case.id}/review"
        response = post_form(client, url, {"outcome": "terminate", "note": REASON})
        assert response.status_code == 302
        shown = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "已拟定终止公示" in shown
    db.session.expire_all()
    termination = terminations.pending_termination(case)
    assert termination.reason == REASON and termination.notice.is_draft
    assert case.status == CaseStatus.APPROVED and listed_on_roster(world) == [case.id]
