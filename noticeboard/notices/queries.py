"""Read-only queries behind the staff notice pages (dashboard, preparing, approvals), all
limited to the user's scope."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, select
from sqlalchemy.orm import contains_eager, load_only, selectinload

from noticeboard.accounts.models import User
from noticeboard.accounts.permissions import decidable_programs
from noticeboard.cases.models import NOTICEABLE_STATUSES, Case, CaseStatus, Program
from noticeboard.core.dates import local_today
from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.pages import Page, page_of_query
from noticeboard.extensions import db
from noticeboard.notices.approval import delegated_programs, not_made_by, unblocked
from noticeboard.notices.models import Notice, NoticeEntry, NoticeKind, NoticeStatus, Objection
from noticeboard.notices.periods import days_left, notice_period_end
from noticeboard.notices.state import latest_notices_query, not_superseded
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import regions_in_scope, scope_clause

RECENT_LISTS = 10
# Lines a dashboard section shows (soonest end first); a county has hundreds of villages.
SECTION_ROWS = 50
WEEK = 7
# The columns a list of notices shows: the ones stored after the snapshots (hashes, code)
# make SQLite walk each row's ~80 KB of overflow pages, 10-30 ms over a county's rosters.
LISTED = load_only(
    Notice.id,
    Notice.kind,
    Notice.program,
    Notice.region_id,
    Notice.status,
    Notice.title,
    Notice.start_date,
    Notice.end_date,
    Notice.supersedes_id,
    Notice.prepared_by_id,
    Notice.published_by_id,
    Notice.created_at,
    Notice.published_at,
    Notice.returned_at,
)


def _in_scope(user):
    return select(Notice).join(Notice.region).where(scope_clause(user))


def _published_pre_approval(user):
    """Published 7-day notices in scope that no published correction replaced."""
    return (
        _in_scope(user)
        .where(Notice.kind == NoticeKind.PRE_APPROVAL, Notice.status == NoticeStatus.PUBLISHED)
        .where(not_superseded())
    )


class Section(LabelledStrEnum):
    """A section of the notices dashboard; each has a page of its own for all its lines."""

    IN_FORCE = "in_force", "正在公示"
    ENDING = "ending", "本周期满"
    SCHEDULED = "scheduled", "待开始"
    DRAFTS = "drafts", "待发布的草稿"
    AWAITING = "awaiting", "公示期满、待审核确认"


@dataclass
class NoticeLine:
    """A notice as the dashboard lists it."""

    notice: Notice
    days_left: int = 0
    open_objections: int = 0
    awaiting: int = 0  # cases still 公示中 on an ended notice
    ready: int = 0  # of those, cases the county may approve now


@dataclass
class Lines:
    """The first lines of a section (soonest end first) and how many the section holds."""

    lines: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.lines)


@dataclass
class Counts:
    """Figures the 工作台 shows, counted in the database."""

    in_force: int = 0
    ending: int = 0
    scheduled: int = 0
    drafts: int = 0
    returned: int = 0  # drafts a reviewer sent back
    returned_id: int | None = None  # the first of them


@dataclass
class Dashboard:
    sections: dict[Section, Lines] = field(default_factory=dict)
    open_objections: int = 0
    recent_lists: list[Notice] = field(default_factory=list)
    rows: dict[int, int] = field(default_factory=dict)  # lines of each recent list


def row_counts(notices) -> dict[int, int]:
    """How many lines each notice lists, without loading the lines."""
    return dict(
        db.session.execute(
            select(NoticeEntry.notice_id, func.count())
            .where(NoticeEntry.notice_id.in_([n.id for n in notices]))
            .group_by(NoticeEntry.notice_id)
        ).all()
    )


# What a published 7-day notice that no correction replaced is today (state.notice_state),
# as WHERE clauses, so that a county's hundreds of notices are counted, not loaded.
def _scheduled(today: date) -> ColumnElement[bool]:
    return Notice.start_date > today


def _in_force(today: date) -> ColumnElement[bool]:
    return and_(Notice.start_date <= today, Notice.end_date >= today)


def _ending(today: date) -> ColumnElement[bool]:
    return and_(_in_force(today), Notice.end_date < today + timedelta(days=WEEK))


def _waiting(user) -> Subquery:
    """Per 7-day notice: the cases 公示中 of the scope whose latest notice it is (a case
    noticed again after an objection waits on its newer notice), and how many of them have
    nothing left in the way of approval once it has ended (approval.approval_states)."""
    in_notice = (
        select(Case.id)
        .join(Case.village)
        .where(Case.status == CaseStatus.IN_NOTICE, scope_clause(user))
    )
    latest = latest_notices_query(in_notice).subquery()
    ready = unblocked(latest.c.case_id)
    return (
        select(
            latest.c.notice_id,
            func.count().label("awaiting"),
            func.count(case((ready, 1))).label("ready"),
        )
        .group_by(latest.c.notice_id)
        .subquery()
    )


def _ended_with_waiting(user, today: date, waiting: Subquery) -> Select:
    """Ended 7-day notices of the scope on which a case still waits for approval."""
    return (
        _published_pre_approval(user)
        .join(waiting, waiting.c.notice_id == Notice.id)
        .where(Notice.end_date < today)
    )


def section_query(user, section: Section, today: date) -> Select:
    """Every notice of a dashboard section in scope, soonest end first (drafts oldest first),
    with what its lines show loaded along."""
    if section == Section.DRAFTS:
        return (
            _in_scope(user)
            .where(Notice.status == NoticeStatus.DRAFT)
            .order_by(Notice.id)
            .options(
                LISTED,
                # Who made a draft (maker/checker) is read from its cases.
                selectinload(Notice.entries)
                .selectinload(NoticeEntry.case)
                .load_only(Case.id, Case.created_by_id),
                selectinload(Notice.prepared_by),
            )
        )
    if section == Section.AWAITING:
        waiting = _waiting(user)
        query = _ended_with_waiting(user, today, waiting).add_columns(
            waiting.c.awaiting, waiting.c.ready
        )
    else:
        clause = {
            Section.IN_FORCE: _in_force,
            Section.ENDING: _ending,
            Section.SCHEDULED: _scheduled,
        }[section]
        query = _published_pre_approval(user).where(clause(today))
    # Each line's open objections and its village come with it, not in queries of their own.
    open_objections = (
        select(func.count())
        .where(Objection.notice_id == Notice.id, Objection.outcome.is_(None))
        .scalar_subquery()
    )
    return (
        query.add_columns(open_objections.label("open_objections"))
        .order_by(Notice.end_date, Notice.id)
        .options(LISTED, contains_eager(Notice.region))
    )


def _lines(section: Section, rows, today: date) -> list:
    """The lines of a section from rows of its query: drafts, or notices with their figures."""
    if section == Section.DRAFTS:
        return [row[0] for row in rows]
    return [
        NoticeLine(
            row[0],
            days_left=days_left(row[0].end_date, today),
            open_objections=row.open_objections,
            awaiting=row._mapping.get("awaiting", 0),
            ready=row._mapping.get("ready", 0),
        )
        for row in rows
    ]


def _first_lines(user, section: Section, today: date) -> Lines:
    """A section's first SECTION_ROWS lines, and its total counted in the same query."""
    rows = db.session.execute(
        section_query(user, section, today)
        .add_columns(func.count().over().label("total"))
        .limit(SECTION_ROWS)
    ).all()
    return Lines(_lines(section, rows, today), rows[0].total if rows else 0)


def open_objections(user) -> int:
    """Objections not yet resolved on the notices of the scope."""
    return db.session.scalar(
        select(func.count())
        .select_from(Objection)
        .join(Notice, Notice.id == Objection.notice_id)
        .join(Region, Region.id == Notice.region_id)
        .where(Objection.outcome.is_(None), scope_clause(user))
    )


def dashboard_counts(user, today: date | None = None) -> Counts:
    """How many notices are in force, end this week or wait to start, drafts (sent back)."""
    today = today or local_today()
    counts = Counts()
    counts.in_force, counts.ending, counts.scheduled = db.session.execute(
        _published_pre_approval(user)
        .where(Notice.end_date >= today)
        .with_only_columns(
            func.count(case((_in_force(today), 1))),
            func.count(case((_ending(today), 1))),
            func.count(case((_scheduled(today), 1))),
        )
    ).one()
    returned = Notice.returned_at.is_not(None)
    counts.drafts, counts.returned, counts.returned_id = db.session.execute(
        _in_scope(user)
        .where(Notice.status == NoticeStatus.DRAFT)
        .with_only_columns(
            func.count(), func.count(case((returned, 1))), func.min(case((returned, Notice.id)))
        )
    ).one()
    return counts


def dashboard(user, today: date | None = None) -> Dashboard:
    """What is in notice now, what ends this week, what waits for publishing or approval:
    each section's total and its first SECTION_ROWS lines (the rest on its own page)."""
    today = today or local_today()
    board = Dashboard(
        sections={section: _first_lines(user, section, today) for section in Section},
        open_objections=open_objections(user),
    )
    board.recent_lists = list(db.session.scalars(recent_lists_query(user)))
    board.rows = row_counts(board.recent_lists)
    return board


def recent_lists_query(user) -> Select:
    """The latest rosters and 临时救助 lists published in scope."""
    return (
        _in_scope(user)
        .where(Notice.kind.in_((NoticeKind.ROSTER, NoticeKind.LINSHI_LIST)))
        .where(Notice.status == NoticeStatus.PUBLISHED)
        .order_by(Notice.published_at.desc(), Notice.id.desc())
        .limit(RECENT_LISTS)
        .options(LISTED, selectinload(Notice.superseded_by).options(LISTED))
    )


def section_page(user, section: Section, number: int | None, today: date | None = None) -> Page:
    """Page `number` of every line of a dashboard section."""
    today = today or local_today()
    return page_of_query(
        section_query(user, section, today),
        number,
        SECTION_ROWS,
        load=lambda window: _lines(section, db.session.execute(window).all(), today),
    )


def ready_per_township(user, today: date | None = None) -> list[tuple[Region, int]]:
    """Cases the user may approve now, per township: of the programs the user confirms, on
    notices the user did not make where the township confirms (approval.made_by)."""
    today = today or local_today()
    waiting = _waiting(user)
    ready = dict(
        db.session.execute(
            _ended_with_waiting(user, today, waiting)
            .where(Notice.program.in_(decidable_programs(user)))
            .where(not_made_by(user, delegated_programs(user)))
            .with_only_columns(Region.parent_id, func.sum(waiting.c.ready))
            .group_by(Region.parent_id)
        ).all()
    )
    townships = db.session.scalars(
        select(Region)
        .where(Region.id.in_([township for township, n in ready.items() if n]))
        .order_by(Region.path)
    )
    return [(township, int(ready[township.id])) for township in townships]


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
