"""Long-term notices (长期公示): each village's standing roster of 低保 and 特困 recipients.

Every change of the roster (approval, termination, a changed amount) publishes a new
version in the same transaction as the change; the previous version is superseded.
"""

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from noticeboard.audit.models import AuditAction
from noticeboard.cases.models import NOTICE_PROGRAMS, ROSTER_STATUSES, Case, Program
from noticeboard.cases.signals import case_changed, cases_changed, in_batch
from noticeboard.core.dates import local_today
from noticeboard.extensions import db
from noticeboard.notices.models import Notice, NoticeEntry, NoticeKind, NoticeStatus
from noticeboard.notices.snapshots import audit_notice, freeze, title_for
from noticeboard.notices.state import not_superseded
from noticeboard.regions.models import Region

# What a new roster version says publicly about why it replaced the last one; the case and
# the staff's reason stay in the audit log, since a reason can name people or circumstances.
ROSTER_REASONS = {
    "approved": "新增保障对象",
    "terminated": "保障对象退出",
    "changed": "保障信息调整",
    "reinvestigated": "保障对象复查后重新公示",
}


def current_roster(village: Region, program: Program) -> Notice | None:
    return db.session.scalar(
        select(Notice)
        .where(Notice.kind == NoticeKind.ROSTER, Notice.region_id == village.id)
        .where(Notice.program == program, Notice.status == NoticeStatus.PUBLISHED)
        .where(not_superseded())
    )


def publish_roster(village: Region, program: Program, user, change: str) -> Notice | None:
    """Publish the village's roster as it stands now, in the caller's transaction; `change`
    is a key of ROSTER_REASONS. The previous version is superseded."""
    cases = db.session.scalars(
        select(Case)
        .where(Case.village_id == village.id, Case.program == program)
        .where(Case.status.in_(ROSTER_STATUSES))
        .order_by(Case.group_name, Case.id)
    ).all()
    previous = current_roster(village, program)
    if not cases and previous is None:
        return None
    reason = ROSTER_REASONS[change]
    today = local_today()
    notice = Notice(
        kind=NoticeKind.ROSTER,
        program=program,
        region=village,
        title=title_for(NoticeKind.ROSTER, program, village, today),
        start_date=today,
        supersedes=previous,
        supersede_reason=reason if previous else None,
        prepared_by_id=user.id if user else None,
    )
    notice.entries = [NoticeEntry(case=c, line=i) for i, c in enumerate(cases, 1)]
    db.session.add(notice)
    db.session.flush()
    freeze(notice, list(cases), user)
    audit_notice(AuditAction.PUBLISH, notice, user, note=reason, rows=len(cases))
    return notice


@case_changed.connect
def _roster_follows_case(case: Case, *, user, change: str) -> None:
    """A change to an approved or active case, or its termination, is a new roster version."""
    if not in_batch() and _listed(case, change):
        publish_roster(case.village, case.program, user, change)


@cases_changed.connect
def _rosters_follow_cases(cases: list[Case], *, user, change: str) -> None:
    """Many cases changed together: one new version per village and program affected."""
    affected = {(c.village_id, c.program): c.village for c in cases if _listed(c, change)}
    for (_, program), village in sorted(affected.items()):
        publish_roster(village, program, user, change)


def _listed(case: Case, change: str) -> bool:
    listed = change in ("terminated", "reinvestigated") or case.status in ROSTER_STATUSES
    return listed and case.program in NOTICE_PROGRAMS


def roster_versions(village: Region, program: Program) -> Select:
    """Every version of the village's roster, newest first."""
    return (
        select(Notice)
        .where(Notice.kind == NoticeKind.ROSTER, Notice.region_id == village.id)
        .where(Notice.program == program)
        .order_by(Notice.id.desc())
        .options(selectinload(Notice.superseded_by))
    )
