"""Retention (保存期限): a terminated or rejected case keeps its personal data for the
county's period (RETENTION_YEARS, 5 by default) after it closed; then its resident IDs,
phone, address and names, and their keyed indexes, are erased. The case stays as an
anonymous record (program, village, amounts, dates, status), so every figure of the
statistics reads the same; published notices keep their frozen snapshots, which hold only
what was published (masked names, never an ID or phone)."""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import selectinload

from noticeboard.audit import services as audit
from noticeboard.audit.models import AuditAction
from noticeboard.cases.models import CLOSED_STATUSES, Case, CaseChange, CaseMember
from noticeboard.core.dates import CHINA, local_today
from noticeboard.core.types import utcnow
from noticeboard.extensions import db

# What an erased name reads as, on staff pages and in the audit log.
ERASED_NAME = "已删除"
BATCH = 500


@dataclass
class RetentionResult:
    cutoff: date  # cases closed before this day are due
    cases: int
    members: int


def retention_cutoff(today: date, years: int) -> date:
    """The day `years` before `today` (29 February becomes the 28th in a common year)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def due_cases(cutoff: date) -> Select:
    """Closed cases, not yet erased, that closed before `cutoff` (Beijing days)."""
    return select(Case.id).where(
        Case.status.in_(CLOSED_STATUSES),
        Case.erased_at.is_(None),
        Case.closed_at < datetime.combine(cutoff, time(), tzinfo=CHINA),
    )


def run_retention(today: date | None = None, dry_run: bool = False) -> RetentionResult:
    """Erase the personal data of every case past its retention period, a batch of cases per
    transaction, each with an audit entry; with `dry_run`, only count them."""
    cutoff = retention_cutoff(today or local_today(), current_app.config["RETENTION_YEARS"])
    ids = list(db.session.scalars(due_cases(cutoff).order_by(Case.id)))
    members = db.session.scalar(
        select(func.count()).where(CaseMember.case_id.in_(due_cases(cutoff)))
    )
    if not dry_run:
        for start in range(0, len(ids), BATCH):
            _erase(ids[start : start + BATCH])
            db.session.commit()
    return RetentionResult(cutoff, len(ids), members or 0)


def _erase(case_ids: list[int]) -> None:
    now = utcnow()
    cases = db.session.scalars(
        select(Case).where(Case.id.in_(case_ids)).options(selectinload(Case.members))
    )
    entries = []
    for case in cases:
        # Through the models, so the keyed indexes and the name index follow (their hooks).
        case.applicant_id_number = case.applicant_phone = case.address = None
        case.applicant_name = ERASED_NAME
        for member in case.members:
            member.id_number, member.name = None, ERASED_NAME
        case.erased_at = now
        entries.append(
            {
                "action": AuditAction.ERASE,
                "entity_type": "case",
                "entity_id": case.id,
                "region_id": case.village_id,
                "note": "保存期满，已删除身份证号、电话、地址和姓名",
            }
        )
    # A reviewer's page of an old change would show the values it carried.
    db.session.execute(
        update(CaseChange).where(CaseChange.case_id.in_(case_ids)).values(proposed={}, changes={})
    )
    audit.record_many(entries)
