"""Entering a county's standards (保障标准) and reading their history."""

from datetime import date

from sqlalchemy import select

from noticeboard.audit import services as audit
from noticeboard.audit.models import AuditAction, register_references
from noticeboard.cases.standards import ZERO_ALLOWED, AssistanceStandard, StandardKind
from noticeboard.core.errors import DomainError, NotFound, ValidationFailed
from noticeboard.core.permissions import Action, can, require
from noticeboard.core.validation import FieldError, clean_amount, clean_month
from noticeboard.extensions import db
from noticeboard.notices.todo import Task, register_tasks
from noticeboard.regions.models import Region, RegionLevel


def county_of_user(user) -> Region:
    county = user.region.ancestor(RegionLevel.COUNTY)
    if county is None:  # every account lies under a county; a broken tree is not a 500
        raise NotFound("未找到所属县")
    return county


def history(county: Region) -> list[AssistanceStandard]:
    """Every standard of the county, confirmed or proposed, by kind and start month."""
    rows = db.session.scalars(
        select(AssistanceStandard)
        .where(AssistanceStandard.county_id == county.id)
        .order_by(AssistanceStandard.start_month.desc(), AssistanceStandard.id.desc())
    ).all()
    order = list(StandardKind)
    return sorted(rows, key=lambda s: order.index(s.kind))


def get_standard(user, standard_id: int) -> AssistanceStandard:
    """A standard of the user's own county; another county's answers NotFound."""
    standard = db.session.get(AssistanceStandard, standard_id)
    if standard is None or standard.county_id != county_of_user(user).id:
        raise NotFound("未找到该保障标准")
    return standard


def pending_of(county: Region, kind: StandardKind) -> AssistanceStandard | None:
    return db.session.scalar(
        select(AssistanceStandard).where(
            AssistanceStandard.county_id == county.id,
            AssistanceStandard.kind == kind,
            AssistanceStandard.confirmed_at.is_(None),
        )
    )


def latest_confirmed(county: Region, kind: StandardKind) -> AssistanceStandard | None:
    return db.session.scalar(
        select(AssistanceStandard)
        .where(AssistanceStandard.county_id == county.id, AssistanceStandard.kind == kind)
        .where(AssistanceStandard.confirmed_at.is_not(None))
        .order_by(AssistanceStandard.start_month.desc())
        .limit(1)
    )


def propose_standard(user, kind, amount, start_month, note: str = "") -> AssistanceStandard:
    """A new standard of the user's county, waiting for a second officer's confirmation
    after its preview (recalculation.preview)."""
    require(user, Action.SET_STANDARDS)
    county = county_of_user(user)
    errors: dict[str, list[str]] = {}
    if kind not in set(StandardKind):
        raise ValidationFailed({"kind": ["标准类别：请从列表中选择"]})
    kind = StandardKind(kind)
    try:
        amount = clean_amount(
            amount, f"{kind.label}（{kind.unit}）", allow_zero=kind in ZERO_ALLOWED
        )
    except FieldError as error:
        errors["amount"] = [str(error)]
    try:
        start_month = clean_month(start_month, "起始月份")
    except FieldError as error:
        errors["start_month"] = [str(error)]
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = ["依据文件：最多 200 个字"]
    if errors:
        raise ValidationFailed(errors)
    _check_start(county, kind, start_month)
    standard = AssistanceStandard(
        county_id=county.id,
        kind=kind,
        amount=amount,
        start_month=start_month,
        created_by_id=user.id,
        note=note or None,
    )
    db.session.add(standard)
    db.session.flush()
    audit_standard(AuditAction.CREATE, standard, user, note="待确认")
    db.session.commit()
    return standard


def _check_start(county: Region, kind: StandardKind, start_month: date) -> None:
    """The history only grows: one proposal of a kind at a time, after the latest start."""
    if (pending := pending_of(county, kind)) is not None:
        raise DomainError(
            f"{kind.label}已有一项待确认的调整（自 {pending.start_month:%Y-%m}），请先确认或撤销它",
            field="kind",
        )
    latest = latest_confirmed(county, kind)
    if latest is not None and start_month <= latest.start_month:
        raise ValidationFailed(
            {
                "start_month": [
                    f"起始月份：{kind.label}现行标准自 {latest.start_month:%Y-%m} 起执行，"
                    "新标准的起始月份须在其之后"
                ]
            }
        )


def discard_standard(user, standard_id: int) -> AssistanceStandard:
    """Withdraw a proposal that was never confirmed (a typing mistake); nothing changed."""
    require(user, Action.SET_STANDARDS)
    standard = get_standard(user, standard_id)
    if standard.is_confirmed:
        raise DomainError("该标准已确认执行，不能撤销；如需调整请录入新的标准")
    audit_standard(AuditAction.DELETE, standard, user, note="撤销待确认的标准")
    db.session.delete(standard)
    db.session.commit()
    return standard


def audit_standard(action: AuditAction, standard: AssistanceStandard, user, **entry) -> None:
    audit.record(
        action,
        "standard",
        standard.id,
        user=user,
        region_id=standard.county_id,
        after={"standard": standard.label},
        **entry,
    )


def standard_references(ids: list[int]) -> dict[int, str]:
    rows = db.session.scalars(select(AssistanceStandard).where(AssistanceStandard.id.in_(ids)))
    return {s.id: s.label for s in rows}


register_references("standard", standard_references)


def standards_to_confirm(user) -> list[Task]:
    """The county's 工作台 line: proposed standards waiting for a second officer."""
    if not can(user, Action.CONFIRM_STANDARD):
        return []
    waiting = db.session.scalars(
        select(AssistanceStandard).where(
            AssistanceStandard.county_id == county_of_user(user).id,
            AssistanceStandard.confirmed_at.is_(None),
        )
    ).all()
    mine = [s for s in waiting if not can(user, Action.CONFIRM_STANDARD, s)]
    return [
        Task(
            "待确认的保障标准调整",
            len(waiting) - len(mine),
            "standards.index",
            hint="核对调整预览后确认执行；本人录入的须由他人确认",
        )
    ]


register_tasks(standards_to_confirm)
