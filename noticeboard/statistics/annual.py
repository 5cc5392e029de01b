"""The annual summary (政府信息公开年度报告): the year's sentences and the table of notices
and objections, for a region, ready to paste into the bureau's report.

Households and persons are those paid in the year's last month (December, or the current
month for the running year); amounts are the whole year's (the year-to-date of that month).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from noticeboard.cases.models import Program
from noticeboard.core.dates import local_today
from noticeboard.notices.models import NoticeKind
from noticeboard.regions.models import Region
from noticeboard.statistics.figures import (
    Figures,
    fen_to_yuan,
    month_report,
    notice_rows,
    objection_rows,
)


def wan(fen: int) -> str:
    """Fen as 万元 with 2 decimals, as reports write them (1999.15万元)."""
    value = (Decimal(fen) / 1000000).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value}"


@dataclass
class AnnualSummary:
    region: Region
    year: int
    last_month: date
    figures: Figures
    notices: Counter  # NoticeKind → published in the year
    objections_raised: int
    objections_decided: int
    objections_upheld: int

    @property
    def sentences(self) -> list[str]:
        dibao = self.figures.programs[Program.DIBAO]
        tekun = self.figures.programs[Program.TEKUN]
        linshi = self.figures.programs[Program.LINSHI]
        return [
            f"{self.year}年，{self.region.name}公开发布享受城乡低保{dibao.households}户"
            f"{dibao.persons}人，发放低保金{wan(dibao.ytd_fen)}万元；",
            f"实施临时救助{linshi.ytd_count}人次，发放临时救助金{wan(linshi.ytd_fen)}万元；",
            f"供养特困人员{tekun.persons}人，发放供养金{wan(tekun.ytd_fen)}万元。",
            f"全年发布公示{sum(self.notices.values())}期（"
            + "，".join(f"{kind.label}{self.notices[kind]}期" for kind in NoticeKind)
            + f"），收到异议{self.objections_raised}件，办结{self.objections_decided}件，"
            f"其中异议成立{self.objections_upheld}件。",
        ]

    @property
    def table(self) -> list[tuple[str, object]]:
        """(item, value) lines of the report's table."""
        lines: list[tuple[str, object]] = []
        for program in Program:
            cell = self.figures.programs[program]
            month = f"{self.last_month:%Y-%m}"
            if program == Program.LINSHI:
                lines.append((f"{program.label}人次", cell.ytd_count))
            if program == Program.DIBAO:
                lines.append((f"{program.label}户数（{month}）", cell.households))
            if program != Program.LINSHI:
                lines.append((f"{program.label}人数（{month}）", cell.persons))
            lines.append((f"{program.label}全年发放金额（元）", fen_to_yuan(cell.ytd_fen)))
        for kind in NoticeKind:
            lines.append((f"发布{kind.label}（期）", self.notices[kind]))
        lines.append(("收到异议（件）", self.objections_raised))
        lines.append(("办结异议（件）", self.objections_decided))
        lines.append(("其中异议成立（件）", self.objections_upheld))
        return lines


def annual_summary(region: Region, year: int, today: date | None = None) -> AnnualSummary:
    today = today or local_today()
    last = date(year, 12, 1) if year < today.year else today.replace(day=1)
    figures = month_report(region, last, detail=False).total
    first, end = date(year, 1, 1), date(year + 1, 1, 1)
    notices = Counter()
    for _, kind, count in notice_rows(region, first, end):
        notices[NoticeKind(kind)] += count
    raised = decided = upheld = 0
    for _, r, d, u in objection_rows(region, first, end):
        raised, decided, upheld = raised + (r or 0), decided + (d or 0), upheld + (u or 0)
    return AnnualSummary(region, year, last, figures, notices, raised, decided, upheld)
