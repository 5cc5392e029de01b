"""The audit log is append-only from the app."""

import pytest
from sqlalchemy import select

from noticeboard.audit.models import AuditEntry, AuditLogIsAppendOnly
from noticeboard.cases.models import Program
from noticeboard.extensions import db


def test_audit_entries_cannot_be_changed_or_deleted(world, factory):
    factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    entry = db.session.scalars(select(AuditEntry)).first()
    entry.actor = "someone else"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.delete(entry)
        db.session.commit()


def test_audit_page_shows_who_changed_what_inside_the_county_only(app, world, factory):
    from tests.conftest import login

    factory.case(world.clerk_a, Program.TEKUN, world.village_a, applicant_name="欧阳娜娜")
    county = app.test_client()
    login(county, world.county_officer.username)
    page = county.get("/staff/audit/").get_data(as_text=True)
    assert "林经办" in page and "新建" in page and "欧阳娜娜" in page
    clerk = app.test_client()
    login(clerk, world.clerk_a.username)
    assert clerk.get("/staff/audit/").status_code == 403


def _cells(page: str) -> list[str]:
    """The text of every cell of the log table."""
    import re

    if '<table class="grid audit">' not in page:
        return []
    table = page[page.index('<table class="grid audit">') : page.index("</table>")]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)
    ]


def test_the_log_reads_in_chinese_and_names_records_as_staff_know_them(app, world, factory):
    """Actions, fields and records as staff say them: 审核确认 rather than 修改, 标题 rather
    than title, 低保-000001 张*丰 rather than 案件 1."""
    from noticeboard.notices import approval, pre_approval
    from tests.conftest import login
    from tests.portal.helpers import START, travel

    with travel(START):
        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, applicant_name="张三丰")
        draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
        notice = pre_approval.publish_notice(world.reviewer_a, draft.id)
    with travel(START.replace(day=START.day + 7)):
        approval.approve_case(world.county_officer, case.id)
    client = app.test_client()
    login(client, world.county_officer.username)
    page = client.get("/staff/audit/").get_data(as_text=True)
    cells = _cells(page)
    assert f"低保-{case.id:06d} 张*丰" in cells
    assert notice.title in cells
    assert any(c.startswith("审核确认") for c in cells) and any(c.startswith("发布") for c in cells)
    assert {"标题", "核验码", "状态", "月保障金额"} <= set(cells)
    raw = {"create", "update", "publish", "approve", "title", "rows", "cases", "status"}
    raw |= {"verification_code", "monthly_amount", "notice", "case"}
    assert not raw & set(cells), raw & set(cells)
    assert f'href="/staff/cases/{case.id}/history"' in page


def test_the_log_filters_by_person_township_action_and_date(app, world, factory):
    from tests.conftest import login
    from tests.portal.helpers import START, travel

    with travel(START):
        factory.case(world.clerk_a, Program.TEKUN, world.village_a, applicant_name="欧阳娜娜")
    with travel(START.replace(day=START.day + 3)):
        factory.case(world.clerk_b, Program.TEKUN, world.village_b, applicant_name="司马青")
    client = app.test_client()
    login(client, world.county_officer.username)

    def names(query: str) -> set[str]:
        cells = _cells(client.get(f"/staff/audit/?{query}").get_data(as_text=True))
        return {c.split()[-1] for c in cells if c.startswith("特困-")}

    assert names("") == {"欧阳*娜", "司马*"}
    assert names(f"user={world.clerk_b.id}") == {"司马*"}
    assert names(f"township={world.township_a.id}") == {"欧阳*娜"}
    assert names(f"action=create&since={START.replace(day=START.day + 1)}") == {"司马*"}
    assert names(f"until={START}") == {"欧阳*娜"}
    assert names("action=approve") == set()
    assert "没有符合条件的记录" in client.get("/staff/audit/?action=approve").get_data(as_text=True)
    page = client.get("/staff/audit/?since=2026-13-45")
    assert page.status_code == 200
    assert "开始日期：请按 2026-11-05 的格式填写日期" in page.get_data(as_text=True)


def test_the_log_comes_a_page_at_a_time(app, world, factory):
    from tests.conftest import login

    for _ in range(55):
        factory.case(world.clerk_a, Program.LINSHI, world.village_a, paid_on="2026-10-15")
    client = app.test_client()
    login(client, world.county_officer.username)
    first = client.get("/staff/audit/").get_data(as_text=True)
    assert (
        "第 1 / 2 页（共 55 件）" in first
        and len([c for c in _cells(first) if c.startswith("临时救助-")]) == 50
    )
    second = client.get("/staff/audit/?page=2").get_data(as_text=True)
    assert len([c for c in _cells(second) if c.startswith("临时救助-")]) == 5


def test_the_log_exports_as_csv_that_excel_opens_safely_and_the_export_is_recorded(
    app, world, factory
):
    import csv
    import io

    from noticeboard.cases import lifecycle
    from tests.conftest import login

    # 低保: a 特困 case would end only after its termination notice.
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    case.status = case.status.ACTIVE
    db.session.commit()
    lifecycle.terminate_case(world.clerk_a, case.id, '=HYPERLINK("http://x","点击")')
    client = app.test_client()
    login(client, world.county_officer.username)
    response = client.get("/staff/audit/export.csv?action=terminate")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the mark
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:4] == ["时间（北京时间）", "操作人", "操作", "对象"]
    assert {r[2] for r in rows[1:]} == {"终止"}
    # The reason is text to Excel, never a formula.
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(cell == '\'=HYPERLINK("http://x","点击")' for row in rows for cell in row)
    exported = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert exported.actor == "陈科长" and exported.changes["rows"] == [None, "1"]
    assert "导出" in _cells(client.get("/staff/audit/").get_data(as_text=True))[2]
