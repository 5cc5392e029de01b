"""What a black-box probe broke (issue 8), each through the pages a user would use."""

import tracemalloc
from decimal import Decimal

from sqlalchemy import func, select

from noticeboard.cases import services
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.extensions import db
from noticeboard.masking.rules import Channel
from noticeboard.masking.services import set_policy
from noticeboard.notices import objections, pre_approval
from noticeboard.notices.models import Notice, Objection
from tests.cases.test_pages import form_fields
from tests.conftest import csrf_token, login, post_form, seen_on
from tests.factories import resident_id

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _new_case(client, data) -> int | None:
    response = post_form(client, "/staff/cases/new/dibao", form_fields(data))
    if response.status_code != 302:
        return None
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_a_deleted_cases_id_is_never_given_again(app, world, factory):
    """Defect 1: SQLite gave the next case the deleted one's id, and its history with it."""
    clerk_a, clerk_b = app.test_client(), app.test_client()
    login(clerk_a, world.clerk_a.username)
    login(clerk_b, world.clerk_b.username)
    secret = factory.dibao_data(world.village_a, applicant_name="删除户")
    deleted_id = _new_case(clerk_a, secret)
    version = db.session.get(Case, deleted_id).version
    response = post_form(
        clerk_a,
        f"/staff/cases/{deleted_id}/delete",
        {"version": version},
        f"/staff/cases/{deleted_id}",
    )
    assert response.status_code == 302
    new_id = _new_case(clerk_b, factory.dibao_data(world.village_b))
    assert new_id != deleted_id
    history = clerk_b.get(f"/staff/cases/{deleted_id}/history")
    assert history.status_code == 404
    page = clerk_b.get(f"/staff/cases/{new_id}/history").get_data(as_text=True)
    assert "删除户" not in page and secret["applicant_id_number"] not in page


def test_look_alike_digits_do_not_make_a_second_person(clerk_client, world, factory):
    """Defect 2: full-width or Arabic-Indic digits slipped past one person, one case."""
    first = factory.dibao_data(world.village_a, members=[])
    assert _new_case(clerk_client, first) is not None
    plain = first["applicant_id_number"]
    for disguised in (
        plain.translate(FULL_WIDTH),
        plain[:6] + plain[6:].translate(ARABIC_INDIC),
        plain[:9] + " " + plain[9:],
    ):
        again = factory.dibao_data(world.village_a2, applicant_id_number=disguised, members=[])
        response = post_form(clerk_client, "/staff/cases/new/dibao", form_fields(again))
        page = response.get_data(as_text=True)
        assert response.status_code == 200, disguised
        assert "同一人不能同时享受两份低保或特困" in page
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1
    # A search for the ID, typed either way, finds the case.
    for typed in (plain, plain.translate(FULL_WIDTH), plain[-6:].translate(ARABIC_INDIC)):
        listing = clerk_client.get("/staff/", query_string={"q": typed}).get_data(as_text=True)
        assert "共 1 件" in listing, typed


def test_an_id_typed_full_width_is_stored_plain_and_prints_with_the_6_4_policy(app, world, factory):
    set_policy(world.admin, Channel.BOARD, {"name": "full", "resident_id": "6+4"})
    client = app.test_client()
    login(client, world.clerk_a.username)
    typed = resident_id("19600101").translate(FULL_WIDTH)
    case_id = _new_case(
        client, factory.dibao_data(world.village_a, applicant_id_number=typed, members=[])
    )
    case = db.session.get(Case, case_id)
    assert case.applicant_id_number.isascii()
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case_id])
    reviewer = app.test_client()
    login(reviewer, world.reviewer_a.username)
    page = reviewer.get(f"/staff/notices/{draft.id}").get_data(as_text=True)
    response = post_form(
        reviewer,
        f"/staff/notices/{draft.id}/publish",
        {"seen": seen_on(page)},
        f"/staff/notices/{draft.id}",
    )
    assert response.status_code == 302
    shown = reviewer.get(f"/staff/notices/{draft.id}").get_data(as_text=True)
    assert case.applicant_id_number[:6] + "********" + case.applicant_id_number[-4:] in shown


def test_an_exponent_amount_is_refused_without_blowing_up_memory(clerk_client, world, factory):
    """Defect 7: Decimal expanded 1e200000000, a 200 MB reply and 1.7 GB in the server."""
    data = factory.dibao_data(world.village_a, monthly_amount="1e200000000")
    tracemalloc.start()
    response = post_form(clerk_client, "/staff/cases/new/dibao", form_fields(data))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert response.status_code == 200
    assert "月保障金额" in response.get_data(as_text=True)
    assert len(response.get_data()) < 200_000
    assert peak < 50_000_000
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_an_oversized_objection_is_refused_before_it_is_read(app, world, factory):
    """Defect 7: an 8 MB anonymous objection was read and echoed back in full."""
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
    notice = pre_approval.publish_notice(world.reviewer_a, draft.id)
    client = app.test_client()
    token = csrf_token(client, f"/notices/{notice.id}/objections")
    huge = client.post(
        f"/notices/{notice.id}/objections", data={"csrf_token": token, "text": "异" * 3_000_000}
    )
    assert huge.status_code == 413
    assert len(huge.get_data()) < 20_000
    long = client.post(
        f"/notices/{notice.id}/objections", data={"csrf_token": token, "text": "异" * 100_000}
    )
    assert long.status_code in (400, 422)
    assert "异" * 6000 not in long.get_data(as_text=True)


def test_names_of_invisible_fillers_are_refused(clerk_client, world, factory):
    for name in ("\u3164\u3164", "\u115f\u1160", "张\ufdfa"):
        data = factory.dibao_data(world.village_a, applicant_name=name, members=[])
        response = post_form(clerk_client, "/staff/cases/new/dibao", form_fields(data))
        assert response.status_code == 200
        assert "户主姓名：含有不可见或特殊字符" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_a_correction_reason_with_a_grouped_or_full_width_number_is_refused(
    clerk_client, world, factory
):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
    notice = pre_approval.publish_notice(world.reviewer_a, draft.id)
    for reason in (
        "户主电话 139 1234 5678 有误",
        "户主电话 139-1234-5678 有误",
        "身份证号 " + resident_id().translate(FULL_WIDTH) + " 有误",
    ):
        response = post_form(
            clerk_client,
            f"/staff/notices/{notice.id}/correct",
            {"correct-reason": reason},
            f"/staff/notices/{notice.id}",
        )
        assert "不能写身份证号或电话号码" in response.get_data(as_text=True), reason


def test_a_notice_start_far_in_the_future_is_refused_with_a_message(clerk_client, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    response = post_form(
        clerk_client,
        "/staff/notices/new",
        {
            "village": world.village_a.id,
            "program": "dibao",
            "case_ids": case.id,
            "start_date": "9999-12-31",
        },
        f"/staff/notices/new?village={world.village_a.id}&program=dibao",
    )
    assert response.status_code == 200
    assert "公示开始日期" in response.get_data(as_text=True)


def test_the_reviewer_publishes_only_what_they_saw(app, world, factory):
    """Defect 4: the clerk raised an amount after the reviewer opened the draft; the
    reviewer's publish froze 9,999.00 unseen."""
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, monthly_amount="2220.00")
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
    reviewer = app.test_client()
    login(reviewer, world.reviewer_a.username)
    page = reviewer.get(f"/staff/notices/{draft.id}").get_data(as_text=True)
    assert "2,220.00" in page
    clerk = app.test_client()
    login(clerk, world.clerk_a.username)
    data = factory.dibao_data(world.village_a, monthly_amount="9999.00")
    data["applicant_id_number"] = case.applicant_id_number
    data["members"] = [
        {"name": m.name, "id_number": m.id_number, "relation": m.relation, "covered": m.covered}
        for m in case.members
    ]
    fields = {**form_fields(data), "version": case.version}
    edited = post_form(clerk, f"/staff/cases/{case.id}/edit", fields)
    assert edited.status_code == 302
    response = post_form(
        reviewer,
        f"/staff/notices/{draft.id}/publish",
        {"seen": seen_on(page)},
        f"/staff/notices/{draft.id}",
    )
    assert response.status_code == 302
    after = reviewer.get(f"/staff/notices/{draft.id}").get_data(as_text=True)
    assert "发布未成功：草稿在您打开后有变化" in after and "现为 9,999.00 元" in after
    db.session.expire_all()
    assert db.session.get(type(draft), draft.id).is_draft
    # Having looked again, the reviewer publishes what they now see.
    response = post_form(
        reviewer,
        f"/staff/notices/{draft.id}/publish",
        {"seen": seen_on(after)},
        f"/staff/notices/{draft.id}",
    )
    db.session.expire_all()
    assert not db.session.get(type(draft), draft.id).is_draft


def test_a_clerk_alone_cannot_change_the_public_roster(app, world, factory):
    """Defect 5: editing an active case's amount published a new roster with no reviewer."""
    case = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    case.status = CaseStatus.ACTIVE  # on the roster (approval is tested in notices/)
    db.session.commit()
    clerk = app.test_client()
    login(clerk, world.clerk_a.username)
    data = factory.tekun_data(
        world.village_a, applicant_id_number=case.applicant_id_number, basic_amount="1500.00"
    )
    response = post_form(clerk, f"/staff/cases/{case.id}/edit", {**data, "version": case.version})
    assert response.status_code == 302
    notices_before = db.session.scalar(select(func.count()).select_from(Notice))
    db.session.expire_all()
    assert db.session.get(Case, case.id).basic_amount == Decimal("1170.00")
    page = clerk.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "待审核的变更" in page
    change = services.pending_change_of(case)
    # The clerk who made it cannot confirm it; the reviewer can, and sees what changes.
    refused = post_form(
        clerk, f"/staff/changes/{change.id}/confirm", {}, f"/staff/changes/{change.id}"
    )
    assert refused.status_code == 403
    reviewer = app.test_client()
    login(reviewer, world.reviewer_a.username)
    review = reviewer.get(f"/staff/changes/{change.id}").get_data(as_text=True)
    assert "1170.00" in review and "1500.00" in review
    confirmed = post_form(
        reviewer, f"/staff/changes/{change.id}/confirm", {}, f"/staff/changes/{change.id}"
    )
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).basic_amount == Decimal("1500.00")
    roster = db.session.scalars(select(Notice).order_by(Notice.id.desc())).first()
    assert db.session.scalar(select(func.count()).select_from(Notice)) == notices_before + 1
    assert roster.published_by_id == world.reviewer_a.id


def test_the_clerk_who_entered_a_case_does_not_decide_an_objection_against_it(app, world, factory):
    """Defect 5: the maker closed an objection against their own case as 不成立."""
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
    notice = pre_approval.publish_notice(world.reviewer_a, draft.id)
    objection = objections.raise_objection(notice.id, "这户有两套房，请核实情况。", line=1)
    clerk = app.test_client()
    login(clerk, world.clerk_a.username)
    page = clerk.get(f"/staff/objections/{objection.id}").get_data(as_text=True)
    assert "须由另一位工作人员调查办理" in page
    response = post_form(
        clerk,
        f"/staff/objections/{objection.id}",
        {"outcome": "not_upheld", "investigation": "经入户核实，该户只有一套住房。"},
        f"/staff/objections/{objection.id}",
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Objection, objection.id).is_open
    reviewer = app.test_client()
    login(reviewer, world.reviewer_a.username)
    response = post_form(
        reviewer,
        f"/staff/objections/{objection.id}",
        {"outcome": "not_upheld", "investigation": "经入户核实，该户只有一套住房。"},
    )
    assert response.status_code == 302


def test_the_session_cookie_carries_no_names_after_a_save(app, clerk_client, world, factory):
    """Defect 10: flash messages live in the session cookie, which is signed, not encrypted."""
    data = factory.dibao_data(world.village_a, applicant_name="司马光明")
    response = post_form(clerk_client, "/staff/cases/new/dibao", form_fields(data))
    assert response.status_code == 302
    cookie = clerk_client.get_cookie("session").value
    session = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert "_flashes" in session
    assert "司马光明" not in str(session) and data["applicant_id_number"] not in str(session)
