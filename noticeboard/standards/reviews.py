"""The periodic review (定期核查) of every 低保 and 特困 case on a roster: when each is due,
what is due this month or overdue, and recording a review's outcome."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import BinaryExpression, ColumnElement, and_, extract, func, select
from sqlalchemy import case as case_when  # `case` names a case in this module

from noticeboard.audit import services as audit
from noticeboard.audit.models import AuditAction
from noticeboard.cases import services as cases
from noticeboard.cases.lifecycle import reinvestigate
from noticeboard.cases.models import NOTICE_PROGRAMS, ROSTER_STATUSES, Case, Program
from noticeboard.cases.validation import clean_case
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.core.pages import PER_PAGE, Page
from noticeboard.core.permissions import Action, can, require
from noticeboard.core.validation import FieldError, clean_amount, clean_reason
from noticeboard.extensions import db
from noticeboard.notices.terminations import end_case
from noticeboard.notices.todo import Task, register_tasks
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import village_in
from noticeboard.standards.models import CaseReview, ReviewOutcome, ReviewSetting
from noticeboard.standards.services import county_of_user


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (08-31 + 6 →
    02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_months(frequent: bool) -> int:
    key = "REVIEW_MONTHS_FREQUENT" if frequent else "REVIEW_MONTHS"
    return int(current_app.config[key])


def next_due(frequent: bool, anchor: date) -> date:
    """12 (or 6) months after the case's review anchor (cases.models.review_anchor: the
    last review, else the approval, else the first benefit month, else the entry)."""
    return add_months(anchor, review_months(frequent))


@dataclass(frozen=True)
class DueReview:
    case_id: int
    reference: str
    applicant_name: str
    township: str
    village: str
    due_on: date
    overdue: bool


def _cutoffs(month_start: date) -> tuple[date, date]:
    """The anchors before which a review falls before `month_start`, for a frequent (6
    months) and an ordinary (12 months) case. add_months() moves the anchor's month by 6
    or 12 and keeps it in that month, so the review falls before `month_start` exactly when
    the anchor lies before the first day 6 or 12 months earlier: one comparison per case,
    no date arithmetic in SQL (SQLite and PostgreSQL alike)."""
    return (
        add_months(month_start, -review_months(True)),
        add_months(month_start, -review_months(False)),
    )


def _due_before(month_start: date) -> ColumnElement[bool]:
    """SQL: the review falls before the first day of a month. The first term is the range
    of ix_cases_review_anchor the database reads; the second picks by frequency in it."""
    frequent, ordinary = _cutoffs(month_start)
    return and_(
        Case.review_anchor < max(frequent, ordinary),
        case_when(
            (Case.frequent_review, Case.review_anchor < frequent),
            else_=Case.review_anchor < ordinary,
        ),
    )


def _in_region(region: Region) -> BinaryExpression:
    return village_in(Case.village_id, region)


def _on_rosters_in(region: Region):
    return (
        Case.status.in_(ROSTER_STATUSES),
        Case.program.in_(NOTICE_PROGRAMS),
        _in_region(region),
    )


def due_review_counts(region: Region, today: date | None = None) -> tuple[int, int]:
    """How many reviews within `region` fall in this month, and how many are overdue (their
    month has ended): counted in SQL, for the 工作台 of a county of 100,000 cases."""
    due, overdue = db.session.execute(due_counts_query(region, today or local_today())).one()
    return due - overdue, overdue


def due_counts_query(region: Region, today: date, *by):
    """SQL: the reviews within `region` due by the end of this month, and the overdue
    (grouped by the columns `by`, which lead each row)."""
    month_start = today.replace(day=1)
    return (
        select(*by, func.count(), func.count(case_when((_due_before(month_start), 1))))
        .select_from(Case)
        .where(*_on_rosters_in(region), _due_before(add_months(month_start, 1)))
        .group_by(*by)
    )


def _due_by_village(region: Region, today: date) -> dict[int, tuple[int, int]]:
    """Per village within `region`: reviews falling in this month, and overdue ones."""
    rows = db.session.execute(due_counts_query(region, today, _in_region(region).left))
    return {village_id: (due - overdue, overdue) for village_id, due, overdue in rows}


def _due_lines(region: Region, today: date):
    """The query of due_reviews(): each due case with what next_due() needs."""
    village, township = db.aliased(Region), db.aliased(Region)
    return (
        select(
            Case.id,
            Case.program,
            Case.applicant_name,
            Case.frequent_review,
            Case.review_anchor,
            village.name,
            township.name,
        )
        .join(village, village.id == Case.village_id)
        .join(township, township.id == village.parent_id)
        .where(*_on_rosters_in(region))
        .where(_due_before(add_months(today.replace(day=1), 1)))
    )


def _line(row, today: date) -> DueReview:
    case_id, program, name, frequent, anchor, village, township = row
    due_on = next_due(frequent, anchor)
    reference = f"{Program(program).label}-{case_id:06d}"
    return DueReview(
        case_id, reference, name, township, village, due_on, due_on < today.replace(day=1)
    )


def _order(line: DueReview, anchor_day: int) -> tuple:
    """Due month, then the anchor's day (a due day cut to a short month's end keeps the
    order of the anchors), then the case."""
    return (line.due_on.year, line.due_on.month, anchor_day, line.case_id)


def due_review_page(
    region: Region, number: int | None, today: date | None = None, total: int | None = None
) -> Page:
    """A page of due_reviews(), in its order, cut in SQL. Within one frequency the due day
    follows the anchor, so each frequency is read in the index's order, as far as the page
    reaches, and the two are merged: no case is dated that the page does not show (a
    county's page would otherwise date 56,000)."""
    today = today or local_today()
    if total is None:
        total = sum(due_review_counts(region, today))
    pages = max(1, -(-total // PER_PAGE))
    number = min(max(number or 1, 1), pages)
    start = (number - 1) * PER_PAGE
    query = _due_lines(region, today)
    lines = []
    for frequent in (True, False):
        rows = db.session.execute(
            query.where(Case.frequent_review.is_(frequent))
            .order_by(Case.review_anchor, Case.id)
            .limit(start + PER_PAGE)
        )
        lines += [(_line(row, today), row.review_anchor.day) for row in rows]
    lines.sort(key=lambda pair: _order(*pair))
    items = [line for line, _ in lines[start : start + PER_PAGE]]
    return Page(items, number, pages, total, start)


def due_reviews(region: Region, today: date | None = None) -> list[DueReview]:
    """Cases on a roster within `region` (a staff member's own: their scope) whose review
    falls in this month or earlier, overdue first. A review is due in its month: it is
    overdue once that month has ended. SQL picks the due cases; next_due() dates them."""
    today = today or local_today()
    lines = [_line(row, today) for row in db.session.execute(_due_lines(region, today))]
    return sorted(lines, key=lambda d: (not d.overdue, d.due_on, d.case_id))


@dataclass(frozen=True)
class TownshipShare:
    township: Region
    on_time: int
    late: int
    overdue: int

    @property
    def share(self) -> float | None:
        """Reviews done on time among all that fell due (done, done late, or still open)."""
        total = self.on_time + self.late + self.overdue
        return None if total == 0 else self.on_time / total


def shares_on_time(
    region: Region, today: date | None = None, overdue: dict[int, int] | None = None
) -> list[TownshipShare]:
    """Per township within `region`: reviews of the last twelve months done on time, done
    late, and overdue now (`overdue`: per village, when the caller has counted them)."""
    today = today or local_today()
    if overdue is None:
        overdue = {v: late for v, (_, late) in _due_by_village(region, today).items()}
    since = add_months(today, -12)
    counts: dict[int, list[int]] = {}
    township_of = dict(
        db.session.execute(
            select(Region.id, Region.parent_id).where(
                Region.path.startswith(region.path, autoescape=True)
            )
        ).all()
    )

    def month(day):
        return extract("year", day) * 12 + extract("month", day)

    on_time = month(CaseReview.reviewed_on) <= month(CaseReview.due_on)
    village = _in_region(region)
    done = db.session.execute(
        select(village.left, func.count(case_when((on_time, 1))), func.count())
        .join(Case, Case.id == CaseReview.case_id)
        .where(village, CaseReview.reviewed_on >= since)
        .group_by(village.left)
    )
    for village_id, in_time, every in done:
        line = counts.setdefault(township_of[village_id], [0, 0, 0])
        line[0] += in_time
        line[1] += every - in_time
    townships = {
        t.id: t
        for t in db.session.scalars(
            select(Region)
            .where(Region.level == RegionLevel.TOWNSHIP)
            .where(Region.path.startswith(region.path, autoescape=True))
        )
    }
    for village_id, count in overdue.items():
        if count:
            counts.setdefault(township_of[village_id], [0, 0, 0])[2] += count
    return [
        TownshipShare(t, *counts.get(t.id, [0, 0, 0]))
        for t in sorted(townships.values(), key=lambda t: t.path)
    ]


@dataclass(frozen=True)
class DueOverview:
    """The 定期核查 page: a page of due reviews, the counts, and a county's shares."""

    page: Page
    this_month: int
    overdue: int
    shares: list[TownshipShare] | None  # a county's townships; None below a county


def due_overview(region: Region, number: int | None, today: date | None = None) -> DueOverview:
    """Everything the page shows, counting the due cases once (per village: the totals,
    and each township's overdue for a county)."""
    today = today or local_today()
    by_village = _due_by_village(region, today)
    this_month = sum(due for due, _ in by_village.values())
    overdue = sum(late for _, late in by_village.values())
    page = due_review_page(region, number, today, total=this_month + overdue)
    shares = None
    if region.level == RegionLevel.COUNTY:
        late = {village_id: n for village_id, (_, n) in by_village.items()}
        shares = shares_on_time(region, today, late)
    return DueOverview(page, this_month, overdue, shares)


def reviews_of(case_id: int) -> list[CaseReview]:
    return list(
        db.session.scalars(
            select(CaseReview).where(CaseReview.case_id == case_id).order_by(CaseReview.id)
        )
    )


def due_on_of(case: Case) -> date:
    return next_due(case.frequent_review, case.review_anchor)


def reviewable(case: Case) -> bool:
    return case.program in NOTICE_PROGRAMS and case.status in ROSTER_STATUSES


def renotice_above(county: Region) -> Decimal | None:
    setting = db.session.get(ReviewSetting, county.id)
    return setting.renotice_above if setting else None


def set_renotice_above(user, value) -> ReviewSetting:
    """The county's threshold: a review raising an amount by more than this a month goes
    through a new 7-day notice; empty: no increase needs one."""
    require(user, Action.SET_STANDARDS)
    county = county_of_user(user)
    text = str(value or "").strip()
    try:
        amount = clean_amount(text, "重新公示的增加额", allow_zero=True) if text else None
    except FieldError as error:
        raise ValidationFailed({"renotice_above": [str(error)]}) from None
    setting = db.session.get(ReviewSetting, county.id) or ReviewSetting(county_id=county.id)
    before = {
        "note": str(setting.renotice_above) if setting.renotice_above is not None else "不需要"
    }
    setting.renotice_above = amount
    db.session.add(setting)
    audit.record(
        AuditAction.UPDATE,
        "review_setting",
        county.id,
        user=user,
        region_id=county.id,
        before=before,
        after={"note": str(amount) if amount is not None else "不需要"},
    )
    db.session.commit()
    return setting


# The fields a review may change on its own page; persons are changed on the case's form.
AMOUNT_INPUTS = {
    Program.DIBAO: ("monthly_amount", "income_per_person"),
    Program.TEKUN: ("basic_amount", "care_amount"),
}


def record_review(
    user, case_id: int, outcome: str, note: str = "", amounts=None, today: date | None = None
) -> CaseReview:
    """Record a review done today. Continue: nothing else changes. Terminate: the case ends
    as its county and program require (notices.terminations.end_case: at once, or after
    a termination notice). Change: the new amounts go the way of any change to a
    case on the roster (a reviewer confirms it, the roster publishes a new version), unless
    the increase is above the county's threshold: then the case returns to 复查中 with the
    new amounts, for a new 7-day notice, and leaves the roster until it is approved again."""
    require(user, Action.RECORD_REVIEW)
    case = cases.get_case(user, case_id)
    if not reviewable(case):
        raise DomainError(f"{case.reference} {case.status.label}，不在定期核查范围内")
    if outcome not in set(ReviewOutcome):
        raise ValidationFailed({"outcome": ["核查结论：请从列表中选择"]})
    outcome = ReviewOutcome(outcome)
    required = outcome != ReviewOutcome.CONTINUE
    note = (note or "").strip()
    if required or note:
        note = clean_reason(note, "note", "核查情况" if required else "核查情况（可不填）")
    review = CaseReview(
        case_id=case.id,
        due_on=due_on_of(case),
        reviewed_on=today or local_today(),
        outcome=outcome,
        note=note or None,
        user_id=user.id,
    )
    if outcome == ReviewOutcome.CHANGE:
        # Before the review is added: a change proposed for the reviewer commits on its own.
        _change(user, case, amounts or {})
    db.session.add(review)
    case.last_reviewed_on = max(review.reviewed_on, case.last_reviewed_on or review.reviewed_on)
    entry = f"{outcome.label}：{note}" if note else outcome.label
    cases.audit_case(AuditAction.REVIEW, case, user, note=entry)
    if outcome == ReviewOutcome.TERMINATE:
        # Commits the review with the termination, or with its termination notice's draft.
        end_case(user, case.id, note)
    else:
        db.session.commit()
    return review


def _change(user, case: Case, amounts: dict) -> None:
    data = cases.form_data(case)
    for name in AMOUNT_INPUTS[case.program]:
        data[name] = amounts.get(name, data.get(name))
    values, _ = clean_case(user, case.program, data, case.id)
    if all(values[name] == getattr(case, name) for name in AMOUNT_INPUTS[case.program]):
        raise ValidationFailed(
            {
                "outcome": [
                    "核查结论：选择了调整保障，但金额与现在相同；请填写新的金额，或选择继续保障"
                ]
            }
        )
    increase = _listed(values) - (case.listed_amount or Decimal(0))
    threshold = renotice_above(case.village.ancestor(RegionLevel.COUNTY))
    if threshold is None or increase <= threshold:
        cases.update_case(user, case.id, data, case.version)
        return
    note = f"定期核查增加 {increase:,.2f} 元/月，超过本县设定的 {threshold:,.2f} 元，须重新公示"
    amounts = {name: values[name] for name in AMOUNT_INPUTS[case.program]}
    reinvestigate(user, case, amounts, note)


def _listed(values: dict) -> Decimal | None:
    if values["program"] == Program.DIBAO:
        return values["monthly_amount"]
    return values["basic_amount"] + values["care_amount"]


def review_tasks(user) -> list[Task]:
    """The township's 工作台 lines: reviews due this month, and overdue ones."""
    if not can(user, Action.RECORD_REVIEW):
        return []
    this_month, overdue = due_review_counts(user.region)
    return [
        Task("本月到期的定期核查", this_month, "standards.due", hint="低保、特困案件"),
        Task("逾期未核查的案件", overdue, "standards.due", hint="到期月份已过，请尽快核查"),
    ]


register_tasks(review_tasks)
