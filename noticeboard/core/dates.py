"""Dates as residents and staff read them: the local calendar day in China (UTC+8)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

CHINA = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    """Today in Beijing time; a notice 'ends at the end of its last day' on this calendar."""
    return datetime.now(CHINA).date()


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class china_date(FunctionElement):
    """SQL: the Beijing calendar day of a UTC timestamp column: a date on PostgreSQL, the
    'YYYY-MM-DD' text SQLite keeps dates as (so it compares and sorts with Date columns)."""

    type = Date()
    inherit_cache = True
    name = "china_date"


@compiles(china_date)
def _china_date_sqlite(element, compiler, **kw) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(china_date, "postgresql")
def _china_date_postgresql(element, compiler, **kw) -> str:
    return f"CAST(timezone('Asia/Shanghai', {compiler.process(element.clauses, **kw)}) AS DATE)"
