"""Tables handed to spreadsheets: cells Excel will not run as formulas, CSV it opens right."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# A cell starting with one of these is a formula to Excel or LibreOffice (CSV injection), also
# after a tab or carriage return; a leading apostrophe makes it text and shows nothing.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """`value` as a spreadsheet may hold it: text that would start a formula gets a leading
    apostrophe; numbers stay numbers (a negative amount is not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def set_text_cell(cell, value) -> None:
    """For .xlsx: the value as a string cell (openpyxl would store "=…" as a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


@dataclass
class Column:
    title: str
    kind: str = "text"  # text, money, date, month, int
    width: int = 12


def typed_value(value, kind: str):
    if value is None or value == "":
        return None
    if kind == "money":
        return Decimal(str(value).replace(",", "")).quantize(Decimal("0.01"))
    if kind == "int":
        return int(value)
    if kind in ("date", "month") and isinstance(value, str):
        return date.fromisoformat(value if len(value) == 10 else value + "-01")
    return value


def write_xlsx(title: str, columns: list[Column], lines: list[list]) -> bytes:
    """Amounts as numbers with 2 decimals, dates as dates, IDs and everything else as text;
    frozen header; write-only, so a county's whole list stays small in memory."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = {"money": "#,##0.00", "date": "yyyy-mm-dd", "month": "yyyy-mm", "int": "0"}
    for line in lines:
        cells = []
        for column, value in zip(columns, line, strict=True):
            value = typed_value(value, column.kind)
            cell = WriteOnlyCell(sheet)
            if column.kind == "text":
                set_text_cell(cell, None if value is None else str(value))
            else:
                cell.value = value
                cell.number_format = formats[column.kind]
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, mimetype: str, filename: str) -> Response:
    """A file download named in Chinese (RFC 6266: an ASCII fallback name as well)."""
    response = Response(content, mimetype=mimetype)
    extension = filename.rsplit(".", 1)[-1]
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"export.{extension}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def csv_response(header: list[str], rows: Iterable[list], filename: str) -> Response:
    """A CSV download in UTF-8 with a byte-order mark, which Excel needs to read Chinese."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell("" if value is None else value) for value in row])
    return download(out.getvalue().encode(), "text/csv; charset=utf-8", filename)
