"""Tables handed to spreadsheets: cells Excel will not run as formulas, CSV it opens right."""

import csv
import io
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response

# A cell starting with one of these is a formula to Excel or LibreOffice (CSV injection), also
# after a tab or carriage return; a leading apostrophe makes it text and shows nothing.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """`value` as a spreadsheet may hold it: text that would start a formula gets a leading
    apostrophe; numbers stay numbers (a negative amount is not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(header: list[str], rows: Iterable[list], filename: str) -> Response:
    """A CSV download in UTF-8 with a byte-order mark, which Excel needs to read Chinese."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell("" if value is None else value) for value in row])
    response = Response(out.getvalue(), mimetype="text/csv; charset=utf-8")
    # RFC 6266: an ASCII fallback name, and the Chinese name for browsers that read it.
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"export.csv\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
