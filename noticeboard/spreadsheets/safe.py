"""Cells that a spreadsheet program would run as a formula (CSV/formula injection).

A name typed as `=HYPERLINK(...)` or `@SUM(...)` in a case must reach the county's Excel
as the text it is. OWASP's rule: a cell starting with = + - @ tab or carriage return.
"""

from noticeboard.core.exports import FORMULA_STARTS, safe_cell

# For CSV, where the reader decides: a leading apostrophe makes Excel read text (one rule for
# every export, the audit log's too: core/exports.py).
neutralise_csv = safe_cell


def is_dangerous(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def set_text_cell(cell, value) -> None:
    """For .xlsx: the value as a string cell (openpyxl would store "=…" as a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if is_dangerous(value):
            cell.quotePrefix = True
