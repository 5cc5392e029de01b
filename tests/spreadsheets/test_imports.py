"""Importing cases from a spreadsheet: preview first, then all rows or none."""

import pytest
from sqlalchemy import func, select

from noticeboard.audit.models import AuditEntry
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.core.errors import DomainError, Forbidden, ValidationFailed
from noticeboard.extensions import db
from noticeboard.notices.rosters import current_roster
from noticeboard.spreadsheets import imports
from tests.spreadsheets.conftest import csv_bytes, dibao_rows, xlsx


def _cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def _upload(world, content, purpose="new", name="名单.xlsx", user=None, program="dibao"):
    return imports.upload(
        user or world.clerk_a, world.township_a.id, program, purpose, name, content
    )


def _messages(case_import) -> list[str]:
    return [f"第 {r} 行 · {c} · {m}" for r, c, m in case_import.report["problems"]]


def test_a_good_file_of_300_households_with_members_imports_as_drafts(world):
    rows = dibao_rows(200, "东风村") + dibao_rows(100, "红星村", members=2)
    case_import = _upload(world, xlsx(rows))
    assert _messages(case_import) == []
    assert case_import.report["counts"] == [["东风村", 200, 400], ["红星村", 100, 300]]
    assert _cases() == 0  # the preview writes nothing
    imports.confirm_import(world.clerk_a, case_import.id)
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    assert len(cases) == 300
    assert {c.status for c in cases} == {CaseStatus.DRAFT}
    assert cases[-1].persons_covered == 3 and len(cases[-1].members) == 2
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "case_import"))
    assert case_import.sha256 in entry.note and "名单.xlsx" in entry.note
    assert f"{len(rows)} 行" in entry.note and "林经办" in entry.note


def test_one_bad_row_imports_nothing_and_names_row_and_column(world):
    rows = dibao_rows(5)
    rows[4][11] = "一千"  # row 6 in Excel: the header is row 1
    case_import = _upload(world, xlsx(rows))
    assert _messages(case_import) == ["第 6 行 · 月保障金额 · “一千”不是金额，请只填数字，如 680.00"]
    with pytest.raises(DomainError):
        imports.confirm_import(world.clerk_a, case_import.id)
    assert _cases() == 0


def test_active_recipients_wait_for_a_reviewer_who_did_not_upload(world):
    case_import = _upload(world, xlsx(dibao_rows(3)), purpose="active")
    with pytest.raises(Forbidden):
        imports.confirm_import(world.clerk_a, case_import.id)
    assert _cases() == 0
    imports.confirm_import(world.reviewer_a, case_import.id)
    cases = db.session.scalars(select(Case)).all()
    assert {c.status for c in cases} == {CaseStatus.ACTIVE}
    assert {str(c.benefit_start) for c in cases} == {"2024-03-01"}
    roster = current_roster(world.village_a, Program.DIBAO)
    assert roster is not None and len(roster.entries) == 3


def test_the_same_file_twice_is_refused(world):
    content = xlsx(dibao_rows(2))
    _upload(world, content)
    with pytest.raises(ValidationFailed, match="同一文件"):
        _upload(world, content)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_gb18030_reads_the_same(world, encoding):
    case_import = _upload(world, csv_bytes(dibao_rows(4), encoding=encoding), name="名单.csv")
    assert _messages(case_import) == []
    assert case_import.report["counts"] == [["东风村", 4, 8]]
