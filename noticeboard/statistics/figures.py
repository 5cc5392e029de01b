"""A month's figures for a region and the regions below it, computed from the benefit
history (periods), the 临时救助 payments, the notices and the objections: a few
aggregations grouped by village, added up the region tree here.

A case counts in month M when it is paid for M (a period overlaps M); 临时救助 counts in
the month it was paid (paid_on). Notices count in the month they were published, objections
in the month they were raised, upheld ones in the month they were decided (Beijing time).
"""

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select

from noticeboard.cases.linshi_approval import paid_and_standing
from noticeboard.cases.models import (
    NOTICE_PROGRAMS,
    OPEN_STATUSES,
    Case,
    HomeVisit,
    NearRelative,
    Program,
)
from noticeboard.core.alongside import alongside
from noticeboard.core.dates import CHINA, first_of_next_month
from noticeboard.extensions import db
from noticeboard.notices.models import Notice, NoticeKind, Objection, ObjectionOutcome
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import village_in
from noticeboard.statistics.models import BenefitPeriod as P
from noticeboard.statistics.periods import month_number, month_start

PROGRAMS = tuple(Program)
# The program of a row as read (a plain string on SQLite): a dict look-up per row, not
# an enum construction, for the thousands of rows of a county.
PROGRAM_OF = {p.value: p for p in Program}
WAN = Decimal(10000)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


@dataclass
class Cell:
    """One program's figures in one region and month. 户 are households for 低保, persons
    for 特困 and payments (人次) for 临时救助."""

    households: int = 0
    persons: int = 0
    amount_fen: int = 0  # payable for the month (临时救助: paid in the month)
    ytd_fen: int = 0  # from January to the month, inclusive
    ytd_count: int = 0  # 临时救助 payments (人次) from January to the month
    new: int = 0  # first month paid (新增)
    ended: int = 0  # last month paid, terminated (停保)

    def add(self, other: "Cell") -> None:
        # Field by field, not through the dataclass fields: a county's month adds ~7,000.
        self.households += other.households
        self.persons += other.persons
        self.amount_fen += other.amount_fen
        self.ytd_fen += other.ytd_fen
        self.ytd_count += other.ytd_count
        self.new += other.new
        self.ended += other.ended

    @property
    def amount(self) -> Decimal:
        return fen_to_yuan(self.amount_fen)

    @property
    def ytd(self) -> Decimal:
        return fen_to_yuan(self.ytd_fen)

    @property
    def per_person(self) -> Decimal | None:
        if not self.persons:
            return None
        return (Decimal(self.amount_fen) / 100 / self.persons).quantize(Decimal("0.01"))


@dataclass
class Figures:
    """Everything counted for one region in one month."""

    region: Region
    programs: dict[Program, Cell] = field(default_factory=lambda: {p: Cell() for p in PROGRAMS})
    # 特困 persons by (供养方式, 自理能力)
    tekun_care: Counter = field(default_factory=Counter)
    notices: Counter = field(default_factory=Counter)  # NoticeKind → published
    objections_raised: int = 0
    objections_upheld: int = 0
    approval_days: list[int] = field(default_factory=list)

    def add(self, other: "Figures") -> None:
        for program in PROGRAMS:
            self.programs[program].add(other.programs[program])
        self.tekun_care.update(other.tekun_care)
        self.notices.update(other.notices)
        self.objections_raised += other.objections_raised
        self.objections_upheld += other.objections_upheld
        self.approval_days.extend(other.approval_days)

    @property
    def median_approval_days(self) -> float | None:
        return statistics.median(self.approval_days) if self.approval_days else None

    @property
    def total_amount_fen(self) -> int:
        return sum(cell.amount_fen for cell in self.programs.values())

    @property
    def total_ytd_fen(self) -> int:
        return sum(cell.ytd_fen for cell in self.programs.values())


@dataclass
class MonthReport:
    region: Region
    month: date  # its first day
    rows: list[Figures]  # the regions one level below (none for a village)
    total: Figures


def _utc_bounds(first: date, end: date) -> tuple[datetime, datetime]:
    """Beijing-time days [first, end) as the UTC instants stored."""
    return (datetime.combine(first, time(), CHINA), datetime.combine(end, time(), CHINA))


def _at_or_below(path: str):
    """SQL: a region is the one at `path` or lies inside it (a path, not a Region, so that
    reads alongside, in another thread, can take it)."""
    return Region.path.startswith(path, autoescape=True)


def _in_region(region: Region):
    return _at_or_below(region.path)


def _villages_of(path: str):
    """The ids of the regions at `path` and below, as a subquery: SQLite reads it once into
    a lookup table instead of joining every period to its region."""
    return select(Region.id).where(_at_or_below(path)).scalar_subquery()


def _period_rows(path: str, m: int, detail: bool = True):
    """Per village (of the region at `path`) and program (and 特困 care, with `detail`): paid
    in month `m`, persons, amount, year to date, and with `detail` new and ended; rows of ten
    columns either way. month_report reads them alongside its other figures (its largest
    read: every benefit period of the region)."""
    jan = (m // 12) * 12
    paid_now = and_(P.first_month <= m, or_(P.end_month.is_(None), P.end_month > m))
    last = case((or_(P.end_month.is_(None), P.end_month > m + 1), m + 1), else_=P.end_month)
    first = case((P.first_month < jan, jan), else_=P.first_month)
    keys = (
        [P.village_id, P.program, P.tekun_mode, P.self_care]
        if detail
        else [P.village_id, P.program]
    )
    sums = [
        func.sum(case((paid_now, 1), else_=0)),
        func.sum(case((paid_now, P.persons), else_=0)),
        func.sum(case((paid_now, P.amount_fen), else_=0)),
        func.sum(P.amount_fen * (last - first)),
    ]
    if detail:
        sums += [
            func.sum(case((and_(P.first_month == m, P.starts_case), 1), else_=0)),
            func.sum(case((and_(P.end_month == m + 1, P.ended_by == "terminated"), 1), else_=0)),
        ]
    rows = db.session.execute(
        select(*keys, *sums)
        .where(P.village_id.in_(_villages_of(path)), P.first_month <= m)
        .where(or_(P.end_month.is_(None), P.end_month > jan))
        .group_by(*keys)
    ).all()
    if detail:
        return rows
    return [(village, program, None, None, *figures, 0, 0) for village, program, *figures in rows]


def _linshi_rows(region: Region, month: date):
    jan, end = month.replace(month=1), first_of_next_month(month)
    this_month = Case.paid_on >= month
    fen = func.round(Case.amount * 100)
    return db.session.execute(
        select(
            Case.village_id,
            func.sum(case((this_month, 1), else_=0)),
            func.sum(case((this_month, fen), else_=0)),
            func.sum(fen),
            func.count(),
        )
        .where(village_in(Case.village_id, region), Case.program == Program.LINSHI)
        .where(paid_and_standing(), Case.paid_on >= jan, Case.paid_on < end)
        .group_by(Case.village_id)
    ).all()


def notice_rows(region: Region, first: date, end: date):
    """Notices published in the days [first, end), by region and kind."""
    start, end = _utc_bounds(first, end)
    return db.session.execute(
        select(Notice.region_id, Notice.kind, func.count())
        .join(Region, Region.id == Notice.region_id)
        .where(_in_region(region), Notice.published_at >= start, Notice.published_at < end)
        .group_by(Notice.region_id, Notice.kind)
    ).all()


def objection_rows(region: Region, first: date, end: date):
    """Per region of the notice: objections raised in the days [first, end), those decided
    in them, and the upheld among the decided."""
    start, end = _utc_bounds(first, end)
    raised = and_(Objection.created_at >= start, Objection.created_at < end)
    decided = and_(Objection.resolved_at >= start, Objection.resolved_at < end)
    upheld = and_(decided, Objection.outcome == ObjectionOutcome.UPHELD)
    return db.session.execute(
        select(
            Notice.region_id,
            func.sum(case((raised, 1), else_=0)),
            func.sum(case((decided, 1), else_=0)),
            func.sum(case((upheld, 1), else_=0)),
        )
        .join(Notice, Notice.id == Objection.notice_id)
        .join(Region, Region.id == Notice.region_id)
        .where(_in_region(region), or_(raised, decided))
        .group_by(Notice.region_id)
    ).all()


def _approval_rows(region: Region, month: date):
    """Cases approved in the month (a rejection sets no benefit_start)."""
    start, end = _utc_bounds(month, first_of_next_month(month))
    return db.session.execute(
        select(Case.village_id, Case.created_at, Case.decided_at)
        .where(village_in(Case.village_id, region), Case.program.in_(NOTICE_PROGRAMS))
        .where(Case.decided_at >= start, Case.decided_at < end, Case.benefit_start.is_not(None))
    ).all()


def _row_finder(region: Region):
    """Maps a region id below `region` to the row (a child of `region`) it adds to."""
    below = db.session.execute(
        select(Region.id, Region.path).where(_in_region(region), Region.id != region.id)
    ).all()
    depth = len(region.path.strip("/").split("/"))
    owner = {}
    for region_id, path in below:
        ids = path.strip("/").split("/")
        owner[region_id] = int(ids[depth]) if len(ids) > depth else None
    return owner


def children_of(region: Region) -> list[Region]:
    if region.level in (RegionLevel.VILLAGE, RegionLevel.GROUP):
        return []
    return list(
        db.session.scalars(select(Region).where(Region.parent_id == region.id).order_by(Region.id))
    )


def month_report(region: Region, month: date, detail: bool = True) -> MonthReport:
    """The figures of `month` for `region` (the total) and each region one level below;
    without `detail`, only the programs' households, persons and amounts (no 特困 care,
    new, ended, notices, objections or approval days: what the public statistics and the
    annual summary show)."""
    month = month.replace(day=1)
    m = month_number(month)
    # The benefit periods are most of the work: read in another thread while this one reads
    # the rest.
    period_rows = alongside(_period_rows, region.path, m, detail)
    rows = {child.id: Figures(child) for child in children_of(region)}
    total = Figures(region)
    owner = _row_finder(region) if rows else {}

    def targets(region_id: int) -> list[Figures]:
        row = rows.get(owner.get(region_id))
        return [total, row] if row is not None else [total]

    for village_id, n, fen, ytd, ytd_count in _linshi_rows(region, month):
        cell = Cell(n or 0, n or 0, int(fen or 0), int(ytd or 0), ytd_count=ytd_count)
        for figures in targets(village_id):
            figures.programs[Program.LINSHI].add(cell)
    if detail:
        end = first_of_next_month(month)
        for region_id, kind, count in notice_rows(region, month, end):
            for figures in targets(region_id):
                figures.notices[NoticeKind(kind)] += count
        for region_id, raised, _, upheld in objection_rows(region, month, end):
            for figures in targets(region_id):
                figures.objections_raised += raised or 0
                figures.objections_upheld += upheld or 0
        for village_id, created, decided in _approval_rows(region, month):
            days = (decided.astimezone(CHINA).date() - created.astimezone(CHINA).date()).days
            for figures in targets(village_id):
                figures.approval_days.append(days)
    for village_id, program, mode, care, n, persons, fen, ytd, new, ended in period_rows():
        cell = Cell(n, persons or 0, fen or 0, ytd or 0, new=new or 0, ended=ended or 0)
        for figures in targets(village_id):
            figures.programs[PROGRAM_OF[program]].add(cell)
            if program == Program.TEKUN and n:
                figures.tekun_care[(mode, care)] += n
    return MonthReport(region, month, list(rows.values()), total)


@dataclass
class TrendPoint:
    month: date
    programs: dict[Program, Cell]


def trend(region: Region, last: date, months: int = 12) -> list[TrendPoint]:
    """Households, persons and amounts of each program for the `months` months ending with
    `last`. The periods are read once, grouped by their first and end month (a few hundred
    groups for a county), and each month adds up the groups that cover it."""
    last_m = month_number(last)
    numbers = list(range(last_m - months + 1, last_m + 1))
    points = {m: {p: Cell() for p in PROGRAMS} for m in numbers}
    groups = db.session.execute(
        select(
            P.program, P.first_month, P.end_month,
            func.count(), func.sum(P.persons), func.sum(P.amount_fen),
        )
        .where(P.village_id.in_(_villages_of(region.path)), P.first_month <= last_m)
        .where(or_(P.end_month.is_(None), P.end_month > numbers[0]))
        .group_by(P.program, P.first_month, P.end_month)
    ).all()  # fmt: skip
    for program, first, end, n, persons, fen in groups:
        covered = Cell(n, persons or 0, fen or 0)
        for m in range(max(first, numbers[0]), last_m + 1 if end is None else min(end, last_m + 1)):
            points[m][PROGRAM_OF[program]].add(covered)
    first_day = month_start(numbers[0])
    # Grouped by day: a county pays thousands of 临时救助 a year, a year has 366 days.
    payments = db.session.execute(
        select(Case.paid_on, func.count(), func.sum(func.round(Case.amount * 100)))
        .where(village_in(Case.village_id, region), Case.program == Program.LINSHI)
        .where(paid_and_standing())
        .where(Case.paid_on >= first_day, Case.paid_on < first_of_next_month(month_start(last_m)))
        .group_by(Case.paid_on)
    ).all()
    for paid_on, count, fen in payments:
        cell = points[month_number(paid_on)][Program.LINSHI]
        cell.add(Cell(count, count, int(fen)))
    return [TrendPoint(month_start(m), points[m]) for m in numbers]


@dataclass(frozen=True)
class NearRelativeFigures:
    """近亲属备案 cases of a region still open today, and those waiting for the home visit."""

    registered: int
    waiting_for_visit: int


def near_relative_figures(region: Region) -> NearRelativeFigures:
    visited = select(HomeVisit.case_id).where(HomeVisit.case_id == Case.id).exists()
    registered = (
        select(Case.id, visited.label("visited"))
        # From the registrations (a few) to their cases, not from every case of the region.
        .where(Case.id.in_(select(NearRelative.case_id)))
        .where(village_in(Case.village_id, region), Case.status.in_(OPEN_STATUSES))
        .subquery()
    )
    total, visited_count = db.session.execute(
        select(func.count(), func.count(case((registered.c.visited, 1)))).select_from(registered)
    ).one()
    return NearRelativeFigures(total, total - visited_count)
