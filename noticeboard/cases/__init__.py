"""Cases of the three programs: 低保 households, 特困 persons and 临时救助 payments."""

# Keeps the index of name pieces on every flush (see name_grams.py).
from noticeboard.cases import name_grams  # noqa: F401
