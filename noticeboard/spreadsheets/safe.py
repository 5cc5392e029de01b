"""Cells that a spreadsheet program would run as a formula (CSV/formula injection).

A name typed as `=HYPERLINK(...)` or `@SUM(...)` in a case must reach the county's Excel
as the text it is. OWASP's rule: a cell starting with = + - @ tab or carriage return.
"""

from noticeboard.core.exports import FORMULA_STARTS, safe_cell, set_text_cell

# For CSV, where the reader decides: a leading apostrophe makes Excel read text (one rule for
# every export, the audit log's too: core/exports.py).
neutralise_csv = safe_cell

__all__ = ["neutralise_csv", "set_text_cell"]


def is_dangerous(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)
