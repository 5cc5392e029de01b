"""Hostile and odd files get a clear message, never a 500; templates and annotated copies."""

import io
import zipfile

import openpyxl
import pytest

from noticeboard.cases.models import Program
from noticeboard.core.errors import DomainError
from noticeboard.core.validation import clean_resident_id
from noticeboard.spreadsheets import imports, templates
from noticeboard.spreadsheets.annotated import annotated
from tests.conftest import csrf_token, login
from tests.spreadsheets.conftest import csv_bytes, dibao_rows, xlsx


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    return buffer.getvalue()


def _xlsm() -> bytes:
    buffer = io.BytesIO(xlsx(dibao_rows(1)))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("名单.xlsx", _docx(), "这是 Word 文档"),
        ("名单.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "这是图片"),
        ("名单.xlsm", _xlsm(), "含宏的工作簿"),
        ("名单.xlsx", _bomb(), "疑似压缩炸弹"),
        ("名单.xlsx", xlsx(dibao_rows(1))[:2000], "文件已损坏"),
        ("名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "另存为"),
        ("名单.docx", b"plain text", "只能导入 .xlsx 工作簿或 .csv 文件"),
        ("名单.csv", "姓名,身份证号\n".encode("utf-16"), "编码无法识别"),
        ("名单.csv", b"a,b\n1,2\n", "找不到表头"),
    ],
)
def test_a_file_that_is_no_sheet_of_ours_gets_a_clear_message(world, name, content, said):
    with pytest.raises(DomainError, match=said):
        imports.upload(world.clerk_a, world.township_a.id, "dibao", "new", name, content)


@pytest.mark.parametrize(
    ("setting", "limit", "content", "said"),
    [
        ("IMPORT_MAX_ROWS", 10, csv_bytes(dibao_rows(6)), "超过 10 行的上限"),
        ("IMPORT_MAX_BYTES", 1024 * 1024, b"x" * (1024 * 1024 + 1), "超过 1 MB 的上限"),
    ],
)
def test_size_and_row_limits_are_refused_with_the_limit_named(
    app, world, monkeypatch, setting, limit, content, said
):
    monkeypatch.setitem(app.config, setting, limit)
    with pytest.raises(DomainError, match=said):
        imports.upload(world.clerk_a, world.township_a.id, "dibao", "new", "a.csv", content)


@pytest.mark.parametrize("program", list(Program))
def test_the_template_has_drop_downs_text_ids_a_frozen_header_and_instructions(program):
    book = openpyxl.load_workbook(io.BytesIO(templates.template(program)))
    sheet, guide = book.worksheets
    assert guide.title == "填写说明" and guide.max_row == sheet.max_column + 1
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("身份证号") + 1).number_format == "@"
    lists = {v.formula1 for v in sheet.data_validations.dataValidation}
    expected = {Program.DIBAO: '"城市,农村"', Program.TEKUN: '"全自理,半护理,全护理"',
                Program.LINSHI: '"急难型,支出型"'}[program]  # fmt: skip
    assert expected in lists
    examples = {row[0].value: row[3].value for row in guide.iter_rows(min_row=2)}
    assert clean_resident_id(examples["身份证号"]) == examples["身份证号"]


def test_a_template_filled_in_imports(world):
    book = openpyxl.load_workbook(io.BytesIO(templates.template(Program.DIBAO)))
    sheet = book.worksheets[0]
    for row, values in enumerate(dibao_rows(2), start=2):
        header = [c.value for c in sheet[1]]
        line = dict(zip(DIBAO_ORDER, values, strict=True))
        for column, title in enumerate(header, start=1):
            sheet.cell(row, column, line.get(title))
    buffer = io.BytesIO()
    book.save(buffer)
    upload = imports.upload(
        world.clerk_a, world.township_a.id, "dibao", "active", "模板.xlsx", buffer.getvalue()
    )
    assert upload.report["problems"] == [] and upload.report["counts"] == [["东风村", 2, 4]]


DIBAO_ORDER = [
    "村/社区", "组", "户主身份证号", "姓名", "身份证号", "与户主关系", "纳入保障", "保障人数",
    "联系电话", "城乡类别", "保障类别", "月保障金额", "享受起始年月",
]  # fmt: skip


def test_the_annotated_workbook_marks_bad_cells_and_explains_them(world):
    rows = dibao_rows(3)
    rows[2][11] = "一千"
    upload = imports.upload(
        world.clerk_a, world.township_a.id, "dibao", "new", "名单.xlsx", xlsx(rows)
    )
    filename, content = annotated(upload)
    assert filename == "名单-错误说明.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.cell(1, 14).value == "错误说明"
    assert sheet.cell(4, 14).value == "月保障金额：“一千”不是金额，请只填数字，如 680.00"
    assert sheet.cell(4, 12).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(2, 12).fill.fgColor.rgb in ("00000000", None)


def test_the_annotated_csv_has_a_bom_and_an_explanation_column(world):
    rows = dibao_rows(1)
    rows[0][9] = "乡村"
    content = csv_bytes(rows, encoding="gb18030")
    upload = imports.upload(world.clerk_a, world.township_a.id, "dibao", "new", "名单.csv", content)
    _, annotated_csv = annotated(upload)
    text = annotated_csv.decode("utf-8")
    assert text.startswith("\ufeff") and "错误说明" in text.splitlines()[0]
    assert text.splitlines()[1].endswith("城乡类别：请填写以下之一：城市、农村")


def test_the_upload_page_takes_a_10_mb_file_and_shows_the_preview(app, world):
    client = app.test_client()
    login(client, world.clerk_a.username)
    token = csrf_token(client, "/staff/imports/")
    rows = dibao_rows(2)
    rows[1][4] = "123"
    padding = [[None] * 13 + ["x" * 1000] for _ in range(2000)]  # 2 MB: above the app's 1 MB
    response = client.post(
        "/staff/imports/",
        data={
            "csrf_token": token,
            "program": "dibao",
            "purpose": "new",
            "file": (io.BytesIO(csv_bytes(rows + padding, [*DIBAO_ORDER, "备注"])), "名单.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "第 3 行 · 身份证号 · 应为 18 位，现在是 3 位，请核对" in page
    assert "整份文件未导入" in page and "确认导入" not in page


def test_a_refused_upload_shows_the_message_on_the_page(app, world):
    client = app.test_client()
    login(client, world.clerk_a.username)
    token = csrf_token(client, "/staff/imports/")
    response = client.post(
        "/staff/imports/",
        data={"csrf_token": token, "program": "dibao", "purpose": "new",
              "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n0000"), "照片.xlsx")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 422
    assert "这是图片，不是表格" in response.get_data(as_text=True)


def test_an_administrator_picks_the_township_and_a_clerk_does_not(app, world):
    pages = {}
    for user in (world.admin, world.clerk_a):
        client = app.test_client()
        login(client, user.username)
        pages[user.username] = client.get("/staff/imports/").get_data(as_text=True)
    assert 'name="township_id"' in pages["admin"] and "城关街道" in pages["admin"]
    assert 'name="township_id"' not in pages["clerk_a"]
