"""Temporary-assistance lists (临时救助事后公示): who was paid in a month, per village or
township, published after payment."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from noticeboard.audit.models import AuditAction
from noticeboard.cases.linshi_approval import paid_and_standing
from noticeboard.cases.models import Case, Program
from noticeboard.core.dates import first_of_next_month, local_today
from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.core.permissions import Action, require
from noticeboard.core.validation import FieldError, clean_month
from noticeboard.extensions import db
from noticeboard.notices.models import Notice, NoticeEntry, NoticeKind, NoticeStatus
from noticeboard.notices.snapshots import audit_notice, clean_public_reason, freeze, title_for
from noticeboard.notices.state import not_superseded
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import chosen_region


def publish_linshi_list(user, region_id, month: date | str, reason: str | None = None) -> Notice:
    """事后公示: the 临时救助 paid in `month` in a village or a whole township."""
    require(user, Action.PUBLISH_LINSHI_LIST)
    region = chosen_region(user, region_id, (RegionLevel.VILLAGE, RegionLevel.TOWNSHIP), "公示范围")
    try:
        month = clean_month(month, "救助发放月份")
    except FieldError as error:
        raise ValidationFailed({"month": [str(error)]}) from None
    if month > local_today():
        raise ValidationFailed({"month": ["月份：不能是将来的月份"]})
    cases = db.session.scalars(
        select(Case)
        .join(Case.village)
        .where(Case.program == Program.LINSHI, Region.path.startswith(region.path))
        .where(Case.paid_on >= month, Case.paid_on < first_of_next_month(month))
        .where(paid_and_standing())
        .order_by(Case.paid_on, Case.id)
        .options(selectinload(Case.village))
    ).all()
    if not cases:
        raise DomainError(f"{region.name}{month.year}年{month.month}月没有已发放的临时救助")
    previous = db.session.scalar(
        select(Notice)
        .where(Notice.kind == NoticeKind.LINSHI_LIST, Notice.region_id == region.id)
        .where(Notice.month == month, Notice.status == NoticeStatus.PUBLISHED)
        .where(not_superseded())
    )
    if previous is not None:
        reason = clean_public_reason(reason, "更正原因", "本月已发布过公示，重新发布请写明更正原因")
    else:
        reason = None
    notice = Notice(
        kind=NoticeKind.LINSHI_LIST,
        program=Program.LINSHI,
        region=region,
        title=title_for(NoticeKind.LINSHI_LIST, Program.LINSHI, region, month),
        month=month,
        start_date=local_today(),
        supersedes=previous,
        supersede_reason=reason,
        prepared_by_id=user.id,
    )
    notice.entries = [NoticeEntry(case=c, line=i) for i, c in enumerate(cases, 1)]
    db.session.add(notice)
    db.session.flush()
    freeze(notice, list(cases), user)
    audit_notice(AuditAction.PUBLISH, notice, user, rows=len(cases))
    db.session.commit()
    return notice
