"""Who viewed whose personal data (issue 14 items 2 and 4): IDs masked on staff pages until a
logged reveal, exports with a stated purpose, the access log searched by staff member and
case, and the alert on an account that sees many IDs within an hour."""

import re

import pytest
from sqlalchemy import select, text

from noticeboard.audit.models import AccessAlert, AccessKind, AuditLogIsAppendOnly, DataAccess
from noticeboard.cases.models import Program
from noticeboard.extensions import db
from noticeboard.masking.rules import mask_identifiers
from noticeboard.notices import pre_approval
from tests.conftest import csrf_token, login, post_form

MASKED = re.compile(r"\b[0-9]{6}\*{8}[0-9]{3}[0-9X]\b")


def _client(app, user):
    client = app.test_client()
    login(client, user.username)
    return client


def _entries() -> list[DataAccess]:
    return list(db.session.scalars(select(DataAccess).order_by(DataAccess.id)))


def _reveal(client, case_id: int, address: str = "10.1.2.3"):
    token = csrf_token(client, f"/staff/cases/{case_id}")
    return client.post(
        f"/staff/cases/{case_id}/reveal",
        data={"csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_case_page_shows_ids_and_phone_masked_and_logs_nothing(app, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, address="东风村3组12号")
    member_id = case.members[0].id_number
    page = _client(app, world.reviewer_a).get(f"/staff/cases/{case.id}").get_data(as_text=True)
    for full in (case.applicant_id_number, member_id, "13800138000", "东风村3组12号"):
        assert full not in page
    assert f"{case.applicant_id_number[:6]}********{case.applicant_id_number[-4:]}" in page
    assert f"{member_id[:6]}********{member_id[-4:]}" in page
    assert "138****8000" in page
    assert "显示完整身份证号、电话和地址" in page
    assert _entries() == []


def test_a_reveal_shows_the_full_values_and_logs_who_when_which_case_fields_and_address(
    app, world, factory
):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, address="东风村3组12号")
    member_id = case.members[0].id_number
    response = _reveal(_client(app, world.reviewer_a), case.id)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for full in (case.applicant_id_number, member_id, "13800138000", "东风村3组12号"):
        assert full in page
    assert "本次查看已记录" in page
    [entry] = _entries()
    assert (entry.user_id, entry.actor, entry.kind) == (
        world.reviewer_a.id,
        "黄审核",
        AccessKind.REVEAL,
    )
    assert entry.case_id == case.id and entry.region_id == world.village_a.id
    assert entry.fields == ["id_number", "member_id_numbers", "phone", "address"]
    assert entry.identifiers == 2  # the head and one member
    assert entry.client_address == "10.1.2.3" and entry.at is not None
    # Which fields, never their values.
    stored = repr((entry.fields, entry.purpose, entry.actor))
    assert case.applicant_id_number not in stored and "13800138000" not in stored


def test_another_townships_case_answers_404_to_a_reveal_and_logs_nothing(app, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    client = _client(app, world.clerk_b)
    token = csrf_token(client, "/staff/")
    response = client.post(f"/staff/cases/{case.id}/reveal", data={"csrf_token": token})
    assert response.status_code == 404
    assert case.applicant_id_number not in response.get_data(as_text=True)
    assert _entries() == []


def test_a_reveal_without_the_csrf_token_is_refused(app, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    response = _client(app, world.clerk_a).post(f"/staff/cases/{case.id}/reveal")
    assert response.status_code == 400
    assert _entries() == []


def test_opening_the_case_form_is_logged_as_a_view_but_a_form_sent_back_is_not(app, world, factory):
    case = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    client = _client(app, world.clerk_a)
    page = client.get(f"/staff/cases/{case.id}/edit").get_data(as_text=True)
    assert case.applicant_id_number in page
    [entry] = _entries()
    assert entry.kind == AccessKind.VIEW and entry.case_id == case.id
    assert entry.fields == ["id_number"] and entry.identifiers == 1
    post_form(
        client,
        f"/staff/cases/{case.id}/edit",
        {"applicant_name": "", "version": case.version},
        form_url=f"/staff/cases/{case.id}/edit",
    )
    assert len(_entries()) == 2  # the GET for the token; the refused POST adds nothing


def _published(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    notice = pre_approval.publish_notice(
        world.reviewer_a,
        pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id]).id,
    )
    return case, notice


@pytest.mark.parametrize("role", ["clerk_a", "reviewer_a", "county_officer", "admin"])
def test_lists_never_carry_a_full_id_phone_or_member_id_for_any_role(app, world, factory, role):
    case, notice = _published(world, factory)
    other = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    secrets = [
        case.applicant_id_number,
        case.members[0].id_number,
        other.applicant_id_number,
        "13800138000",
    ]
    client = _client(app, getattr(world, role))
    pages = [
        "/staff/",
        "/staff/?q=张三丰",
        "/staff/home",
        "/staff/notices/",
        f"/staff/notices/{notice.id}",
        "/staff/rosters",
        "/staff/objections/",
        "/staff/changes/",
        "/staff/reviews/",
    ]
    if role in ("county_officer", "admin"):
        pages += ["/staff/approvals", "/staff/audit/", "/staff/audit/access"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert [s for s in secrets if s in body] == [], url
    assert MASKED.search(client.get("/staff/").get_data(as_text=True))
    # Found by the full ID typed into the search, the row still shows it masked (the search
    # box and the export links keep what was typed).
    found = client.get(f"/staff/?q={case.applicant_id_number}").get_data(as_text=True)
    rows = found[found.index("<tbody>") : found.index("</tbody>")]
    assert case.reference in rows and case.applicant_id_number not in rows
    assert _entries() == []


def test_an_export_without_a_purpose_is_refused_naming_the_field(app, world, factory):
    factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    client = _client(app, world.clerk_a)
    form = client.get("/staff/exports/cases.csv?program=dibao")
    assert form.status_code == 200 and "导出用途" in form.get_data(as_text=True)
    response = post_form(client, "/staff/exports/cases.csv?program=dibao", {"purpose": "  "})
    assert response.status_code == 200
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert "导出用途：请写明本次导出的用途" in response.get_data(as_text=True)
    assert _entries() == []


def test_an_export_logs_its_purpose_fields_and_count_of_ids(app, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    client = _client(app, world.clerk_a)
    response = post_form(
        client,
        "/staff/exports/cases.csv?program=dibao",
        {"purpose": "核对本月低保名单"},
    )
    assert "attachment" in response.headers["Content-Disposition"]
    assert case.applicant_id_number in response.get_data().decode("utf-8-sig")
    [entry] = _entries()
    assert entry.kind == AccessKind.EXPORT and entry.purpose == "核对本月低保名单"
    assert entry.case_id is None and entry.identifiers == 2
    assert {"id_number", "phone", "address"} <= set(entry.fields)
    assert entry.actor == "林经办" and entry.client_address == "127.0.0.1"


def test_the_county_searches_the_log_by_staff_member_and_by_case(app, world, factory):
    first = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    second = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    _reveal(_client(app, world.clerk_a), first.id)
    _reveal(_client(app, world.reviewer_a), second.id)
    county = _client(app, world.county_officer)

    def rows(query: str) -> list[str]:
        page = county.get(f"/staff/audit/access{query}").get_data(as_text=True)
        return re.findall(r"<td>(林经办|黄审核)</td>", page)

    assert sorted(rows("")) == ["林经办", "黄审核"]
    assert rows(f"?user={world.reviewer_a.id}") == ["黄审核"]
    assert rows(f"?case={first.reference}") == ["林经办"]
    assert rows(f"?case={second.id}") == ["黄审核"]
    page = county.get("/staff/audit/access?case=abc").get_data(as_text=True)
    assert "案件编号：请填写案件编号" in page
    assert _client(app, world.clerk_a).get("/staff/audit/access").status_code == 403


def test_an_account_seeing_many_ids_within_an_hour_is_flagged_once(app, world, factory):
    app.config["ACCESS_ALERT_PER_HOUR"] = 5
    try:
        cases = [factory.case(world.clerk_a, Program.DIBAO, world.village_a) for _ in range(4)]
        client = _client(app, world.clerk_a)
        _reveal(client, cases[0].id)
        _reveal(client, cases[1].id)
        assert db.session.scalars(select(AccessAlert)).all() == []  # 4 IDs: not yet
        _reveal(client, cases[2].id)
        _reveal(client, cases[3].id)
        [alert] = db.session.scalars(select(AccessAlert)).all()
        assert alert.user_id == world.clerk_a.id and alert.identifiers == 6
        home = _client(app, world.admin).get("/staff/home").get_data(as_text=True)
        assert re.search(r'todo-count">1</span> 个人信息查阅异常', home)
        county = _client(app, world.county_officer).get("/staff/audit/access")
        assert "林经办" in county.get_data(as_text=True) and "异常查阅" in county.get_data(
            as_text=True
        )
        clerk_home = client.get("/staff/home").get_data(as_text=True)
        assert "个人信息查阅异常" not in clerk_home
    finally:
        app.config["ACCESS_ALERT_PER_HOUR"] = 100


def test_access_log_entries_cannot_be_changed_or_deleted(app, world, factory):
    case = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    _reveal(_client(app, world.clerk_a), case.id)
    [entry] = _entries()
    entry.purpose = "改写"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.delete(entry)
        db.session.commit()
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        # Also in the database itself, for whoever bypasses the app.
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("UPDATE data_access_log SET purpose = 'x'"))
        db.session.rollback()


def test_ids_and_phones_inside_a_line_of_text_are_masked():
    line = "李秀英 110101195801010012 配偶；13800138000；0591-83210000"
    assert mask_identifiers(line) == "李秀英 110101********0012 配偶；138****8000；059******0000"


def test_the_history_and_the_audit_log_show_personal_values_masked(app, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, address="东风村3组12号")
    member_id = case.members[0].id_number
    secrets = [case.applicant_id_number, member_id, "13800138000", "东风村3组12号"]
    county = _client(app, world.county_officer)
    for url in (f"/staff/cases/{case.id}/history", "/staff/audit/"):
        page = county.get(url).get_data(as_text=True)
        assert [s for s in secrets if s in page] == [], url
        assert f"{member_id[:6]}********{member_id[-4:]}" in page and "138****8000" in page
    export = county.get("/staff/audit/export.csv").get_data().decode("utf-8-sig")
    assert [s for s in secrets if s in export] == []
    assert "（已隐藏）" in export and "李秀英" in export


def test_a_pending_change_of_an_id_shows_it_in_full_to_the_reviewer_and_logs_the_view(
    app, world, factory
):
    from noticeboard.cases import services
    from noticeboard.cases.models import CaseStatus

    case = factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    case.status = CaseStatus.ACTIVE
    db.session.commit()
    old_id = case.applicant_id_number
    new_id = factory.tekun_data(world.village_a)["applicant_id_number"]
    data = factory.tekun_data(world.village_a, applicant_id_number=new_id)
    services.update_case(world.clerk_a, case.id, data, case.version)
    change = services.pending_change_of(case)
    page = _client(app, world.reviewer_a).get(f"/staff/changes/{change.id}")
    assert old_id in page.get_data(as_text=True) and new_id in page.get_data(as_text=True)
    [entry] = _entries()
    assert entry.kind == AccessKind.VIEW and entry.user_id == world.reviewer_a.id
    assert entry.case_id == case.id and entry.fields == ["id_number"] and entry.identifiers == 2


def test_the_annotated_upload_is_an_export_with_its_purpose(app, world):
    from noticeboard.spreadsheets import imports
    from tests.spreadsheets.conftest import csv_bytes, dibao_rows

    rows = dibao_rows(2)
    rows[0][11] = "一千"
    upload = imports.upload(
        world.clerk_a, world.township_a.id, "dibao", "new", "名单.csv", csv_bytes(rows)
    )
    url = f"/staff/imports/{upload.id}/annotated"
    reviewer = _client(app, world.reviewer_a)
    assert "导出用途" in reviewer.get(url).get_data(as_text=True)
    refused = post_form(reviewer, url, {"purpose": ""})
    assert "attachment" not in refused.headers.get("Content-Disposition", "")
    assert _entries() == []
    response = post_form(reviewer, url, {"purpose": "协助经办人改正"})
    assert "attachment" in response.headers["Content-Disposition"]
    [entry] = _entries()
    assert (entry.kind, entry.purpose, entry.user_id) == (
        AccessKind.EXPORT,
        "协助经办人改正",
        world.reviewer_a.id,
    )
    assert entry.identifiers == upload.rows and "id_number" in entry.fields
    assert _client(app, world.clerk_b).get(url).status_code == 404


def test_a_reveal_costs_the_same_statements_for_a_larger_household(app, world, factory):
    """One insert and one sum per reveal, however many IDs the page shows."""
    from sqlalchemy import event

    from tests.factories import resident_id

    small = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    members = [
        {"name": f"成员{n}", "id_number": resident_id("19900101"), "relation": "子女"}
        for n in "一二三四"
    ]
    large = factory.case(
        world.clerk_a, Program.DIBAO, world.village_a, members=members, persons_covered=5
    )
    client = _client(app, world.clerk_a)
    token = csrf_token(client, "/staff/")
    counts = []

    def count(*_):
        counts[-1] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for case in (small, large):
            counts.append(0)
            response = client.post(f"/staff/cases/{case.id}/reveal", data={"csrf_token": token})
            assert response.status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert counts[0] == counts[1]
    assert [e.identifiers for e in _entries()] == [2, 5]
