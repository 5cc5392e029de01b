"""What the public may see of a month's figures: counts and amounts only, and no cell that
counts fewer households than the threshold (STATS_SUPPRESS_BELOW, default 3), so nobody can
single out a household by its amount.

Small cells are suppressed, not merged: a merged "其他" row would change shape from month
to month and break the series others build from the open data. Suppressing one row of a
column alone would let anyone get it back as the total minus the other rows, so when a
column has exactly one small row the next smallest row is suppressed with it
(complementary suppression); a small total suppresses the whole column.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from noticeboard.cases.models import Program
from noticeboard.core.errors import NotFound
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.statistics.figures import PROGRAMS, Cell, Figures, MonthReport, month_report

DEFAULT_THRESHOLD = 3


@dataclass
class PublicCell:
    households: int
    persons: int
    amount: Decimal
    ytd: Decimal


@dataclass
class PublicRow:
    region_id: int
    name: str
    level: str
    cells: dict[Program, PublicCell | None]  # None: suppressed


def threshold() -> int:
    return int(current_app.config.get("STATS_SUPPRESS_BELOW", DEFAULT_THRESHOLD))


def _shown(cell: Cell) -> PublicCell:
    return PublicCell(cell.households, cell.persons, cell.amount, cell.ytd)


def public_rows(report: MonthReport, below: int | None = None) -> list[PublicRow]:
    """The report's rows, then its total, as the public sees them."""
    below = threshold() if below is None else below
    everyone = [*report.rows, report.total]
    shown: dict[int, dict[Program, PublicCell | None]] = {id(f): {} for f in everyone}
    for program in PROGRAMS:
        total = report.total.programs[program]
        small_total = 0 < total.households < below
        hidden = {
            id(f) for f in report.rows if small_total or 0 < f.programs[program].households < below
        }
        if len(hidden) == 1:
            others = [f for f in report.rows if id(f) not in hidden and _counted(f, program)]
            if others:
                hidden.add(id(min(others, key=lambda f: f.programs[program].households)))
            else:  # the only row with anyone in it: the total would give it away
                small_total = True
        for figures in everyone:
            suppressed = id(figures) in hidden or (figures is report.total and small_total)
            cell = figures.programs[program]
            shown[id(figures)][program] = None if suppressed else _shown(cell)
    return [_row(f, shown[id(f)]) for f in everyone]


def _counted(figures: Figures, program: Program) -> bool:
    return figures.programs[program].households > 0


def _row(figures: Figures, cells: dict) -> PublicRow:
    region = figures.region
    return PublicRow(region.id, region.name, str(region.level), cells)


@dataclass
class PublicMonth:
    county: Region
    month: date
    below: int
    rows: list[PublicRow]  # the townships, then the county

    def row_of(self, region_id: int) -> PublicRow:
        for row in self.rows:
            if row.region_id == region_id:
                return row
        raise NotFound("未找到该区划")


def public_month(month: date) -> PublicMonth:
    """The county and its townships for `month`, suppressed. A township is always read from
    the county's table, so asking for it alone hides what the table hides."""
    county = db.session.scalar(
        select(Region).where(Region.level == RegionLevel.COUNTY).order_by(Region.id).limit(1)
    )
    if county is None:
        raise NotFound("尚未设置区划")
    below = threshold()
    return PublicMonth(
        county, month, below, public_rows(month_report(county, month, detail=False), below)
    )
