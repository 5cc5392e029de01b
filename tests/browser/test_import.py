"""A clerk imports a township's spreadsheet in a real browser: a file with errors gives a
preview naming every problem and an annotated workbook; a good file is confirmed."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from noticeboard.cases.models import Case
from noticeboard.extensions import db
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_clerk import log_in
from tests.spreadsheets.conftest import dibao_rows, xlsx

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(page, base: str, name: str, content: bytes) -> None:
    page.goto(f"{base}/staff/imports/")
    page.check("input[name=purpose][value=new]")
    page.set_input_files("#file", files=[{"name": name, "mimeType": XLSX, "buffer": content}])
    with page.expect_navigation():
        page.click("button:has-text('上传并核对')")


def test_clerk_sees_every_problem_downloads_the_marked_file_then_imports(
    live_server, office_pc, world
):
    page = office_pc
    log_in(page, live_server, world.clerk_a.username)
    rows = dibao_rows(6) + dibao_rows(2, "东丰村")
    rows[1][4] = float(rows[1][4][:17] + "0")  # an ID Excel turned into a number
    rows[4][11] = "一千三"
    _upload(page, live_server, "东风村低保名单.xlsx", xlsx(rows))

    problems = page.locator(".problem-list li")
    expect(page.locator("#problems-title")).to_contain_text("整份文件未导入")
    expect(problems.nth(0)).to_contain_text("第 3 行 · 身份证号 · 身份证号被 Excel 存成了数字")
    expect(page.locator(".problems")).to_contain_text("第 6 行 · 月保障金额 · “一千三”不是金额")
    expect(page.locator(".problems")).to_contain_text("是否是：东风村")
    expect(page.locator("button:has-text('确认导入')")).to_have_count(0)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import-preview-errors.png"), full_page=True)

    page.click("a:has-text('下载标注了问题的文件')")
    # The file holds the IDs as uploaded: its download states a purpose (access log).
    page.fill("#purpose", "改正后重新上传")
    with page.expect_download() as download:
        page.click("button:has-text('导出')")
    marked = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert download.value.suggested_filename == "东风村低保名单-错误说明.xlsx"
    assert marked.cell(1, 14).value == "错误说明"
    assert "“一千三”不是金额" in marked.cell(6, 14).value
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0

    _upload(page, live_server, "东风村低保名单（改正后）.xlsx", xlsx(dibao_rows(6)))
    expect(page.locator("table.grid")).to_contain_text("东风村")
    with page.expect_navigation():
        page.click("button:has-text('确认导入')")
    expect(page.locator(".flash-success")).to_contain_text("已导入 6 个案件")
    assert db.session.scalar(select(func.count()).select_from(Case)) == 6
