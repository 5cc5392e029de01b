"""Termination notices (终止公示): a termination that takes effect only after a 7-day notice.

特困 always (《特困人员认定办法》Art. 26), 低保 when the county chose so
(regions/termination.py). The clerk proposes with the reason, a reviewer publishes the
notice, residents may object as on a 7-day pre-approval notice; once it ended with no open
objection, whoever confirms the program's cases in the county confirms the termination and
the village roster publishes its new version without the case. An upheld objection, or a
withdrawn notice, drops the termination: the case stays in force.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from noticeboard.accounts.permissions import DECIDER_IS_MAKER, decidable_programs
from noticeboard.audit.models import AuditAction
from noticeboard.cases.lifecycle import (
    can_terminate,
    close_case,
    needs_termination_notice,
    terminate_case,
)
from noticeboard.cases.models import Case
from noticeboard.cases.services import audit_case, get_case
from noticeboard.core.dates import CHINA, local_today
from noticeboard.core.errors import DomainError, Forbidden, NotFound
from noticeboard.core.permissions import Action, can, require
from noticeboard.core.types import utcnow
from noticeboard.core.validation import clean_reason
from noticeboard.extensions import db
from noticeboard.notices.approval import delegated_programs, made_by
from noticeboard.notices.models import (
    Notice,
    NoticeEntry,
    NoticeKind,
    NoticeStatus,
    Objection,
    Termination,
    TerminationOutcome,
)
from noticeboard.notices.periods import notice_period_end, uses_working_days
from noticeboard.notices.snapshots import audit_notice, title_for
from noticeboard.notices.state import NoticeState, notice_state
from noticeboard.notices.todo import Task, register_tasks
from noticeboard.regions.delegation import confirmer_of
from noticeboard.regions.scope import scope_clause


def end_case(user, case_id: int, reason: str) -> Termination | None:
    """End a case the way its county and program require: at once (None), or by drafting
    its termination notice (the pending Termination)."""
    case = get_case(user, case_id)
    if needs_termination_notice(case):
        return propose_termination(user, case_id, reason)
    terminate_case(user, case_id, reason)
    return None


def termination_of(notice: Notice) -> Termination | None:
    """The termination a termination notice announces (None for other notices)."""
    if notice.kind != NoticeKind.TERMINATION:
        return None
    return db.session.scalar(select(Termination).where(Termination.notice_id == notice.id))


def pending_termination(case: Case) -> Termination | None:
    return db.session.scalar(
        select(Termination).where(Termination.case_id == case.id, Termination.outcome.is_(None))
    )


def propose_termination(
    user, case_id: int, reason: str, *, today: date | None = None
) -> Termination:
    """The clerk drafts the case's termination notice with the reason (told to the household,
    never printed); a reviewer publishes it. The case stays in force meanwhile.

    `today` stands in for the calendar (demo history); it defaults to the real local day."""
    require(user, Action.TERMINATE_CASE)
    case = get_case(user, case_id)
    reason = clean_reason(reason, "reason", "终止原因")
    if not can_terminate(case):
        raise DomainError(f"{case.reference} {case.status.label}，不能终止")
    if not needs_termination_notice(case):
        raise DomainError(f"本县{case.program.label}直接终止，不需终止公示")
    if (pending := pending_termination(case)) is not None:
        raise DomainError(f"{case.reference} 已在《{pending.notice.title}》中拟终止")
    # Demo history is proposed "on" its day too, so prepared-at never follows published-at.
    created_at = utcnow() if today is None else datetime.combine(today, time(8, 30), CHINA)
    today = today or local_today()
    notice = Notice(
        created_at=created_at,
        kind=NoticeKind.TERMINATION,
        program=case.program,
        region=case.village,
        status=NoticeStatus.DRAFT,
        title=title_for(NoticeKind.TERMINATION, case.program, case.village, today),
        start_date=today,
        end_date=notice_period_end(today, uses_working_days(case.village)),
        prepared_by_id=user.id,
        entries=[NoticeEntry(case=case, line=1)],
    )
    termination = Termination(
        case=case, notice=notice, reason=reason, proposed_by_id=user.id, proposed_at=created_at
    )
    db.session.add_all([notice, termination])
    db.session.flush()
    audit_notice(AuditAction.CREATE, notice, user, cases=1)
    audit_case(AuditAction.UPDATE, case, user, note=f"拟终止，列入《{notice.title}》：{reason}")
    db.session.commit()
    return termination


@dataclass
class TerminationState:
    """A pending termination and, when it cannot be confirmed yet, why."""

    termination: Termination
    blocker: str | None


def termination_blocker(termination: Termination, today: date | None = None) -> str | None:
    """Why the termination cannot be confirmed yet, or None when it can."""
    return _blocker(termination, termination.id in _objected([termination.id]), today)


def _blocker(termination: Termination, objected: bool, today: date | None) -> str | None:
    notice = termination.notice
    state = notice_state(notice, today)
    if state == NoticeState.DRAFT:
        return "终止公示尚未发布"
    if state != NoticeState.ENDED:
        return f"{state.label}（{notice.end_date:%Y-%m-%d} 期满），期满后方可确认终止"
    return "公示有未办结的异议" if objected else None


def _objected(termination_ids: list[int]) -> set[int]:
    """Those of the terminations whose notice has an open objection about their case (or
    naming no line), in one query."""
    return set(
        db.session.scalars(
            select(Termination.id)
            .join(Objection, Objection.notice_id == Termination.notice_id)
            .where(Termination.id.in_(termination_ids), Objection.outcome.is_(None))
            .where(Objection.case_id.is_(None) | (Objection.case_id == Termination.case_id))
        )
    )


def termination_queue(user, today: date | None = None) -> tuple[list, list]:
    """Pending terminations the user confirms (their scope and programs, not their own making
    where the township confirms): those ready now, and those not yet, with the reason; in a
    fixed number of queries."""
    delegated = delegated_programs(user)
    # The few pending terminations first: joined in one query, SQLite started from the
    # cases of the programs (80 ms at 100,000 cases) to find none.
    open_ids = db.session.scalars(select(Termination.id).where(Termination.outcome.is_(None)))
    pending = db.session.scalars(
        select(Termination)
        .join(Termination.case)
        .join(Case.village)
        .where(Termination.id.in_(open_ids.all()), scope_clause(user))
        .where(Case.program.in_(decidable_programs(user)))
        .order_by(Termination.id)
        .options(
            selectinload(Termination.notice).selectinload(Notice.superseded_by),
            selectinload(Termination.case).selectinload(Case.village),
        )
    ).all()
    mine = [t for t in pending if not _made_by(user, t, delegated)]
    objected = _objected([t.id for t in mine])
    states = [TerminationState(t, _blocker(t, t.id in objected, today)) for t in mine]
    return [s for s in states if s.blocker is None], [s for s in states if s.blocker]


def _made_by(user, termination: Termination, delegated: set[str]) -> bool:
    """Where the township confirms, its reviewer never confirms a termination of a case they
    entered, or whose termination notice they proposed or published (as for an approval)."""
    entered = termination.case.created_by_id == user.id and termination.case.program in delegated
    return entered or made_by(user, termination.notice, delegated)


def _to_confirm(user) -> list[Task]:
    """The 工作台 line of whoever confirms terminations."""
    if not can(user, Action.DECIDE_CASE):
        return []
    ready, _ = termination_queue(user)
    return [
        Task(
            "可确认终止的案件",
            len(ready),
            "notices.approvals",
            {"_anchor": "terminations"},
            "终止公示期满且无未办结异议",
        )
    ]


register_tasks(_to_confirm)


def get_termination(user, termination_id: int) -> Termination:
    termination = db.session.get(Termination, termination_id)
    if termination is None:
        raise NotFound("未找到该终止事项")
    get_case(user, termination.case_id)  # scope check: another township's answers 404
    return termination


def confirm_termination(user, termination_id: int, today: date | None = None) -> Termination:
    """The decision-maker ends the case once its notice ended with no open objection; the
    roster publishes its new version in the same transaction."""
    termination = get_termination(user, termination_id)
    case = termination.case
    require(user, Action.DECIDE_CASE, case)
    # Delegated to the township: not who entered the case, proposed or published the notice.
    if _made_by(user, termination, delegated_programs(user)):
        raise Forbidden(DECIDER_IS_MAKER)
    if not termination.is_pending:
        raise DomainError(f"{case.reference} 的终止已{termination.outcome.label}")
    if blocker := termination_blocker(termination, today):
        raise DomainError(f"{case.reference} 暂不能确认终止：{blocker}")
    if not can_terminate(case):
        raise DomainError(f"{case.reference} {case.status.label}，不能终止")
    _decide(termination, user, TerminationOutcome.CONFIRMED)
    termination.decided_under = confirmer_of(case.village, case.program)
    close_case(case, user, termination.reason)
    db.session.commit()
    return termination


def drop_terminations(notice: Notice, user, note: str, case_id: int | None = None) -> None:
    """The termination(s) the notice announced do not take effect (an upheld objection, a
    withdrawn notice): the case stays in force, with the note; in the caller's transaction."""
    for termination in db.session.scalars(
        select(Termination).where(Termination.notice_id == notice.id)
    ):
        if termination.is_pending and case_id in (None, termination.case_id):
            _decide(termination, user, TerminationOutcome.DROPPED, note)
            audit_case(AuditAction.UPDATE, termination.case, user, note=f"终止不予执行：{note}")


def discard_terminations(notice: Notice) -> None:
    """A termination notice's draft is deleted: its termination never was public."""
    for termination in db.session.scalars(
        select(Termination).where(Termination.notice_id == notice.id)
    ):
        db.session.delete(termination)


def _decide(termination: Termination, user, outcome: TerminationOutcome, note=None) -> None:
    termination.outcome = outcome
    termination.decided_at = utcnow()
    termination.decided_by_id = user.id if user else None
    termination.note = note
