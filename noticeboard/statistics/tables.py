"""The tables the pages show and the exports write, from one definition: what a user sees
on the page is what the .xlsx and the CSV hold."""

from noticeboard.cases.models import SELF_CARE_LEVELS, TEKUN_MODES, Program
from noticeboard.core.exports import Column
from noticeboard.statistics.annual import AnnualSummary, wan
from noticeboard.statistics.figures import Figures, MonthReport, TrendPoint, fen_to_yuan

MONTH_COLUMNS = [
    Column("地区", width=14),
    Column("低保户数", "int", 9),
    Column("低保人数", "int", 9),
    Column("低保金（元）", "money", 14),
    Column("低保人均（元）", "money", 12),
    Column("特困人数", "int", 9),
    Column("特困供养金（元）", "money", 14),
    Column("临时救助人次", "int", 10),
    Column("临时救助金（元）", "money", 14),
    Column("当月合计（元）", "money", 14),
    Column("当月合计（万元）", width=12),
    Column("年初至本月累计（元）", "money", 16),
    Column("新增", "int", 7),
    Column("停保", "int", 7),
    Column("发布公示（期）", "int", 10),
    Column("收到异议", "int", 9),
    Column("异议成立", "int", 9),
    Column("受理至审批中位天数", width=12),
]


def month_line(figures: Figures, name: str | None = None) -> list:
    dibao = figures.programs[Program.DIBAO]
    tekun = figures.programs[Program.TEKUN]
    linshi = figures.programs[Program.LINSHI]
    median = figures.median_approval_days
    return [
        name or figures.region.name,
        dibao.households,
        dibao.persons,
        dibao.amount,
        dibao.per_person,
        tekun.persons,
        tekun.amount,
        linshi.households,
        linshi.amount,
        fen_to_yuan(figures.total_amount_fen),
        wan(figures.total_amount_fen),
        fen_to_yuan(figures.total_ytd_fen),
        dibao.new + tekun.new,
        dibao.ended + tekun.ended,
        sum(figures.notices.values()),
        figures.objections_raised,
        figures.objections_upheld,
        "" if median is None else f"{median:g}",
    ]


def month_lines(report: MonthReport) -> list[list]:
    return [month_line(f) for f in report.rows] + [month_line(report.total, "合计")]


TEKUN_COLUMNS = [Column("供养方式", width=12)] + [
    Column(label, "int", 9) for label in SELF_CARE_LEVELS.values()
]


def tekun_lines(figures: Figures) -> list[list]:
    return [
        [label, *(figures.tekun_care[(mode, care)] for care in SELF_CARE_LEVELS)]
        for mode, label in TEKUN_MODES.items()
    ]


TREND_COLUMNS = [
    Column("月份", width=9),
    Column("低保户数", "int", 9),
    Column("低保人数", "int", 9),
    Column("特困人数", "int", 9),
    Column("临时救助人次", "int", 10),
    Column("当月合计（元）", "money", 14),
]


def trend_lines(points: list[TrendPoint]) -> list[list]:
    return [
        [
            f"{p.month:%Y-%m}",
            p.programs[Program.DIBAO].households,
            p.programs[Program.DIBAO].persons,
            p.programs[Program.TEKUN].persons,
            p.programs[Program.LINSHI].households,
            fen_to_yuan(sum(c.amount_fen for c in p.programs.values())),
        ]
        for p in points
    ]


ANNUAL_COLUMNS = [Column("项目", width=30), Column("数值", width=16)]


def annual_lines(summary: AnnualSummary) -> list[list]:
    return [[item, value] for item, value in summary.table]
