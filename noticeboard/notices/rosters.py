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

# Villages read per statement when many rosters are published at once.
CHUNK = 1000

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
    published = publish_rosters([(village, program)], user, change)
    return published[0] if published else None


def publish_rosters(rosters: list[tuple[Region, Program]], user, change: str) -> list[Notice]:
    """publish_roster for many villages at once (a re-calculation reaches hundreds): their
    cases and current versions read in a few statements, the new versions written in one
    flush. A village with no case on its roster and none published before gets nothing."""
    wanted = {(village.id, program) for village, program in rosters}
    cases: dict[tuple[int, Program], list[Case]] = {key: [] for key in wanted}
    previous: dict[tuple[int, Program], Notice] = {}
    village_ids = sorted({village_id for village_id, _ in wanted})
    programs = sorted({program for _, program in wanted})
    # Chunks keep each statement under the bound-parameter limits of SQLite and psycopg.
    for start in range(0, len(village_ids), CHUNK):
        chunk = village_ids[start : start + CHUNK]
        for case in db.session.scalars(
            select(Case)
            .where(Case.village_id.in_(chunk), Case.program.in_(programs))
            .where(Case.status.in_(ROSTER_STATUSES))
            .order_by(Case.village_id, Case.group_name, Case.id)
        ):
            cases.setdefault((case.village_id, case.program), []).append(case)
        for notice in db.session.scalars(
            select(Notice)
            .where(Notice.kind == NoticeKind.ROSTER, Notice.region_id.in_(chunk))
            .where(Notice.program.in_(programs), Notice.status == NoticeStatus.PUBLISHED)
            .where(not_superseded())
        ):
            previous[(notice.region_id, notice.program)] = notice
    reason = ROSTER_REASONS[change]
    today = local_today()
    published = []
    # Without autoflush: the regions each title reads and the policy each snapshot reads
    # would otherwise write the versions made so far, one small flush per village.
    with db.session.no_autoflush:
        for village, program in rosters:
            listed, before = cases[(village.id, program)], previous.get((village.id, program))
            if not listed and before is None:
                continue
            notice = Notice(
                kind=NoticeKind.ROSTER,
                program=program,
                region=village,
                title=title_for(NoticeKind.ROSTER, program, village, today),
                start_date=today,
                supersedes=before,
                supersede_reason=reason if before else None,
                prepared_by_id=user.id if user else None,
            )
            notice.entries = [NoticeEntry(case=c, line=i) for i, c in enumerate(listed, 1)]
            db.session.add(notice)
            published.append(notice)
        db.session.flush()
        for notice in published:
            listed = cases[(notice.region_id, notice.program)]
            freeze(notice, listed, user)
            audit_notice(AuditAction.PUBLISH, notice, user, note=reason, rows=len(listed))
    return published


@case_changed.connect
def _roster_follows_case(case: Case, *, user, change: str) -> None:
    """A change to an approved or active case, or its termination, is a new roster version."""
    if not in_batch() and _listed(case, change):
        publish_roster(case.village, case.program, user, change)


@cases_changed.connect
def _rosters_follow_cases(cases: list[Case], *, user, change: str) -> None:
    """Many cases changed together: one new version per village and program affected."""
    affected = {(c.village_id, c.program): c.village for c in cases if _listed(c, change)}
    publish_rosters(
        [(village, program) for (_, program), village in sorted(affected.items())], user, change
    )


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
