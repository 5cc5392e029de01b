"""Exports: typed cells, formula injection neutralised, scoped, audited; an export imported
again finds every case already present."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
from sqlalchemy import select

from noticeboard.audit.models import AuditEntry
from noticeboard.cases.models import CaseStatus, Program
from noticeboard.cases.search import CaseFilter
from noticeboard.extensions import db
from noticeboard.notices import pre_approval
from noticeboard.spreadsheets import exports, imports
from noticeboard.spreadsheets.reading import problem_line
from tests.conftest import login, post_form

PURPOSE = "核对本月低保名单"


def _sheet(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_a_cell_starting_with_a_formula_sign_opens_as_text(world, factory):
    factory.case(world.clerk_a, Program.DIBAO, world.village_a, address='=HYPERLINK("x")')
    result = exports.export_cases(world.clerk_a, CaseFilter(), "xlsx", PURPOSE)
    sheet = _sheet(result.content)
    titles = [c.value for c in sheet[1]]
    cell = sheet.cell(2, titles.index("详细地址") + 1)
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"
    text = exports.export_cases(world.clerk_a, CaseFilter(), "csv", PURPOSE).content
    assert text.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM for Chinese
    assert "'=HYPERLINK" in text.decode("utf-8-sig")


def test_amounts_are_numbers_dates_are_dates_ids_are_text_and_the_header_is_frozen(world, factory):
    case = factory.case(world.clerk_a, Program.LINSHI, world.village_a)
    sheet = _sheet(exports.export_cases(world.clerk_a, CaseFilter(), "xlsx", PURPOSE).content)
    titles = [c.value for c in sheet[1]]
    row = {title: sheet.cell(2, i + 1) for i, title in enumerate(titles)}
    assert row["救助金额"].value == 3000 and row["救助金额"].number_format == "#,##0.00"
    assert row["发放日期"].value.date() == date(2026, 11, 2)
    assert row["身份证号"].value == case.applicant_id_number and row["身份证号"].data_type == "s"
    assert sheet.freeze_panes == "A2"


def test_exports_stay_in_scope_and_are_audited(world, factory):
    factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    factory.case(world.clerk_b, Program.DIBAO, world.village_b)
    result = exports.export_cases(world.clerk_b, CaseFilter(), "csv", PURPOSE)
    lines = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    assert {line[0] for line in lines[1:]} == {"南门社区"}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "export"))
    assert entry.actor == "郑经办" and "CSV，1 条、2 行" in entry.note


def test_an_export_imported_again_finds_every_case_already_present(world, factory):
    cases = [factory.case(world.clerk_a, Program.DIBAO, world.village_a) for _ in range(3)]
    content = exports.export_cases(
        world.clerk_a, CaseFilter(program="dibao"), "xlsx", PURPOSE
    ).content
    upload = imports.upload(
        world.clerk_a, world.township_a.id, "dibao", "new", "导出.xlsx", content
    )
    problems = [problem_line(*p) for p in upload.report["problems"]]
    assert len(problems) == 3
    for case, problem in zip(cases, problems, strict=True):
        assert f"户主已在新店镇东风村的{case.reference}（待公示）中" in problem
    assert set(upload.report["extra_columns"]) >= {"项目", "状态", "案件编号"}


def test_a_notices_board_copy_and_the_approval_queue_export(world, factory, app):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    notice = pre_approval.publish_notice(
        world.reviewer_a,
        pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id]).id,
    )
    sheet = _sheet(exports.export_notice(world.clerk_a, notice.id, "xlsx", PURPOSE).content)
    assert sheet.cell(2, 2).value == case.applicant_name  # the board shows full names
    amounts = [c.value for c in sheet[2] if isinstance(c.value, int | float)]
    assert Decimal("1360") in [Decimal(str(a)) for a in amounts]
    assert db.session.get(type(case), case.id).status == CaseStatus.IN_NOTICE
    queue = _sheet(exports.export_approvals(world.county_officer, "xlsx", PURPOSE).content)
    assert queue.cell(2, 1).value == case.reference
    assert "期满后方可审批" in queue.cell(2, 7).value


def test_export_pages_answer_a_file_and_another_townships_notice_is_404(app, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    notice = pre_approval.publish_notice(
        world.reviewer_a,
        pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id]).id,
    )
    client = app.test_client()
    login(client, world.clerk_a.username)
    url = "/staff/exports/cases.csv?program=dibao"
    response = post_form(client, url, {"purpose": PURPOSE})
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert case.applicant_id_number in response.get_data().decode("utf-8-sig")
    other = app.test_client()
    login(other, world.clerk_b.username)
    assert other.get(f"/staff/exports/notices/{notice.id}.xlsx").status_code == 404
    assert other.get("/staff/exports/cases.pdf").status_code == 404


def test_a_village_roster_exports_its_board_copy_with_numeric_amounts(world):
    from noticeboard.notices.rosters import current_roster
    from tests.spreadsheets.conftest import dibao_rows, xlsx

    upload = imports.upload(
        world.clerk_a, world.township_a.id, "dibao", "active", "在保.xlsx", xlsx(dibao_rows(3))
    )
    imports.confirm_import(world.reviewer_a, upload.id)
    roster = current_roster(world.village_a, Program.DIBAO)
    sheet = _sheet(exports.export_notice(world.clerk_a, roster.id, "xlsx", PURPOSE).content)
    titles = [c.value for c in sheet[1]]
    # the board copy ends with the county's 近亲属备案 column (shown on the board by default)
    assert titles[:2] == ["序号", "户主姓名"] and titles[-2:] == ["享受起始", "近亲属备案"]
    amounts = [sheet.cell(r, titles.index("月保障金额（元）") + 1) for r in range(2, 5)]
    assert [(a.value, a.number_format) for a in amounts] == [(1360, "#,##0.00")] * 3
    assert sheet.cell(2, len(titles) - 1).value == "2024-03"
