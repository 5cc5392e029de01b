"""Staff statistics: the month of a region with the regions below it, its 12-month trend,
the exports, and the annual summary. Any staff member reads the statistics of their scope;
another township's region answers 404."""

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from noticeboard.cases.models import Program
from noticeboard.core.alongside import alongside
from noticeboard.core.dates import local_today
from noticeboard.core.errors import NotFound
from noticeboard.core.exports import XLSX_MIMETYPE, csv_response, download, write_xlsx
from noticeboard.core.validation import parse_id
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import region_in_scope, regions_in_scope
from noticeboard.statistics import (
    periods,  # noqa: F401  (keeps the benefit history)
    tables,
)
from noticeboard.statistics.annual import annual_summary
from noticeboard.statistics.charts import bar_chart
from noticeboard.statistics.figures import (
    fen_to_yuan,
    month_report,
    near_relative_figures,
    trend,
)
from noticeboard.statistics.periods import parse_month

bp = Blueprint("statistics", __name__, url_prefix="/staff/statistics")
FORMATS = ("xlsx", "csv")
EARLIEST_YEAR = 2000


def _region() -> Region:
    """?region=<id> inside the user's scope; the user's own region by default."""
    raw = request.args.get("region", "").strip()
    if not raw:
        return current_user.region
    number = parse_id(raw)
    region = db.session.get(Region, number) if number is not None else None
    if region is None or region.level == RegionLevel.GROUP:
        raise NotFound("未找到该地区")
    if not region_in_scope(current_user, region):
        raise NotFound("未找到该地区")
    return region


def _regions() -> list[Region]:
    """The regions of the user's scope the picker offers (not groups)."""
    return regions_in_scope(
        current_user, RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE
    )


def chosen_month(today: date) -> tuple[date, str | None]:
    """?month=YYYY-MM, this month by default; a month typed wrong is named and replaced."""
    return parse_month(request.args.get("month", ""), today)


def _year(today: date) -> tuple[int, str | None]:
    raw = request.args.get("year", "").strip()
    year = parse_id(raw) if raw else today.year
    if year is None or not EARLIEST_YEAR <= year <= today.year:
        return today.year, f"年度：请填写 {EARLIEST_YEAR} 至 {today.year} 年之间的年份"
    return year, None


def _export(fmt: str, title: str, columns, lines):
    if fmt not in FORMATS:
        raise NotFound()
    filename = f"{title}.{fmt}"
    if fmt == "csv":
        return csv_response([c.title for c in columns], lines, filename)
    return download(write_xlsx(title, columns, lines), XLSX_MIMETYPE, filename)


def trend_charts(points) -> list:
    labels = [f"{p.month.month}月" for p in points]
    return [
        bar_chart(
            "保障对象（户/人）",
            "",
            labels,
            [
                ("低保户数", [p.programs[Program.DIBAO].households for p in points]),
                ("特困人数", [p.programs[Program.TEKUN].persons for p in points]),
                ("临时救助人次", [p.programs[Program.LINSHI].households for p in points]),
            ],
        ),
        bar_chart(
            "当月发放金额（万元）",
            "万元",
            labels,
            [
                (
                    program.label,
                    [fen_to_yuan(p.programs[program].amount_fen) / 10000 for p in points],
                )
                for program in Program
            ],
        ),
    ]


@bp.route("/")
@login_required
def index():
    today = local_today()
    region = _region()
    month, error = chosen_month(today)
    # The month's table and the trend each add up the region's benefit periods: both at once.
    trend_points = alongside(_trend_of, region.id, month)
    report = month_report(region, month)
    points = trend_points()
    return render_template(
        "statistics/index.html",
        region=region,
        month=month,
        error=error,
        report=report,
        columns=tables.MONTH_COLUMNS,
        lines=tables.month_lines(report),
        tekun_columns=tables.TEKUN_COLUMNS,
        tekun_lines=tables.tekun_lines(report.total),
        trend_columns=tables.TREND_COLUMNS,
        trend_lines=tables.trend_lines(points),
        charts=trend_charts(points),
        near_relatives=near_relative_figures(region),
        regions=_regions(),
        programs=list(Program),
    )


def _trend_of(region_id: int, month: date):
    return trend(db.session.get(Region, region_id), month)


@bp.route("/month.<fmt>")
@login_required
def export_month(fmt: str):
    region = _region()
    month, _ = chosen_month(local_today())
    report = month_report(region, month)
    title = f"{region.name}{month.year}年{month.month}月社会救助统计"
    return _export(fmt, title, tables.MONTH_COLUMNS, tables.month_lines(report))


@bp.route("/trend.<fmt>")
@login_required
def export_trend(fmt: str):
    region = _region()
    month, _ = chosen_month(local_today())
    lines = tables.trend_lines(trend(region, month))
    title = f"{region.name}截至{month.year}年{month.month}月12个月趋势"
    return _export(fmt, title, tables.TREND_COLUMNS, lines)


@bp.route("/annual")
@login_required
def annual():
    today = local_today()
    region = _region()
    year, error = _year(today)
    summary = annual_summary(region, year, today)
    return render_template(
        "statistics/annual.html",
        region=region,
        year=year,
        error=error,
        summary=summary,
        columns=tables.ANNUAL_COLUMNS,
        lines=tables.annual_lines(summary),
        years=list(range(today.year, EARLIEST_YEAR - 1, -1))[:10],
        regions=_regions(),
    )


@bp.route("/annual.<fmt>")
@login_required
def export_annual(fmt: str):
    today = local_today()
    region = _region()
    year, _ = _year(today)
    summary = annual_summary(region, year, today)
    lines = [["年度报告", "".join(summary.sentences)], *tables.annual_lines(summary)]
    return _export(fmt, f"{region.name}{year}年社会救助年度统计", tables.ANNUAL_COLUMNS, lines)
