"""What a notice is today (derived from its dates), which notices the public sees, and which
notice a case was last listed on."""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import aliased, defer, selectinload

from noticeboard.cases.models import Case
from noticeboard.cases.signals import case_listed
from noticeboard.core.dates import local_today
from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.errors import NotFound
from noticeboard.extensions import db
from noticeboard.notices.models import (
    PERIOD_KINDS,
    Notice,
    NoticeEntry,
    NoticeKind,
    NoticeStatus,
)
from noticeboard.notices.snapshots import normalise_code
from noticeboard.regions.models import Region
from noticeboard.regions.scope import scope_clause


class NoticeState(LabelledStrEnum):
    """What a notice is today; derived from its dates, so nothing waits for a timer."""

    DRAFT = "draft", "草稿"
    SCHEDULED = "scheduled", "待开始"
    IN_FORCE = "in_force", "公示中"
    ENDED = "ended", "公示期满"
    WITHDRAWN = "withdrawn", "已撤回"
    SUPERSEDED = "superseded", "已被新版本取代"


# States in which a 7-day notice can still be taken down or corrected.
WITHDRAWABLE = (NoticeState.DRAFT, NoticeState.SCHEDULED, NoticeState.IN_FORCE, NoticeState.ENDED)
CORRECTABLE = (NoticeState.IN_FORCE, NoticeState.SCHEDULED)


def notice_state(notice: Notice, today: date | None = None) -> NoticeState:
    today = today or local_today()
    if notice.status == NoticeStatus.DRAFT:
        return NoticeState.DRAFT
    if notice.status == NoticeStatus.WITHDRAWN:
        return NoticeState.WITHDRAWN
    successor = notice.superseded_by
    if successor is not None and successor.status != NoticeStatus.DRAFT:
        return NoticeState.SUPERSEDED
    if notice.kind.has_period:
        if today < notice.start_date:
            return NoticeState.SCHEDULED
        return NoticeState.IN_FORCE if today <= notice.end_date else NoticeState.ENDED
    return NoticeState.IN_FORCE


# For lists that show a notice's title, dates and state, not its content: the frozen
# snapshots are the bulk of a notice row (a 120-household roster is ~40 KB of JSON, twice).
WITHOUT_SNAPSHOTS = (defer(Notice.snapshot_online), defer(Notice.snapshot_board))


# One alias for every query: adapting a fresh alias's columns cost ~3 ms a call, and a
# dashboard asks for this clause in each of its sections.
_SUCCESSOR = aliased(Notice, name="successor")


def not_superseded() -> ColumnElement[bool]:
    """WHERE clause: no published (or withdrawn) notice replaces this one; a correction that
    is still a draft does not count."""
    return ~exists().where(
        and_(_SUCCESSOR.supersedes_id == Notice.id, _SUCCESSOR.status != NoticeStatus.DRAFT)
    )


def grace_days() -> int:
    return int(current_app.config.get("NOTICE_GRACE_DAYS", 30))


def in_public_view(notice: Notice, today: date | None = None) -> bool:
    """Residents see notices in force, and ended 7-day notices (拟保, 终止) for the grace period
    after."""
    today = today or local_today()
    state = notice_state(notice, today)
    if state == NoticeState.IN_FORCE:
        return True
    return state == NoticeState.ENDED and today <= notice.end_date + timedelta(days=grace_days())


def public_notices_query(region: Region | None = None, today: date | None = None) -> Select:
    """Notices in public view (as in_public_view decides, in SQL), newest first, optionally
    those of one village or township (and the township-wide ones above it)."""
    today = today or local_today()
    query = (
        select(Notice)
        .join(Notice.region)
        .where(Notice.status == NoticeStatus.PUBLISHED, not_superseded())
        .where(
            Notice.kind.not_in(PERIOD_KINDS)
            | (Notice.end_date >= today - timedelta(days=grace_days()))
        )
        .where((Notice.start_date.is_(None)) | (Notice.start_date <= today))
        .order_by(Notice.published_at.desc(), Notice.id.desc())
        .options(selectinload(Notice.superseded_by), selectinload(Notice.region))
    )
    if region is not None:
        # A village page also shows township-wide lists of its township.
        ancestors = [int(part) for part in region.path.strip("/").split("/")]
        query = query.where(Region.path.startswith(region.path) | Region.id.in_(ancestors))
    return query


def public_notices(region: Region | None = None, today: date | None = None) -> list[Notice]:
    return list(db.session.scalars(public_notices_query(region, today)))


def find_by_code(code: str) -> Notice | None:
    return db.session.scalar(select(Notice).where(Notice.verification_code == normalise_code(code)))


def get_notice(user, notice_id: int) -> Notice:
    """The notice if it lies inside the user's scope; another township's is NotFound."""
    notice = db.session.scalar(
        select(Notice).join(Notice.region).where(Notice.id == notice_id, scope_clause(user))
    )
    if notice is None:
        raise NotFound("未找到该公示")
    return notice


def latest_notices_query(case_ids) -> Select:
    """(case id, notice id) of the newest published 7-day notice listing each case."""
    ranked = (
        select(
            NoticeEntry.case_id,
            NoticeEntry.notice_id,
            func.row_number()
            .over(
                partition_by=NoticeEntry.case_id,
                order_by=(Notice.published_at.desc(), Notice.id.desc()),
            )
            .label("rank"),
        )
        .join(Notice, Notice.id == NoticeEntry.notice_id)
        .where(NoticeEntry.case_id.in_(case_ids), Notice.kind == NoticeKind.PRE_APPROVAL)
        .where(Notice.status == NoticeStatus.PUBLISHED)
        .subquery()
    )
    return select(ranked.c.case_id, ranked.c.notice_id).where(ranked.c.rank == 1)


def latest_notices(case_ids) -> dict[int, Notice]:
    """The newest published 7-day notice listing each case (withdrawn ones do not count), for
    many cases in two queries; `case_ids` is a list or a subquery of case ids."""
    latest = dict(db.session.execute(latest_notices_query(case_ids)).all())
    notices = {
        notice.id: notice
        for notice in db.session.scalars(
            select(Notice)
            .where(Notice.id.in_(set(latest.values())))
            .options(selectinload(Notice.superseded_by), *WITHOUT_SNAPSHOTS)
        )
    }
    return {case_id: notices[notice_id] for case_id, notice_id in latest.items()}


def latest_notice_of(case: Case) -> Notice | None:
    """The newest published 7-day notice listing the case."""
    return latest_notices([case.id]).get(case.id)


def cases_whose_latest_notice_is(notice: Notice) -> list[Case]:
    """Cases of `notice` not since listed on a newer notice (a re-notice after an objection)."""
    latest = latest_notices([entry.case_id for entry in notice.entries])
    return [entry.case for entry in notice.entries if latest.get(entry.case_id) == notice]


def ended_on(today: date) -> list[Notice]:
    """7-day notices whose last day was yesterday (for the daily housekeeping report)."""
    return list(
        db.session.scalars(
            select(Notice).where(
                Notice.kind == NoticeKind.PRE_APPROVAL,
                Notice.status == NoticeStatus.PUBLISHED,
                Notice.end_date == today - timedelta(days=1),
            )
        )
    )


@case_listed.connect
def _case_listed(case: Case, *, drafts_only: bool) -> bool:
    query = select(NoticeEntry.id).where(NoticeEntry.case_id == case.id)
    if drafts_only:
        query = query.join(Notice, Notice.id == NoticeEntry.notice_id).where(
            Notice.status == NoticeStatus.DRAFT
        )
    return db.session.scalar(query.limit(1)) is not None
