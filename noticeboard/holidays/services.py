"""Entering a year's holidays (administrators), and the years the calendar knows."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from noticeboard.audit.models import AuditAction, register_field_labels
from noticeboard.audit.services import record
from noticeboard.core.dates import local_today
from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.errors import ValidationFailed
from noticeboard.core.permissions import Action, require
from noticeboard.core.validation import to_ascii_digits
from noticeboard.extensions import db
from noticeboard.holidays.calendar import package_knows
from noticeboard.holidays.models import HolidayYear

# The two fields as forms, refusals and the audit log name them.
_LABELS = {"holidays": "放假日期", "workdays": "调休上班日期"}
register_field_labels(_LABELS)

# 2027-02-06, 2027/2/6, 2027.2.6, 2027年2月6日
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_SEGMENTS = re.compile(r"[\n\r,，、;；]+")
# The longest official break is the Spring Festival's 8 or 9 days.
LONGEST_RANGE = 15


@dataclass
class YearSummary:
    year: int
    source: "YearSource"
    entry: HolidayYear | None


class YearSource(LabelledStrEnum):
    """Where a year's working days come from."""

    ENTERED = "entered", "管理员录入"
    PACKAGE = "chinese-calendar", "软件内置"
    UNKNOWN = "unknown", "未知（按周一至周五估算）"


def year_source(year: int, entered: bool) -> YearSource:
    if entered:
        return YearSource.ENTERED
    return YearSource.PACKAGE if package_knows(year) else YearSource.UNKNOWN


def _dates_of(text: str, year: int, label: str) -> list[date]:
    days: set[date] = set()
    for segment in filter(None, (s.strip() for s in _SEGMENTS.split(to_ascii_digits(text)))):
        found = _DATE.findall(segment)
        if not found or len(found) > 2:
            hint = "请每行写一个日期或一段日期，如 2027-02-06 或 2027-02-06 至 2027-02-13"
            raise ValidationFailed({label: [f"{_LABELS[label]}：看不懂“{segment}”，{hint}"]})
        try:
            ends = [date(int(y), int(m), int(d)) for y, m, d in found]
        except ValueError:
            raise ValidationFailed(
                {label: [f"{_LABELS[label]}：“{segment}”不是有效日期"]}
            ) from None
        first, last = ends[0], ends[-1]
        if last < first or (last - first).days >= LONGEST_RANGE:
            raise ValidationFailed(
                {label: [f"{_LABELS[label]}：“{segment}”的起止日期有误，请核对"]}
            )
        for offset in range((last - first).days + 1):
            days.add(first + timedelta(days=offset))
    outside = sorted(d for d in days if d.year != year)
    if outside:
        raise ValidationFailed(
            {label: [f"{_LABELS[label]}：{outside[0]:%Y-%m-%d} 不在 {year} 年内，请核对"]}
        )
    return sorted(days)


def clean_year(value) -> int:
    text = to_ascii_digits(str(value or "")).strip()
    if not text.isdigit() or not 2000 <= int(text) <= local_today().year + 5:
        raise ValidationFailed({"year": ["年份：请填写如 2027 的四位年份"]})
    return int(text)


def save_year(user, year, holidays_text: str, workdays_text: str) -> HolidayYear:
    """An administrator enters (or corrects) a year's arrangement; audited."""
    require(user, Action.ADMINISTER)
    year = clean_year(year)
    holidays = _dates_of(holidays_text or "", year, "holidays")
    workdays = _dates_of(workdays_text or "", year, "workdays")
    if not holidays:
        raise ValidationFailed({"holidays": ["放假日期：请至少填写一天（如元旦 1 月 1 日）"]})
    weekdays = [d for d in workdays if d.weekday() < 5]
    if weekdays:
        raise ValidationFailed(
            {
                "workdays": [
                    f"调休上班日期：{weekdays[0]:%Y-%m-%d} 是工作日，调休上班日应是周六或周日"
                ]
            }
        )
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise ValidationFailed(
            {"workdays": [f"调休上班日期：{both[0]:%Y-%m-%d} 同时填在了放假日期里，请核对"]}
        )
    row = db.session.get(HolidayYear, year)
    before = _audit_view(row) if row else None
    if row is None:
        row = HolidayYear(year=year)
        db.session.add(row)
    row.holidays = [d.isoformat() for d in holidays]
    row.workdays = [d.isoformat() for d in workdays]
    row.updated_by_id = user.id
    action = AuditAction.UPDATE if before else AuditAction.CREATE
    record(action, "holiday_year", year, user=user, before=before, after=_audit_view(row))
    db.session.commit()
    return row


def _audit_view(row: HolidayYear) -> dict:
    return {"holidays": ", ".join(row.holidays), "workdays": ", ".join(row.workdays) or "无"}


def years_overview(today: date | None = None) -> list[YearSummary]:
    """Last year to next year, and every year entered: where each year's days come from."""
    today = today or local_today()
    entered = {row.year: row for row in db.session.scalars(select(HolidayYear))}
    years = sorted({today.year - 1, today.year, today.year + 1, *entered})
    summaries = []
    for year in years:
        source = year_source(year, year in entered)
        summaries.append(YearSummary(year, source, entered.get(year)))
    return summaries


def entered_year(year: int) -> HolidayYear | None:
    return db.session.get(HolidayYear, year)
