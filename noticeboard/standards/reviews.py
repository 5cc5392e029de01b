"""The periodic review (定期核查) of every 低保 and 特困 case on a roster: when each is due,
what is due this month or overdue, and recording a review's outcome."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from flask import current_app
from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy import case as case_when  # `case` names a case in this module

from noticeboard.audit import services as audit
from noticeboard.audit.models import AuditAction
from noticeboard.cases import services as cases
from noticeboard.cases.lifecycle import reinvestigate
from noticeboard.cases.models import NOTICE_PROGRAMS, ROSTER_STATUSES, Case, Program
from noticeboard.cases.validation import clean_case
from noticeboard.core.dates import CHINA, china_date, local_today
from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.core.pages import Page, page_of_query
from noticeboard.core.permissions import Action, can, require
from noticeboard.core.validation import FieldError, clean_amount, clean_reason
from noticeboard.extensions import db
from noticeboard.notices.terminations import end_case
from noticeboard.notices.todo import Task, register_tasks
from noticeboard.regions.models import Region, RegionLevel
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


def next_due(
    frequent: bool, last_review: date | None, decided_at, benefit_start: date | None, created_at
) -> date:
    """12 (or 6) months after the last review, else after the approval (审核确认); a
    recipient taken over from before the system counts from their first benefit month."""
    if last_review is not None:
        anchor = last_review
    elif decided_at is not None:
        anchor = decided_at.astimezone(CHINA).date()
    elif benefit_start is not None:
        anchor = benefit_start
    else:
        anchor = created_at.astimezone(CHINA).date()
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


def _last_reviews():
    return (
        select(CaseReview.case_id, func.max(CaseReview.reviewed_on).label("last"))
        .group_by(CaseReview.case_id)
        .subquery()
    )


def _anchor_before(last_review, day: date) -> ColumnElement[bool]:
    """SQL: next_due()'s anchor (the last review, else the approval, else the first benefit
    month, else the entry; Beijing days) lies before `day`."""
    moment = datetime.combine(day, time(0), CHINA)
    return case_when(
        (last_review.is_not(None), last_review < day),
        (Case.decided_at.is_not(None), Case.decided_at < moment),
        (Case.benefit_start.is_not(None), Case.benefit_start < day),
        else_=Case.created_at < moment,
    )


def _due_before(last_review, month_start: date) -> ColumnElement[bool]:
    """SQL: the review falls before the first day of a month. add_months() moves the
    anchor's month by 6 or 12 and keeps it in that month, so the review falls before
    `month_start` exactly when the anchor lies before the first day 6 or 12 months earlier:
    one comparison per case, no date arithmetic in SQL (SQLite and PostgreSQL alike)."""
    return case_when(
        (
            Case.frequent_review,
            _anchor_before(last_review, add_months(month_start, -review_months(True))),
        ),
        else_=_anchor_before(last_review, add_months(month_start, -review_months(False))),
    )


def _on_rosters_in(region: Region):
    return (
        Case.status.in_(ROSTER_STATUSES),
        Case.program.in_(NOTICE_PROGRAMS),
        Region.path.startswith(region.path, autoescape=True),
    )


def due_review_counts(region: Region, today: date | None = None) -> tuple[int, int]:
    """How many reviews within `region` fall in this month, and how many are overdue (their
    month has ended): counted in SQL, for the 工作台 of a county of 100,000 cases."""
    today = today or local_today()
    month_start = today.replace(day=1)
    next_month = add_months(month_start, 1)
    last = _last_reviews()
    this_month, overdue = db.session.execute(
        select(
            func.count(case_when((_due_before(last.c.last, next_month), 1))),
            func.count(case_when((_due_before(last.c.last, month_start), 1))),
        )
        .select_from(Case)
        .join(Region, Region.id == Case.village_id)
        .outerjoin(last, last.c.case_id == Case.id)
        .where(*_on_rosters_in(region))
    ).one()
    return this_month - overdue, overdue


def _due_lines(region: Region, last, today: date):
    """The query of due_reviews(): each due case with what next_due() needs."""
    township = db.aliased(Region)
    return (
        select(
            Case.id,
            Case.program,
            Case.applicant_name,
            Case.frequent_review,
            Case.decided_at,
            Case.benefit_start,
            Case.created_at,
            last.c.last,
            Region.name,
            township.name,
        )
        .join(Region, Region.id == Case.village_id)
        .join(township, township.id == Region.parent_id)
        .outerjoin(last, last.c.case_id == Case.id)
        .where(*_on_rosters_in(region))
        .where(_due_before(last.c.last, add_months(today.replace(day=1), 1)))
    )


def _line(row, today: date) -> DueReview:
    case_id, program, name, frequent, decided_at, start, created_at, last_on = row[:8]
    due_on = next_due(frequent, last_on, decided_at, start, created_at)
    reference = f"{Program(program).label}-{case_id:06d}"
    return DueReview(
        case_id, reference, name, row[9], row[8], due_on, due_on < today.replace(day=1)
    )


def due_review_page(region: Region, number: int | None, today: date | None = None) -> Page:
    """A page of due_reviews(), in its order, cut in SQL: the month a review falls in is
    the anchor's month plus 6 or 12, so ordering by that month and the anchor's day orders
    by due date without dating every case in Python (73,000 on a county's page)."""
    today = today or local_today()
    last = _last_reviews()
    anchor = case_when(
        (last.c.last.is_not(None), last.c.last),
        (Case.decided_at.is_not(None), china_date(Case.decided_at)),
        (Case.benefit_start.is_not(None), Case.benefit_start),
        else_=china_date(Case.created_at),
    )
    months = case_when((Case.frequent_review, review_months(True)), else_=review_months(False))
    due_month = extract("year", anchor) * 12 + extract("month", anchor) + months
    query = _due_lines(region, last, today).order_by(due_month, extract("day", anchor), Case.id)
    return page_of_query(
        query, number, load=lambda window: [_line(row, today) for row in db.session.execute(window)]
    )


def due_reviews(region: Region, today: date | None = None) -> list[DueReview]:
    """Cases on a roster within `region` (a staff member's own: their scope) whose review
    falls in this month or earlier, overdue first. A review is due in its month: it is
    overdue once that month has ended. SQL picks the due cases; next_due() dates them."""
    today = today or local_today()
    lines = [
        _line(row, today) for row in db.session.execute(_due_lines(region, _last_reviews(), today))
    ]
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


def shares_on_time(region: Region, today: date | None = None) -> list[TownshipShare]:
    """Per township within `region`: reviews of the last twelve months done on time, done
    late, and overdue now."""
    today = today or local_today()
    since = add_months(today, -12)
    counts: dict[int, list[int]] = {}
    reviews = db.session.execute(
        select(Region.parent_id, CaseReview.due_on, CaseReview.reviewed_on)
        .join(Case, Case.id == CaseReview.case_id)
        .join(Region, Region.id == Case.village_id)
        .where(Region.path.startswith(region.path, autoescape=True))
        .where(CaseReview.reviewed_on >= since)
    )
    for township_id, due_on, reviewed_on in reviews:
        on_time = (reviewed_on.year, reviewed_on.month) <= (due_on.year, due_on.month)
        counts.setdefault(township_id, [0, 0, 0])[0 if on_time else 1] += 1
    townships = {
        t.id: t
        for t in db.session.scalars(
            select(Region)
            .where(Region.level == RegionLevel.TOWNSHIP)
            .where(Region.path.startswith(region.path, autoescape=True))
        )
    }
    last = _last_reviews()
    overdue = db.session.execute(
        select(Region.parent_id, func.count())
        .select_from(Case)
        .join(Region, Region.id == Case.village_id)
        .outerjoin(last, last.c.case_id == Case.id)
        .where(*_on_rosters_in(region), _due_before(last.c.last, today.replace(day=1)))
        .group_by(Region.parent_id)
    )
    for township_id, count in overdue:
        counts.setdefault(township_id, [0, 0, 0])[2] += count
    return [
        TownshipShare(t, *counts.get(t.id, [0, 0, 0]))
        for t in sorted(townships.values(), key=lambda t: t.path)
    ]


def reviews_of(case_id: int) -> list[CaseReview]:
    return list(
        db.session.scalars(
            select(CaseReview).where(CaseReview.case_id == case_id).order_by(CaseReview.id)
        )
    )


def due_on_of(case: Case) -> date:
    last = db.session.scalar(
        select(func.max(CaseReview.reviewed_on)).where(CaseReview.case_id == case.id)
    )
    return next_due(
        case.frequent_review, last, case.decided_at, case.benefit_start, case.created_at
    )


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
