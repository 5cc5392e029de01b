"""The notice lifecycle: prepare, publish, withdraw and correct notices; long-term rosters;
temporary-assistance lists; approval and termination of cases."""

import enum
import json
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased, selectinload

from noticeboard.accounts.models import Role
from noticeboard.audit import services as audit
from noticeboard.cases.models import Case, CaseStatus, Program
from noticeboard.core.dates import CHINA, first_of_next_month, local_today
from noticeboard.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from noticeboard.core.logging import redact
from noticeboard.core.scope import region_in_scope, scope_clause
from noticeboard.core.types import utcnow
from noticeboard.extensions import db
from noticeboard.masking.services import policy_for
from noticeboard.notices import snapshot as snap
from noticeboard.notices.models import Notice, NoticeEntry, NoticeKind, NoticeStatus, Objection
from noticeboard.notices.periods import notice_period_end
from noticeboard.printing.fonts import MissingGlyphs, check_coverage
from noticeboard.regions.models import Region, RegionLevel

NOTICE_PROGRAMS = (Program.DIBAO, Program.TEKUN)
# Cases that may go into a new 7-day notice: new ones, and ones re-investigated after an
# upheld objection (重新公示).
NOTICEABLE_STATUSES = (CaseStatus.DRAFT, CaseStatus.INVESTIGATING)
ROSTER_STATUSES = (CaseStatus.APPROVED, CaseStatus.ACTIVE)
PUBLISHERS = (Role.REVIEWER, Role.ADMIN)
DECIDERS = (Role.COUNTY, Role.ADMIN)

# What a new roster version says publicly about why it replaced the last one; the case and
# the staff's reason stay in the audit log, since a reason can name people or circumstances.
ROSTER_REASONS = {
    "approved": "新增保障对象",
    "terminated": "保障对象退出",
    "changed": "保障信息调整",
}

TITLES = {
    (NoticeKind.PRE_APPROVAL, Program.DIBAO): "城乡最低生活保障拟保对象公示",
    (NoticeKind.PRE_APPROVAL, Program.TEKUN): "特困人员拟认定对象公示",
    (NoticeKind.ROSTER, Program.DIBAO): "城乡最低生活保障对象长期公示",
    (NoticeKind.ROSTER, Program.TEKUN): "特困人员救助供养对象长期公示",
    (NoticeKind.LINSHI_LIST, Program.LINSHI): "临时救助对象公示",
}


class NoticeState(enum.StrEnum):
    """What a notice is today; derived from its dates, so nothing waits for a timer."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    IN_FORCE = "in_force"
    ENDED = "ended"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return {
            "draft": "草稿",
            "scheduled": "待开始",
            "in_force": "公示中",
            "ended": "公示期满",
            "withdrawn": "已撤回",
            "superseded": "已被新版本取代",
        }[self.value]


# ---------------------------------------------------------------- state and visibility


def notice_state(notice: Notice, today: date | None = None) -> NoticeState:
    today = today or local_today()
    if notice.status == NoticeStatus.DRAFT:
        return NoticeState.DRAFT
    if notice.status == NoticeStatus.WITHDRAWN:
        return NoticeState.WITHDRAWN
    successor = notice.superseded_by
    if successor is not None and successor.status != NoticeStatus.DRAFT:
        return NoticeState.SUPERSEDED
    if notice.kind == NoticeKind.PRE_APPROVAL:
        if today < notice.start_date:
            return NoticeState.SCHEDULED
        return NoticeState.IN_FORCE if today <= notice.end_date else NoticeState.ENDED
    return NoticeState.IN_FORCE


def grace_days() -> int:
    return int(current_app.config.get("NOTICE_GRACE_DAYS", 30))


def in_public_view(notice: Notice, today: date | None = None) -> bool:
    """Residents see notices in force, and ended 7-day notices for the grace period after."""
    today = today or local_today()
    state = notice_state(notice, today)
    if state == NoticeState.IN_FORCE:
        return True
    return state == NoticeState.ENDED and today <= notice.end_date + timedelta(days=grace_days())


def public_notices(region: Region | None = None, today: date | None = None) -> list[Notice]:
    """Notices in public view, optionally those of one village or township (and above it)."""
    today = today or local_today()
    successor = aliased(Notice)
    query = (
        select(Notice)
        .join(Notice.region)
        .where(Notice.status == NoticeStatus.PUBLISHED)
        .where(
            ~exists().where(
                and_(successor.supersedes_id == Notice.id, successor.status != NoticeStatus.DRAFT)
            )
        )
        .where(
            (Notice.kind != NoticeKind.PRE_APPROVAL)
            | (Notice.end_date >= today - timedelta(days=grace_days()))
        )
        .where((Notice.start_date.is_(None)) | (Notice.start_date <= today))
        .order_by(Notice.published_at.desc(), Notice.id.desc())
    )
    if region is not None:
        # A village page also shows township-wide lists of its township.
        ancestors = [int(part) for part in region.path.strip("/").split("/")]
        query = query.where(Region.path.startswith(region.path) | Region.id.in_(ancestors))
    return [n for n in db.session.scalars(query) if in_public_view(n, today)]


def find_by_code(code: str) -> Notice | None:
    return db.session.scalar(
        select(Notice).where(Notice.verification_code == snap.normalise_code(code))
    )


# ---------------------------------------------------------------- helpers


def _township(region: Region) -> Region:
    return region.ancestor(RegionLevel.TOWNSHIP)


def _issuer(township: Region) -> str:
    suffix = "办事处" if township.name.endswith("街道") else "人民政府"
    return township.name + suffix


def uses_working_days(region: Region) -> bool:
    return bool(region.inherited("working_day_notices"))


def _title(kind: NoticeKind, program: Program, region: Region, month: date) -> str:
    township = _township(region)
    place = township.name + (region.name if region.id != township.id else "")
    return f"{place}{month.year}年{month.month}月{TITLES[(kind, program)]}"


def clean_public_reason(text: str, label: str, hint: str) -> str:
    """A reason printed on a public notice (更正说明): required, short, and never personal."""
    reason = (text or "").strip()
    if not 2 <= len(reason) <= 200:
        raise ValidationFailed({"reason": [f"{label}：{hint}（2 至 200 字）"]})
    if redact(reason) != reason:
        raise ValidationFailed(
            {"reason": [f"{label}：会在网上公开，不能写身份证号或电话号码，请删去"]}
        )
    return reason


def get_notice(user, notice_id: int) -> Notice:
    notice = db.session.scalar(
        select(Notice).join(Notice.region).where(Notice.id == notice_id, scope_clause(user))
    )
    if notice is None:
        raise NotFound("未找到该公示")
    return notice


def _scoped_region(user, region_id, levels: tuple[RegionLevel, ...], label: str) -> Region:
    region = db.session.get(Region, int(region_id)) if str(region_id or "").isdigit() else None
    if region is None or region.level not in levels or not region_in_scope(user, region):
        raise ValidationFailed({"region_id": [f"{label}：请从列表中选择本辖区的区划"]})
    return region


def _audit_notice(action: str, notice: Notice, user, note: str | None = None, **changes):
    after = {"title": notice.title, **{k: str(v) for k, v in changes.items()}}
    audit.record(
        action, "notice", notice.id, user=user, region_id=notice.region_id, after=after, note=note
    )


def set_case_status(case: Case, status: CaseStatus, user, note: str) -> None:
    before = {"status": case.status.label}
    case.status = status
    case.updated_by_id = user.id if user else None
    audit.record(
        "update",
        "case",
        case.id,
        user=user,
        region_id=case.village_id,
        before=before,
        after={"status": status.label},
        note=note,
    )


# ---------------------------------------------------------------- freezing


def build_snapshot(notice: Notice, cases: list[Case], channel: str) -> dict:
    """Exactly what the notice shows on `channel`, with that channel's masking applied."""
    policy = policy_for(channel)
    region = notice.region
    township = _township(region)
    county = region.ancestor(RegionLevel.COUNTY)
    rows = [snap.case_row(c, i, policy, notice.kind) for i, c in enumerate(cases, 1)]
    columns = snap.columns_for(notice.kind, notice.program)
    if policy.resident_id != "none":
        columns.insert(2, {"key": "resident_id", "label": "身份证号"})
    # The category column is shown only where the township uses categories (分类施保).
    if not any(row.get("category") for row in rows):
        columns = [c for c in columns if c["key"] != "category"]
    panel = (township.assessment_panel or "").split("\n") if township.assessment_panel else []
    return {
        "schema": snap.SCHEMA,
        "notice_id": notice.id,
        "kind": str(notice.kind),
        "program": str(notice.program),
        "channel": channel,
        "title": notice.title,
        "region": {
            "county": county.name,
            "township": township.name,
            "village": region.name if region.level == RegionLevel.VILLAGE else None,
        },
        "period": (
            {"start": notice.start_date.isoformat(), "end": notice.end_date.isoformat()}
            if notice.kind == NoticeKind.PRE_APPROVAL
            else None
        ),
        "month": f"{notice.month:%Y-%m}" if notice.month else None,
        "columns": columns,
        "rows": rows,
        "totals": snap.totals(cases) if cases else None,
        "phones": {"township": township.phone or "", "county": county.phone or ""},
        "panel": [name.strip() for name in panel if name.strip()],
        "objection_howto": snap.OBJECTION_HOWTO if notice.kind == NoticeKind.PRE_APPROVAL else "",
        "issuer": _issuer(township),
        "issued_on": notice.published_at.astimezone(CHINA).date().isoformat(),
        "supersedes": (
            {"notice_id": notice.supersedes_id, "reason": notice.supersede_reason}
            if notice.supersedes_id
            else None
        ),
    }


def _freeze(notice: Notice, cases: list[Case], user, day: date | None = None) -> None:
    """Publish: store both channels' snapshots and hashes. Nothing edits them afterwards."""
    # A given day (demo history) is issued that day, so "issued on" matches the period.
    notice.published_at = utcnow() if day is None else datetime.combine(day, time(9), CHINA)
    notice.published_by_id = user.id if user else None
    snapshots = {channel: build_snapshot(notice, cases, channel) for channel in ("online", "board")}
    for snapshot in snapshots.values():
        _check_printable(snapshot)
    online = snap.canonical_json(snapshots["online"])
    board = snap.canonical_json(snapshots["board"])
    notice.snapshot_online, notice.sha256_online = online, snap.sha256_hex(online)
    notice.snapshot_board, notice.sha256_board = board, snap.sha256_hex(board)
    notice.verification_code = snap.verification_code(notice.sha256_online)
    notice.status = NoticeStatus.PUBLISHED


def _check_printable(snapshot: dict) -> None:
    """Publish only what can be printed: a character no font has would print as tofu."""
    try:
        check_coverage(snapshot)
    except (MissingGlyphs, RuntimeError) as error:
        raise DomainError(str(error)) from None


def snapshot_of(notice: Notice, channel: str) -> dict:
    text = notice.snapshot_online if channel == "online" else notice.snapshot_board
    if text is None:
        raise DomainError("该公示尚未发布")
    return json.loads(text)


# ---------------------------------------------------------------- 7-day notices


def _notice_cases(notice: Notice) -> list[Case]:
    return [entry.case for entry in notice.entries]


def _cases_whose_latest_notice_is(notice: Notice) -> list[Case]:
    """Cases of `notice` not since listed on a newer notice (a re-notice after an objection)."""
    return [case for case in _notice_cases(notice) if latest_notice_of(case) == notice]


def prepare_notice(
    user,
    village_id,
    program: Program | str,
    case_ids: list[int],
    start: date | None = None,
    *,
    today: date | None = None,
) -> Notice:
    """A clerk drafts the 7-day notice of some cases of one village and program.

    `today` stands in for the calendar (demo history); it defaults to the real local day.
    """
    if user.role not in (Role.CLERK, Role.ADMIN):
        raise Forbidden("只有乡镇经办人可以拟定公示")
    village = _scoped_region(user, village_id, (RegionLevel.VILLAGE,), "村/社区")
    program = Program(program)
    if program not in NOTICE_PROGRAMS:
        raise ValidationFailed({"program": ["项目：拟保公示只用于低保和特困"]})
    # Demo history is prepared "on" its day too, so prepared-at never follows published-at.
    created_at = utcnow() if today is None else datetime.combine(today, time(8, 30), CHINA)
    today = today or local_today()
    start = start or today
    if start < today:
        raise ValidationFailed({"start_date": ["公示开始日期：不能早于今天"]})
    cases = _cases_for_notice(user, village, program, case_ids)
    notice = Notice(
        created_at=created_at,
        kind=NoticeKind.PRE_APPROVAL,
        program=program,
        region=village,
        status=NoticeStatus.DRAFT,
        title=_title(NoticeKind.PRE_APPROVAL, program, village, start),
        start_date=start,
        end_date=notice_period_end(start, uses_working_days(village)),
        prepared_by_id=user.id,
    )
    notice.entries = [NoticeEntry(case=c, line=i) for i, c in enumerate(cases, 1)]
    db.session.add(notice)
    db.session.flush()
    _audit_notice("create", notice, user, cases=len(cases))
    db.session.commit()
    return notice


def _cases_for_notice(user, village: Region, program: Program, case_ids) -> list[Case]:
    ids = sorted({int(i) for i in case_ids or []})
    if not ids:
        raise ValidationFailed({"case_ids": ["公示对象：请至少选择一个案件"]})
    cases = db.session.scalars(
        select(Case).join(Case.village).where(Case.id.in_(ids), scope_clause(user))
    ).all()
    problems = []
    found = {c.id for c in cases}
    problems += [f"案件 {i} 不存在或不在本辖区" for i in ids if i not in found]
    for case in cases:
        if case.village_id != village.id or case.program != program:
            problems.append(f"{case.reference} 不属于{village.name}的{program.label}")
        elif case.status not in NOTICEABLE_STATUSES:
            problems.append(f"{case.reference} 当前{case.status.label}，不能列入拟保公示")
    drafts = db.session.scalars(
        select(NoticeEntry)
        .join(NoticeEntry.notice)
        .where(NoticeEntry.case_id.in_(ids), Notice.status == NoticeStatus.DRAFT)
    ).all()
    problems += [f"案件 {e.case_id} 已在待发布的公示草稿 {e.notice_id} 中" for e in drafts]
    if problems:
        raise ValidationFailed({"case_ids": problems})
    return sorted(cases, key=lambda c: (c.group_name or "", c.id))


def publish_notice(user, notice_id: int, *, today: date | None = None) -> Notice:
    """A reviewer who neither prepared the notice nor entered its cases publishes it.

    `today` stands in for the calendar (demo history); it defaults to the real local day.
    """
    notice = get_notice(user, notice_id)
    if user.role not in PUBLISHERS:
        raise Forbidden("只有乡镇审核人可以发布公示")
    if notice.status != NoticeStatus.DRAFT:
        raise DomainError("该公示已发布或已撤回，不能再次发布")
    cases = _notice_cases(notice)
    makers = {notice.prepared_by_id, *(c.created_by_id for c in cases)}
    if user.id in makers:
        raise Forbidden("审核与经办不能是同一人：请由另一位审核人发布您拟定或录入的公示")
    if notice.kind == NoticeKind.PRE_APPROVAL:
        stale = [c.reference for c in cases if c.status not in NOTICEABLE_STATUSES]
        if stale:
            raise DomainError(f"以下案件状态已变化，请重新拟定公示：{'、'.join(stale)}")
        day = today or local_today()
        if notice.start_date < day:
            notice.start_date = day
            notice.title = _title(notice.kind, notice.program, notice.region, day)
        notice.end_date = notice_period_end(notice.start_date, uses_working_days(notice.region))
        for case in cases:
            set_case_status(case, CaseStatus.IN_NOTICE, user, f"公示 {notice.id}")
    _freeze(notice, cases, user, today)
    _audit_notice("publish", notice, user, verification_code=notice.verification_code)
    db.session.commit()
    return notice


def withdraw_notice(user, notice_id: int, reason: str) -> Notice:
    """Take a notice down, with the reason; its cases go back to be prepared again."""
    notice = get_notice(user, notice_id)
    # A clerk may throw away a draft of their own; taking down a published notice is the
    # reviewer's or the county's decision.
    own_draft = notice.status == NoticeStatus.DRAFT and notice.prepared_by_id == user.id
    if user.role not in (*PUBLISHERS, Role.COUNTY) and not own_draft:
        raise Forbidden("只有审核人或县级民政可以撤回公示")
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 500:
        raise ValidationFailed({"reason": ["撤回原因：请写明原因（2 至 500 字）"]})
    if notice.kind == NoticeKind.ROSTER:
        raise DomainError("长期公示随案件变化自动更新，不能撤回")
    if notice.status == NoticeStatus.DRAFT:
        original = notice.supersedes
        if original is not None and original.status == NoticeStatus.PUBLISHED:
            # A dropped correction leaves the original in force: its cases are in notice again.
            for case in _cases_whose_latest_notice_is(original):
                if case.status == CaseStatus.DRAFT:
                    set_case_status(case, CaseStatus.IN_NOTICE, user, f"更正草稿 {notice.id} 删除")
        _audit_notice("delete", notice, user, reason=reason)
        db.session.delete(notice)
        db.session.commit()
        return notice
    if notice_state(notice) not in (NoticeState.IN_FORCE, NoticeState.SCHEDULED, NoticeState.ENDED):
        raise DomainError("该公示已撤回或已被更正")
    held = _cases_whose_latest_notice_is(notice)  # before the withdrawal hides the notice
    notice.status = NoticeStatus.WITHDRAWN
    notice.withdrawn_at = utcnow()
    notice.withdrawn_reason = reason
    notice.withdrawn_by_id = user.id
    for case in held:
        if case.status == CaseStatus.IN_NOTICE:
            set_case_status(case, CaseStatus.DRAFT, user, f"公示 {notice.id} 撤回")
    _audit_notice("withdraw", notice, user, reason=reason)
    db.session.commit()
    return notice


def prepare_correction(user, notice_id: int, reason: str) -> Notice:
    """Draft a correction (更正) of a published notice; it supersedes the old one on publishing.

    The cases return to 待公示 so the clerk can fix them; the corrected notice restarts the
    7-day period, since residents must see the corrected figures for the full time.
    """
    old = get_notice(user, notice_id)
    if user.role not in (Role.CLERK, Role.ADMIN):
        raise Forbidden("只有乡镇经办人可以拟定更正公示")
    reason = clean_public_reason(reason, "更正原因", "请写明更正了什么、为什么")
    if old.kind != NoticeKind.PRE_APPROVAL or notice_state(old) not in (
        NoticeState.IN_FORCE,
        NoticeState.SCHEDULED,
    ):
        raise DomainError("只能更正公示期内的拟保公示")
    if old.superseded_by is not None:
        raise DomainError(f"该公示已有更正公示 {old.superseded_by.id}")
    cases = _notice_cases(old)
    for case in _cases_whose_latest_notice_is(old):
        if case.status == CaseStatus.IN_NOTICE:
            set_case_status(case, CaseStatus.DRAFT, user, f"公示 {old.id} 更正")
    today = local_today()
    notice = Notice(
        kind=old.kind,
        program=old.program,
        region=old.region,
        status=NoticeStatus.DRAFT,
        title=_title(old.kind, old.program, old.region, today),
        start_date=today,
        end_date=notice_period_end(today, uses_working_days(old.region)),
        supersedes=old,
        supersede_reason=reason,
        prepared_by_id=user.id,
    )
    notice.entries = [NoticeEntry(case=c, line=i) for i, c in enumerate(cases, 1)]
    db.session.add(notice)
    db.session.flush()
    _audit_notice("create", notice, user, note=f"更正公示 {old.id}", reason=reason)
    db.session.commit()
    return notice


def remove_from_draft(user, notice_id: int, case_id: int) -> Notice:
    if not user.can_edit_cases:
        raise Forbidden("只有乡镇经办人可以修改公示草稿")
    notice = get_notice(user, notice_id)
    if notice.status != NoticeStatus.DRAFT:
        raise DomainError("只能修改草稿公示")
    remaining = [e for e in notice.entries if e.case_id != case_id]
    if len(remaining) == len(notice.entries):
        raise NotFound("该案件不在此公示中")
    if not remaining:
        raise DomainError("公示至少要有一个对象；若都不需要，请删除草稿")
    notice.entries = remaining
    db.session.flush()
    for line, entry in enumerate(sorted(remaining, key=lambda e: e.line), 1):
        entry.line = -line  # two steps, so the unique (notice, line) holds at every flush
    db.session.flush()
    for entry in remaining:
        entry.line = -entry.line
    db.session.commit()
    return notice


# ---------------------------------------------------------------- long-term rosters


def current_roster(village: Region, program: Program) -> Notice | None:
    successor = aliased(Notice)
    return db.session.scalar(
        select(Notice)
        .where(Notice.kind == NoticeKind.ROSTER, Notice.region_id == village.id)
        .where(Notice.program == program, Notice.status == NoticeStatus.PUBLISHED)
        .where(~exists().where(successor.supersedes_id == Notice.id))
    )


def publish_roster(village: Region, program: Program, user, reason: str) -> Notice | None:
    """Publish the village's roster as it stands now; the previous version is superseded."""
    cases = db.session.scalars(
        select(Case)
        .where(Case.village_id == village.id, Case.program == program)
        .where(Case.status.in_(ROSTER_STATUSES))
        .order_by(Case.group_name, Case.id)
    ).all()
    previous = current_roster(village, program)
    if not cases and previous is None:
        return None
    today = local_today()
    notice = Notice(
        kind=NoticeKind.ROSTER,
        program=program,
        region=village,
        title=_title(NoticeKind.ROSTER, program, village, today),
        start_date=today,
        supersedes=previous,
        supersede_reason=reason if previous else None,
        prepared_by_id=user.id if user else None,
    )
    notice.entries = [NoticeEntry(case=c, line=i) for i, c in enumerate(cases, 1)]
    db.session.add(notice)
    db.session.flush()
    _freeze(notice, list(cases), user)
    _audit_notice("publish", notice, user, note=reason, rows=len(cases))
    return notice


def roster_versions(village: Region, program: Program) -> list[Notice]:
    return list(
        db.session.scalars(
            select(Notice)
            .where(Notice.kind == NoticeKind.ROSTER, Notice.region_id == village.id)
            .where(Notice.program == program)
            .order_by(Notice.id.desc())
        )
    )


# ---------------------------------------------------------------- temporary assistance lists


def publish_linshi_list(user, region_id, month: date, reason: str | None = None) -> Notice:
    """事后公示: the 临时救助 paid in `month` in a village or a whole township."""
    if user.role not in PUBLISHERS:
        raise Forbidden("只有乡镇审核人可以发布临时救助公示")
    region = _scoped_region(
        user, region_id, (RegionLevel.VILLAGE, RegionLevel.TOWNSHIP), "公示范围"
    )
    month = month.replace(day=1)
    if month > local_today():
        raise ValidationFailed({"month": ["月份：不能是将来的月份"]})
    cases = db.session.scalars(
        select(Case)
        .join(Case.village)
        .where(Case.program == Program.LINSHI, Region.path.startswith(region.path))
        .where(Case.paid_on >= month, Case.paid_on < first_of_next_month(month))
        .where(Case.status != CaseStatus.REJECTED)
        .order_by(Case.paid_on, Case.id)
        .options(selectinload(Case.village))
    ).all()
    if not cases:
        raise DomainError(f"{region.name}{month.year}年{month.month}月没有已发放的临时救助")
    successor = aliased(Notice)
    previous = db.session.scalar(
        select(Notice)
        .where(Notice.kind == NoticeKind.LINSHI_LIST, Notice.region_id == region.id)
        .where(Notice.month == month, Notice.status == NoticeStatus.PUBLISHED)
        .where(~exists().where(successor.supersedes_id == Notice.id))
    )
    if previous is not None:
        reason = clean_public_reason(reason, "更正原因", "本月已发布过公示，重新发布请写明更正原因")
    else:
        reason = None
    notice = Notice(
        kind=NoticeKind.LINSHI_LIST,
        program=Program.LINSHI,
        region=region,
        title=_title(NoticeKind.LINSHI_LIST, Program.LINSHI, region, month),
        month=month,
        start_date=local_today(),
        supersedes=previous,
        supersede_reason=reason,
        prepared_by_id=user.id,
    )
    notice.entries = [NoticeEntry(case=c, line=i) for i, c in enumerate(cases, 1)]
    db.session.add(notice)
    db.session.flush()
    _freeze(notice, list(cases), user)
    _audit_notice("publish", notice, user, rows=len(cases))
    db.session.commit()
    return notice


# ---------------------------------------------------------------- approval


def latest_notice_of(case: Case) -> Notice | None:
    """The newest published 7-day notice listing the case (withdrawn ones do not count)."""
    return db.session.scalar(
        select(Notice)
        .join(NoticeEntry, NoticeEntry.notice_id == Notice.id)
        .where(NoticeEntry.case_id == case.id, Notice.kind == NoticeKind.PRE_APPROVAL)
        .where(Notice.status == NoticeStatus.PUBLISHED)
        .order_by(Notice.published_at.desc(), Notice.id.desc())
    )


def approval_blocker(case: Case, today: date | None = None) -> str | None:
    """Why the case cannot be approved yet, or None when it can."""
    today = today or local_today()
    if case.status != CaseStatus.IN_NOTICE:
        return f"案件{case.status.label}，不在公示中"
    notice = latest_notice_of(case)
    if notice is None:
        return "案件没有已发布的公示"
    state = notice_state(notice, today)
    if state != NoticeState.ENDED:
        return f"{state.label}（{notice.end_date:%Y-%m-%d} 期满），期满后方可审批"
    listed_on = select(NoticeEntry.notice_id).where(NoticeEntry.case_id == case.id)
    open_anywhere = db.session.scalar(
        select(Objection.id)
        .where(Objection.notice_id.in_(listed_on), Objection.outcome.is_(None))
        .where((Objection.case_id == case.id) | Objection.case_id.is_(None))
        .limit(1)
    )
    if open_anywhere is not None:
        return "公示有未办结的异议"
    return None


def cases_in_notice(user) -> list[Case]:
    """Cases of the user's scope that are in a 7-day notice (waiting for its end or approval)."""
    return list(
        db.session.scalars(
            select(Case)
            .join(Case.village)
            .where(Case.status == CaseStatus.IN_NOTICE, scope_clause(user))
            .order_by(Case.id)
        )
    )


def approval_queue(user, today: date | None = None) -> list[tuple[Case, Notice]]:
    """Cases in the user's scope whose notice ended with no open objection."""
    return [
        (c, latest_notice_of(c))
        for c in cases_in_notice(user)
        if approval_blocker(c, today) is None
    ]


def _decide(user, case_id: int) -> Case:
    if user.role not in DECIDERS:
        raise Forbidden("只有县级民政部门可以审核确认")
    case = db.session.scalar(
        select(Case).join(Case.village).where(Case.id == case_id, scope_clause(user))
    )
    if case is None:
        raise NotFound("未找到该案件")
    return case


def approve_case(user, case_id: int, today: date | None = None) -> Case:
    """审核确认: benefits start the month after approval; the roster gets a new version."""
    today = today or local_today()
    case = _decide(user, case_id)
    if blocker := approval_blocker(case, today):
        raise DomainError(f"{case.reference} 暂不能审批：{blocker}")
    case.benefit_start = first_of_next_month(today)
    case.decided_at = utcnow()
    case.decided_by_id = user.id
    set_case_status(case, CaseStatus.APPROVED, user, f"自 {case.benefit_start:%Y-%m} 起享受")
    publish_roster(case.village, case.program, user, ROSTER_REASONS["approved"])
    db.session.commit()
    return case


def reject_case(user, case_id: int, reason: str) -> Case:
    case = _decide(user, case_id)
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 500:
        raise ValidationFailed({"reason": ["不予确认的理由：请写明理由（2 至 500 字）"]})
    if case.status not in (CaseStatus.IN_NOTICE, CaseStatus.INVESTIGATING):
        raise DomainError(f"{case.reference} {case.status.label}，不能作不予确认处理")
    if case.status == CaseStatus.IN_NOTICE and (blocker := approval_blocker(case)):
        raise DomainError(f"{case.reference} 暂不能审批：{blocker}")
    case.closing_reason = reason
    case.decided_at = utcnow()
    case.decided_by_id = user.id
    set_case_status(case, CaseStatus.REJECTED, user, reason)
    db.session.commit()
    return case


def terminate_case(user, case_id: int, reason: str) -> Case:
    """停保/终止供养 with the reason; the village roster gets a new version."""
    if user.role not in (Role.CLERK, Role.COUNTY, Role.ADMIN):
        raise Forbidden("没有终止案件的权限")
    case = db.session.scalar(
        select(Case).join(Case.village).where(Case.id == case_id, scope_clause(user))
    )
    if case is None:
        raise NotFound("未找到该案件")
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 500:
        raise ValidationFailed({"reason": ["终止原因：请写明原因（2 至 500 字）"]})
    if case.status not in ROSTER_STATUSES:
        raise DomainError(f"{case.reference} {case.status.label}，不能终止")
    case.closing_reason = reason
    set_case_status(case, CaseStatus.TERMINATED, user, reason)
    publish_roster(case.village, case.program, user, ROSTER_REASONS["terminated"])
    db.session.commit()
    return case


def case_changed(case: Case, user) -> None:
    """Called in an edit's transaction: a change to an approved or active case is a new
    roster version, published in the same commit as the edit (or not at all)."""
    if case.status in ROSTER_STATUSES and case.program in NOTICE_PROGRAMS:
        publish_roster(case.village, case.program, user, ROSTER_REASONS["changed"])


def activate_due(today: date | None = None) -> int:
    """Housekeeping: approved cases whose first benefit month has come become active."""
    today = today or local_today()
    due = db.session.scalars(
        select(Case).where(Case.status == CaseStatus.APPROVED, Case.benefit_start <= today)
    ).all()
    for case in due:
        set_case_status(case, CaseStatus.ACTIVE, None, "开始享受")
    db.session.commit()
    return len(due)


def ended_on(today: date) -> list[Notice]:
    """7-day notices whose last day was yesterday (for the housekeeping report)."""
    return list(
        db.session.scalars(
            select(Notice).where(
                Notice.kind == NoticeKind.PRE_APPROVAL,
                Notice.status == NoticeStatus.PUBLISHED,
                Notice.end_date == today - timedelta(days=1),
            )
        )
    )
