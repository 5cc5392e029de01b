"""Read-only queries behind the staff notice pages (dashboard, preparing, approvals), all
limited to the user's scope."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from noticeboard.accounts.models import User
from noticeboard.cases.models import NOTICEABLE_STATUSES, Case, CaseStatus, Program
from noticeboard.core.dates import local_today
from noticeboard.extensions import db
from noticeboard.notices.approval import approval_states
from noticeboard.notices.models import Notice, NoticeEntry, NoticeKind, NoticeStatus, Objection
from noticeboard.notices.periods import days_left, notice_period_end
from noticeboard.notices.state import (
    WITHOUT_SNAPSHOTS,
    NoticeState,
    not_superseded,
    notice_state,
)
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import regions_in_scope, scope_clause

RECENT_LISTS = 10
# Lines a dashboard section shows (soonest end first); a county has hundreds of villages.
SECTION_ROWS = 50
WEEK = 7


def _in_scope(user):
    return select(Notice).join(Notice.region).where(scope_clause(user))


def _published_pre_approval(user):
    """Published 7-day notices in scope that no published correction replaced."""
    return (
        _in_scope(user)
        .where(Notice.kind == NoticeKind.PRE_APPROVAL, Notice.status == NoticeStatus.PUBLISHED)
        .where(not_superseded())
    )


@dataclass
class NoticeLine:
    """A notice as the dashboard lists it."""

    notice: Notice
    days_left: int = 0
    open_objections: int = 0
    awaiting: int = 0  # cases still 公示中 on an ended notice
    ready: int = 0  # of those, cases the county may approve now


@dataclass
class Dashboard:
    in_force: list[NoticeLine] = field(default_factory=list)
    ending_this_week: list[NoticeLine] = field(default_factory=list)
    scheduled: list[NoticeLine] = field(default_factory=list)
    drafts: list[Notice] = field(default_factory=list)
    awaiting_approval: list[NoticeLine] = field(default_factory=list)
    recent_lists: list[Notice] = field(default_factory=list)
    rows: dict[int, int] = field(default_factory=dict)  # lines of each recent list
    open_objections: int = 0


def row_counts(notices) -> dict[int, int]:
    """How many lines each notice lists, without loading the lines."""
    return dict(
        db.session.execute(
            select(NoticeEntry.notice_id, func.count())
            .where(NoticeEntry.notice_id.in_([n.id for n in notices]))
            .group_by(NoticeEntry.notice_id)
        ).all()
    )


def open_objection_counts(notice_ids) -> dict[int, int]:
    ids = list(notice_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Objection.notice_id, func.count())
        .where(Objection.notice_id.in_(ids), Objection.outcome.is_(None))
        .group_by(Objection.notice_id)
    )
    return dict(rows.all())


def dashboard(user, today: date | None = None) -> Dashboard:
    """What is in notice now, what ends this week, what waits for publishing or approval."""
    today = today or local_today()
    board = Dashboard()
    # The notices listing a case still 公示中, read once (a few thousand in a county of
    # 100,000 cases): as a correlated EXISTS, SQLite walked every case in notice for each
    # ended notice of the county (150 ms on each 工作台 and dashboard).
    waiting = Notice.id.in_(
        select(NoticeEntry.notice_id)
        .join(Case, Case.id == NoticeEntry.case_id)
        .where(Case.status == CaseStatus.IN_NOTICE)
    )
    # Current notices, and ended ones whatever their age while a case still waits for approval.
    notices = db.session.scalars(
        _published_pre_approval(user)
        .where((Notice.end_date >= today) | waiting)
        .order_by(Notice.end_date, Notice.id)
        .options(
            selectinload(Notice.superseded_by), selectinload(Notice.region), *WITHOUT_SNAPSHOTS
        )
    ).all()
    counts = open_objection_counts(n.id for n in notices)
    # Every case still waiting on an ended notice, with its approval state, at once.
    ended = [n.id for n in notices if notice_state(n, today) == NoticeState.ENDED]
    listed: dict[int, list[int]] = defaultdict(list)
    for notice_id, case_id in db.session.execute(
        select(NoticeEntry.notice_id, NoticeEntry.case_id)
        .join(Case, Case.id == NoticeEntry.case_id)
        .where(NoticeEntry.notice_id.in_(ended), Case.status == CaseStatus.IN_NOTICE)
    ):
        listed[notice_id].append(case_id)
    waiting_ids = {case_id for cases in listed.values() for case_id in cases}
    states = (
        {s.case_id: s for s in approval_states(select(Case).where(Case.id.in_(waiting_ids)), today)}
        if waiting_ids
        else {}
    )
    for notice in notices:
        line = NoticeLine(notice, open_objections=counts.get(notice.id, 0))
        state = notice_state(notice, today)
        if state == NoticeState.IN_FORCE:
            line.days_left = days_left(notice.end_date, today)
            board.in_force.append(line)
            if notice.end_date < today + timedelta(days=WEEK):
                board.ending_this_week.append(line)
        elif state == NoticeState.SCHEDULED:
            board.scheduled.append(line)
        elif state == NoticeState.ENDED:
            # A case noticed again after an objection waits on its newer notice, not this one.
            waiting = [states[c] for c in listed[notice.id] if states[c].notice == notice]
            if not waiting:
                continue
            line.awaiting = len(waiting)
            line.ready = sum(1 for s in waiting if s.blocker is None)
            board.awaiting_approval.append(line)
    board.drafts = list(
        db.session.scalars(
            _in_scope(user)
            .where(Notice.status == NoticeStatus.DRAFT)
            .order_by(Notice.id)
            .options(
                # Who made a draft (maker/checker) is read from its cases.
                selectinload(Notice.entries).selectinload(NoticeEntry.case),
                selectinload(Notice.prepared_by),
            )
        )
    )
    board.recent_lists = list(
        db.session.scalars(
            _in_scope(user)
            .where(Notice.kind.in_((NoticeKind.ROSTER, NoticeKind.LINSHI_LIST)))
            .where(Notice.status == NoticeStatus.PUBLISHED)
            .order_by(Notice.published_at.desc(), Notice.id.desc())
            .limit(RECENT_LISTS)
            .options(selectinload(Notice.superseded_by))
        )
    )
    board.rows = row_counts(board.recent_lists)
    board.open_objections = db.session.scalar(
        select(func.count())
        .select_from(Objection)
        .join(Notice, Notice.id == Objection.notice_id)
        .join(Region, Region.id == Notice.region_id)
        .where(Objection.outcome.is_(None), scope_clause(user))
    )
    return board


@dataclass
class Candidate:
    """A case that may go into a new 7-day notice, or the draft that already holds it."""

    case: Case
    in_draft: int | None = None


def notice_candidates(user, village: Region, program: Program) -> list[Candidate]:
    """The village's cases of the program waiting for a 7-day notice (待公示 or 复查中)."""
    cases = db.session.scalars(
        select(Case)
        .join(Case.village)
        .where(Case.village_id == village.id, Case.program == program, scope_clause(user))
        .where(Case.status.in_(NOTICEABLE_STATUSES))
        .order_by(Case.group_name, Case.id)
    ).all()
    drafts = dict(
        db.session.execute(
            select(NoticeEntry.case_id, NoticeEntry.notice_id)
            .join(NoticeEntry.notice)
            .where(NoticeEntry.case_id.in_([c.id for c in cases]))
            .where(Notice.status == NoticeStatus.DRAFT)
        ).all()
    )
    return [Candidate(c, drafts.get(c.id)) for c in cases]


def counted_in_working_days(notice: Notice) -> bool:
    """Whether the stored period was counted in working days (7 working days always span more
    than 7 calendar days), read from the notice itself rather than today's region setting."""
    return notice.end_date != notice_period_end(notice.start_date)


def display_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.display_name if user else "系统"


def linshi_scopes(user) -> list[Region]:
    """Regions a 临时救助 list may cover: the townships and villages in scope."""
    return regions_in_scope(user, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)


def notices_of_case(user, case_id: int) -> list[Notice]:
    """Every notice that listed the case, newest first (drafts and withdrawn ones included)."""
    return list(
        db.session.scalars(
            _in_scope(user)
            .join(NoticeEntry, NoticeEntry.notice_id == Notice.id)
            .where(NoticeEntry.case_id == case_id)
            .order_by(Notice.id.desc())
        )
    )
