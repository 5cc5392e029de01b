"""The uploaded file given back with its problems marked: bad cells filled red and an
错误说明 column, so the clerk fixes them in the file they know and uploads it again."""

import csv
import io

import openpyxl
from openpyxl.styles import Font, PatternFill

from noticeboard.spreadsheets.models import CaseImport
from noticeboard.spreadsheets.reading import data_sheet, decode_csv
from noticeboard.spreadsheets.safe import neutralise_csv, set_text_cell

BAD = PatternFill("solid", fgColor="FFC7CE")
EXPLANATION = "错误说明"


def _by_row(case_import: CaseImport) -> dict[int, list[tuple[str, str]]]:
    rows: dict[int, list[tuple[str, str]]] = {}
    for row, column, message in case_import.report["problems"]:
        rows.setdefault(row or case_import.report["header_row"], []).append((column, message))
    return rows


def _explained(problems: list[tuple[str, str]]) -> str:
    return "；".join(f"{column}：{message}" if column else message for column, message in problems)


def annotated(case_import: CaseImport) -> tuple[str, bytes]:
    """(file name, content) of the annotated copy, .xlsx or CSV as uploaded."""
    stem = case_import.filename.rsplit(".", 1)[0]
    if case_import.report["kind"] == "csv":
        return f"{stem}-错误说明.csv", _annotated_csv(case_import)
    return f"{stem}-错误说明.xlsx", _annotated_xlsx(case_import)


def _annotated_xlsx(case_import: CaseImport) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(case_import.content))
    sheet = data_sheet(book)
    columns = case_import.report["columns"]
    header_row = case_import.report["header_row"]
    extra = sheet.max_column + 1
    header = sheet.cell(header_row, extra)
    set_text_cell(header, EXPLANATION)
    header.font = Font(bold=True, color="9C0006")
    sheet.column_dimensions[header.column_letter].width = 60
    for row, problems in _by_row(case_import).items():
        for column, _ in problems:
            if column in columns:
                sheet.cell(row, columns[column] + 1).fill = BAD
        set_text_cell(sheet.cell(row, extra), _explained(problems))
        sheet.cell(row, extra).fill = BAD
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _annotated_csv(case_import: CaseImport) -> bytes:
    problems = _by_row(case_import)
    header_row = case_import.report["header_row"]
    reader = csv.reader(io.StringIO(decode_csv(case_import.content), newline=""))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in reader:
        number = reader.line_num
        said = EXPLANATION if number == header_row else _explained(problems.get(number, []))
        writer.writerow([*values, neutralise_csv(said)])
    # With a BOM, so Excel reads the Chinese of the explanations.
    return buffer.getvalue().encode("utf-8-sig")
