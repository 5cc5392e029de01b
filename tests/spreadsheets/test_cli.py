"""`flask cases import` and `flask cases export`: the same report and writes as the pages."""

import io

import openpyxl
from sqlalchemy import func, select

from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.extensions import db
from tests.spreadsheets.conftest import dibao_rows, xlsx


def _invoke(app, *args):
    return app.test_cli_runner().invoke(args=["cases", *args])


def test_import_without_commit_only_checks_and_with_commit_imports(app, world, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx(dibao_rows(4)))
    common = ["--region", "示范县/新店镇", "--purpose", "new", "--user", "clerk_a"]
    result = _invoke(app, "import", str(path), *common)
    assert result.exit_code == 0, result.output
    assert "东风村：4 个案件，8 人" in result.output
    assert result.output.rstrip().endswith("imported: 0")
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    path.write_bytes(xlsx(dibao_rows(5)))
    result = _invoke(app, "import", str(path), *common, "--commit")
    assert result.exit_code == 0, result.output
    assert "5 个案件已写入" in result.output
    assert result.output.rstrip().endswith("imported: 10")  # rows: heads and members
    assert db.session.scalar(select(func.count()).select_from(Case)) == 5


def test_import_with_a_bad_row_prints_it_and_exits_1(app, world, tmp_path):
    rows = dibao_rows(2)
    rows[3][5] = "老伴"
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx(rows))
    result = _invoke(
        app, "import", str(path), "--region", "示范县/新店镇", "--purpose", "active",
        "--user", "admin", "--commit",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "第 5 行 · 与户主关系 · 请填写以下之一：" in result.output
    assert result.output.rstrip().endswith("imported: 0")


def test_active_recipients_from_the_command_line_wait_for_a_second_person(app, world, tmp_path):
    path = tmp_path / "在保.xlsx"
    path.write_bytes(xlsx(dibao_rows(2)))
    result = _invoke(
        app, "import", str(path), "--region", "示范县/新店镇", "--purpose", "active",
        "--user", "admin", "--commit",
    )  # fmt: skip
    assert result.exit_code == 0 and "须由另一位审核人确认" in result.output
    import_id = result.output.split("导入 ", 1)[1].split(" 号")[0]
    refused = _invoke(app, "confirm-import", import_id, "--user", "admin")
    assert refused.exit_code == 1 and "审核与经办不能是同一人" in refused.output
    confirmed = _invoke(app, "confirm-import", import_id, "--user", "reviewer_a")
    assert confirmed.output.rstrip().endswith("imported: 4")
    assert set(db.session.scalars(select(Case.status))) == {CaseStatus.ACTIVE}


def test_export_writes_the_regions_cases(app, world, factory, tmp_path):
    factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    factory.case(world.clerk_b, Program.DIBAO, world.village_b)
    factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    out = tmp_path / "out.xlsx"
    result = _invoke(
        app, "export", "--region", "示范县/新店镇", "--program", "dibao", "--user", "admin",
        "--purpose", "核对低保名单", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == ["东风村", "东风村"]
