"""Dates as residents and staff read them: the local calendar day in China (UTC+8)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    """Today in Beijing time; a notice 'ends at the end of its last day' on this calendar."""
    return datetime.now(CHINA).date()


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
