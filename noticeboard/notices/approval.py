"""审核确认: approving or rejecting a case once its 7-day notice ended with no open objection.

This lives with notices rather than cases because what blocks an approval is the state of
the case's latest notice and its objections.
"""

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, exists, or_, select, true
from sqlalchemy.orm import aliased, selectinload

from noticeboard.accounts.permissions import DECIDER_IS_MAKER, decidable_programs
from noticeboard.cases.lifecycle import set_case_status
from noticeboard.cases.models import Case, CaseStatus
from noticeboard.cases.relatives import (
    HOME_VISIT_NEEDED,
    waiting_for_home_visit,
    waiting_for_home_visit_clause,
)
from noticeboard.cases.services import get_case
from noticeboard.core.dates import first_of_next_month, local_today
from noticeboard.core.errors import DomainError, Forbidden
from noticeboard.core.pages import Page, page_of
from noticeboard.core.permissions import Action, require
from noticeboard.core.types import utcnow
from noticeboard.core.validation import clean_reason
from noticeboard.extensions import db
from noticeboard.notices.models import Notice, NoticeEntry, Objection
from noticeboard.notices.rosters import publish_roster
from noticeboard.notices.state import (
    NoticeState,
    latest_notices,
    latest_notices_query,
    not_superseded,
    notice_state,
)
from noticeboard.regions.delegation import confirmer_of, confirmers, county_id_of
from noticeboard.regions.models import Confirmer
from noticeboard.regions.scope import scope_clause


@dataclass
class ApprovalState:
    """Where a case in notice stands for approval: its latest 7-day notice and, when it
    cannot be approved yet, why. `case` is loaded for the states a page shows
    (with_cases), since a county has thousands in notice."""

    case_id: int
    notice: Notice | None
    blocker: str | None
    case: Case | None = None


def approval_states(cases: Select, today: date | None = None) -> list[ApprovalState]:
    """The approval state of every case `cases` selects, in a fixed number of queries
    whatever their number: the latest notice of each case and the open objections are read
    for all of them at once."""
    today = today or local_today()
    rows = db.session.execute(cases.with_only_columns(Case.id, Case.status)).all()
    if not rows:
        return []
    ids = cases.with_only_columns(Case.id).order_by(None).scalar_subquery()
    latest = latest_notices(ids)
    open_ids = set(
        db.session.scalars(
            select(NoticeEntry.case_id)
            .where(NoticeEntry.case_id.in_(ids), _open_objection(NoticeEntry))
            .distinct()
        )
    )
    unvisited = waiting_for_home_visit(ids)
    return [
        ApprovalState(
            case_id,
            latest.get(case_id),
            _blocker(status, latest.get(case_id), case_id in open_ids, today)
            or (HOME_VISIT_NEEDED if case_id in unvisited else None),
        )
        for case_id, status in rows
    ]


_LISTED = aliased(NoticeEntry, name="listed")  # made once: a fresh alias costs ms a call


def _open_objection(entry) -> ColumnElement[bool]:
    """WHERE clause: an objection not yet resolved on the notice of `entry` (NoticeEntry or
    an alias of it), about its case or about the whole notice: the case waits for it."""
    return exists().where(
        Objection.notice_id == entry.notice_id,
        Objection.outcome.is_(None),
        (Objection.case_id == entry.case_id) | Objection.case_id.is_(None),
    )


def objected(case_id) -> ColumnElement[bool]:
    """WHERE clause: the case `case_id` (a column) waits for an open objection on any notice
    that listed it, as approval_states weighs it, for counts in the database."""
    return exists().where(_LISTED.case_id == case_id, _open_objection(_LISTED))


def unblocked(case_id) -> ColumnElement[bool]:
    """WHERE clause: once its notice has ended, nothing stands in the way of approving the
    case `case_id` (a column): no open objection, no home visit awaited (approval_states)."""
    return ~objected(case_id) & ~waiting_for_home_visit_clause(case_id)


def with_cases(states: list[ApprovalState]) -> list[ApprovalState]:
    """The same states, each with its case (and village) loaded, in one query."""
    ids = [s.case_id for s in states]
    cases = db.session.scalars(
        select(Case)
        .where(Case.id.in_(ids))
        .options(selectinload(Case.village), selectinload(Case.near_relatives))
    )
    by_id = {case.id: case for case in cases}
    for state in states:
        state.case = by_id[state.case_id]
    return states


def _blocker(status: CaseStatus, notice: Notice | None, objected: bool, today: date) -> str | None:
    if status != CaseStatus.IN_NOTICE:
        return f"案件{status.label}，不在公示中"
    if notice is None:
        return "案件没有已发布的公示"
    state = notice_state(notice, today)
    if state != NoticeState.ENDED:
        return f"{state.label}（{notice.end_date:%Y-%m-%d} 期满），期满后方可审批"
    if objected:
        return "公示有未办结的异议"
    return None


def _in_notice(user) -> Select:
    """Cases of the user's scope in a 7-day notice (waiting for its end or approval), of the
    programs the user confirms (a county may delegate some to its townships), not entered
    by the user in a program delegated to the township (its reviewer never confirms their
    own entry: accounts.permissions refuses it; a county's confirmer has no such rule)."""
    delegated = delegated_programs(user)
    return (
        select(Case)
        .join(Case.village)
        .where(Case.status == CaseStatus.IN_NOTICE, scope_clause(user))
        .where(Case.program.in_(decidable_programs(user)))
        .where(
            or_(Case.program.not_in(delegated), Case.created_by_id.is_distinct_from(user.id))
            if delegated
            else true()
        )
        .order_by(Case.id)
    )


def approval_blocker(case: Case, today: date | None = None) -> str | None:
    """Why the case cannot be approved yet, or None when it can."""
    (state,) = approval_states(select(Case).where(Case.id == case.id), today)
    return state.blocker


def approval_queue(
    user, today: date | None = None
) -> tuple[list[ApprovalState], list[ApprovalState]]:
    """Cases in notice in the user's scope: those that can be approved now (their notice
    ended with no open objection), and those that cannot yet, each with the reason."""
    delegated = delegated_programs(user)
    states = [
        s
        for s in approval_states(_in_notice(user), today)
        if not made_by(user, s.notice, delegated)
    ]
    return [s for s in states if s.blocker is None], [s for s in states if s.blocker]


def queue_ids(user, today: date | None = None) -> tuple[list[int], list[int]]:
    """approval_queue weighed in the database, as case ids in the same order: the county's
    ~1,600 cases in notice are two queries of small columns, not ~800 notices loaded and
    each case weighed in Python. A published notice is ENDED (notice_state) once its last
    day has passed and no published correction replaced it; a case without one waits."""
    today = today or local_today()
    in_notice = _in_notice(user).with_only_columns(Case.id)
    latest = latest_notices_query(in_notice.order_by(None)).subquery()
    ready = and_(Notice.end_date < today, not_superseded(), unblocked(latest.c.case_id))
    made = case((not_made_by(user, delegated_programs(user)), 0), else_=1)  # made_by, in SQL
    # Read from the latest notices, not joined to the cases: SQLite scans the window
    # query's result once per case of an outer join (200 ms for a county).
    weighed = {
        case_id: (now, by_user)
        for case_id, now, by_user in db.session.execute(
            select(latest.c.case_id, case((ready, 1), else_=0), made).join(
                Notice, Notice.id == latest.c.notice_id
            )
        )
    }
    ready_ids, waiting_ids = [], []
    for case_id in db.session.scalars(in_notice):
        now, by_user = weighed.get(case_id, (0, 0))
        if not by_user:
            (ready_ids if now else waiting_ids).append(case_id)
    return ready_ids, waiting_ids


def approval_pages(
    user, ready_page: int | None, waiting_page: int | None, today: date | None = None
) -> tuple[Page, Page]:
    """A page of each list of approval_queue, counted and cut by queue_ids: only the pages'
    cases are loaded and weighed (approval_states gives the waiting ones their reason)."""
    ready, waiting = queue_ids(user, today)
    queue, blocked = page_of(ready, ready_page), page_of(waiting, waiting_page)
    shown = select(Case).where(Case.id.in_(queue.items + blocked.items))
    states = {s.case_id: s for s in with_cases(approval_states(shown, today))}
    return (
        replace(queue, items=[states[id_] for id_ in queue.items]),
        replace(blocked, items=[states[id_] for id_ in blocked.items]),
    )


def delegated_programs(user) -> set[str]:
    """The programs the user's county lets its townships confirm."""
    chosen = confirmers(county_id_of(user.region))
    return {program for program, by in chosen.items() if by == Confirmer.TOWNSHIP}


def made_by(user, notice: Notice | None, delegated: set[str]) -> bool:
    """Whether `user` prepared or published `notice` of a program in `delegated`: the
    township's other reviewer confirms its cases, so they are not in this user's queue."""
    if notice is None or user.id not in (notice.published_by_id, notice.prepared_by_id):
        return False
    return notice.program in delegated


def not_made_by(user, delegated: set[str], notice=Notice) -> ColumnElement[bool]:
    """WHERE clause: not made_by(user, notice, delegated), for counts in the database;
    `notice` is Notice or the columns of a subquery of notices."""
    return or_(
        notice.program.not_in(delegated),
        and_(
            notice.published_by_id.is_distinct_from(user.id),
            notice.prepared_by_id.is_distinct_from(user.id),
        ),
    )


def _case_to_decide(user, case_id: int) -> Case:
    case = get_case(user, case_id)
    require(user, Action.DECIDE_CASE, case)
    # Delegated to the township: its reviewer confirms, but not the one who published (or
    # prepared) the notice the case was listed on.
    if made_by(user, latest_notices([case.id]).get(case.id), delegated_programs(user)):
        raise Forbidden(DECIDER_IS_MAKER)
    return case


def _decided(case: Case, user) -> None:
    """Who decided, when, and under which of the county's choices."""
    case.decided_at = utcnow()
    case.decided_by_id = user.id
    case.decided_under = confirmer_of(case.village, case.program)


def approve_case(user, case_id: int, today: date | None = None) -> Case:
    """审核确认: benefits start the month after approval; the roster gets a new version."""
    today = today or local_today()
    case = _case_to_decide(user, case_id)
    if blocker := approval_blocker(case, today):
        raise DomainError(f"{case.reference} 暂不能审批：{blocker}")
    case.benefit_start = first_of_next_month(today)
    _decided(case, user)
    set_case_status(case, CaseStatus.APPROVED, user, f"自 {case.benefit_start:%Y-%m} 起享受")
    publish_roster(case.village, case.program, user, "approved")
    db.session.commit()
    return case


def reject_case(user, case_id: int, reason: str) -> Case:
    """不予确认, with the reason told to the household."""
    case = _case_to_decide(user, case_id)
    reason = clean_reason(reason, "reason", "不予确认的理由", "请写明理由")
    if case.status not in (CaseStatus.IN_NOTICE, CaseStatus.INVESTIGATING):
        raise DomainError(f"{case.reference} {case.status.label}，不能作不予确认处理")
    if case.status == CaseStatus.IN_NOTICE and (blocker := approval_blocker(case)):
        raise DomainError(f"{case.reference} 暂不能审批：{blocker}")
    case.closing_reason = reason
    _decided(case, user)
    set_case_status(case, CaseStatus.REJECTED, user, reason)
    db.session.commit()
    return case
