"""Fixtures for the printing tests."""

from __future__ import annotations

import pytest

from noticeboard.printing.samples import sample_kwargs


@pytest.fixture(scope="session")
def small_rows() -> list[dict]:
    return [
        {"line": 1, "name": "张*丰", "persons": 3, "amount": "1234.00"},
        {"line": 2, "name": "𠮷*华", "persons": 1, "amount": "560.00"},
        {"line": 3, "name": "阿卜杜拉·艾合买提", "persons": 4, "amount": "2400.50"},
        {"line": 4, "name": "欧阳*明", "persons": 2, "amount": "980.00"},
        {"line": 5, "name": "司马*", "persons": 1, "amount": "615.00"},
    ]


@pytest.fixture(scope="session")
def big_kwargs() -> dict:
    """A 120-row notice: several pages."""
    return sample_kwargs(120, village="东风村", seed=7)
