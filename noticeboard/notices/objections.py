"""Objections (异议): raised by residents online or recorded by staff, then investigated."""

import secrets

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from noticeboard.audit import services as audit
from noticeboard.audit.models import AuditAction, register_field_labels, register_references
from noticeboard.cases.lifecycle import set_case_status
from noticeboard.cases.models import CaseStatus
from noticeboard.core.errors import DomainError, NotFound, ValidationFailed
from noticeboard.core.permissions import Action, require
from noticeboard.core.types import utcnow
from noticeboard.core.validation import FieldError, clean_name, clean_phone, parse_id
from noticeboard.extensions import db
from noticeboard.notices.models import (
    Notice,
    NoticeKind,
    NoticeStatus,
    Objection,
    ObjectionChannel,
    ObjectionOutcome,
)
from noticeboard.notices.state import NoticeState, get_notice, notice_state
from noticeboard.notices.terminations import drop_terminations
from noticeboard.regions.models import Region
from noticeboard.regions.scope import scope_clause

TEXT_MIN, TEXT_MAX = 5, 1000
# No 0/O or 1/I, so a receipt read out over the phone is not misheard.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def objection_references(ids: list[int]) -> dict[int, str]:
    """Objections as the audit log names them: by their receipt number (回执号)."""
    rows = db.session.execute(
        select(Objection.id, Objection.receipt_no).where(Objection.id.in_(ids))
    )
    return {objection_id: f"异议 {receipt}" for objection_id, receipt in rows}


register_references("objection", objection_references)
register_field_labels({"notice": "公示", "line": "行号", "channel": "渠道", "outcome": "处理结果"})


def _new_receipt() -> str:
    return "YY-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


def normalise_receipt(text: str) -> str:
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return "YY-" + cleaned[2:] if cleaned.startswith("YY") else cleaned


def _clean(notice: Notice, text: str, name: str, phone: str, line) -> dict:
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    if not TEXT_MIN <= len(text) <= TEXT_MAX:
        errors["text"] = [f"异议内容：请写明情况，{TEXT_MIN} 至 {TEXT_MAX} 字"]
    values = {"text": text, "contact_name": None, "contact_phone": None, "line": None}
    if (name or "").strip():
        try:
            values["contact_name"] = clean_name(name, "您的姓名")
        except FieldError as error:
            errors["name"] = [str(error)]
    try:
        values["contact_phone"] = clean_phone(phone, "联系电话")
    except FieldError as error:
        errors["phone"] = [str(error)]
    if str(line or "").strip():
        lines = {e.line: e for e in notice.entries}
        number = parse_id(line)
        if number not in lines:
            errors["line"] = [f"序号：请填写公示表中的序号（1 至 {len(lines)}），或留空"]
        else:
            values["line"] = number
            values["case_id"] = lines[number].case_id
    if errors:
        raise ValidationFailed(errors)
    return values


def raise_objection(notice_id: int, text: str, name: str = "", phone: str = "", line=None):
    """A resident's objection on the public page, only while the notice is in force."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or not notice.kind.has_period:
        raise NotFound("未找到该公示")
    if notice_state(notice) != NoticeState.IN_FORCE:
        raise DomainError("该公示不在公示期内，不能在线提出异议；如有情况请向乡镇或县民政局反映")
    values = _clean(notice, text, name, phone, line)
    return _store(notice, ObjectionChannel.ONLINE, values, None)


def record_objection(user, notice_id: int, channel: str, text: str, name="", phone="", line=None):
    """Staff record an objection received by phone or in person."""
    require(user, Action.RECORD_OBJECTION)
    notice = get_notice(user, notice_id)
    if not notice.kind.has_period or notice.status != NoticeStatus.PUBLISHED:
        raise DomainError("只能对已发布的拟保公示或终止公示登记异议")
    if channel not in (ObjectionChannel.PHONE, ObjectionChannel.VISIT):
        raise ValidationFailed({"channel": ["来源：请选择电话反映或来访反映"]})
    values = _clean(notice, text, name, phone, line)
    return _store(notice, ObjectionChannel(channel), values, user)


def _store(notice: Notice, channel: ObjectionChannel, values: dict, user) -> Objection:
    objection = Objection(
        notice_id=notice.id,
        channel=channel,
        receipt_no=_new_receipt(),
        recorded_by_id=user.id if user else None,
        **values,
    )
    db.session.add(objection)
    db.session.flush()
    # The audit log is staff-only, but it still gets no contact details: they are not changes.
    audit.record(
        AuditAction.CREATE,
        "objection",
        objection.id,
        user=user,
        region_id=notice.region_id,
        after={"notice": str(notice.id), "line": objection.line, "channel": channel.label},
    )
    db.session.commit()
    return objection


def objections_in_scope(user, notice_id: int | None = None, only_open: bool = False) -> Select:
    """Objections of the user's scope, newest first (of one notice, or only open ones)."""
    query = (
        select(Objection)
        .join(Objection.notice)
        .join(Region, Region.id == Notice.region_id)
        .where(scope_clause(user))
        .order_by(Objection.created_at.desc())
        .options(selectinload(Objection.notice))
    )
    if notice_id is not None:
        query = query.where(Objection.notice_id == notice_id)
    if only_open:
        query = query.where(Objection.outcome.is_(None))
    return query


def get_objection(user, objection_id: int) -> Objection:
    objection = db.session.get(Objection, objection_id)
    if objection is None:
        raise NotFound("未找到该异议")
    get_notice(user, objection.notice_id)  # scope check: another township's answers 404
    return objection


def resolve_objection(
    user, objection_id: int, outcome: str, investigation: str, case_id: int | None = None
) -> Objection:
    """Record the investigation and outcome. Upheld: the case goes back to investigation,
    or, on a termination notice, stays in force (the termination is dropped)."""
    objection = get_objection(user, objection_id)
    require(user, Action.RESOLVE_OBJECTION, objection)
    if not objection.is_open:
        raise DomainError(f"异议 {objection.receipt_no} 已办结")
    errors: dict[str, list[str]] = {}
    if outcome not in set(ObjectionOutcome):
        errors["outcome"] = ["办理结果：请选择异议成立或不成立"]
    investigation = (investigation or "").strip()
    if not 5 <= len(investigation) <= 2000:
        errors["investigation"] = ["调查核实情况：请写明核实经过和结论（5 至 2000 字）"]
    target_case_id = objection.case_id or parse_id(case_id)
    entries = {e.case_id: e for e in objection.notice.entries}
    if outcome == ObjectionOutcome.UPHELD and target_case_id not in entries:
        errors["case_id"] = ["涉及对象：异议成立时请选择公示表中涉及的对象"]
    if errors:
        raise ValidationFailed(errors)
    objection.outcome = ObjectionOutcome(outcome)
    objection.investigation = investigation
    objection.resolved_at = utcnow()
    objection.resolved_by_id = user.id
    if outcome == ObjectionOutcome.UPHELD:
        objection.case_id = target_case_id
        case = entries[target_case_id].case
        # 待公示 too: a case in a correction draft is still the one the objection is about.
        upheld = f"异议 {objection.receipt_no} 成立"
        if objection.notice.kind == NoticeKind.TERMINATION:
            drop_terminations(objection.notice, user, f"{upheld}，继续保障", case.id)
        elif case.status in (CaseStatus.IN_NOTICE, CaseStatus.DRAFT):
            set_case_status(case, CaseStatus.INVESTIGATING, user, upheld)
    audit.record(
        AuditAction.UPDATE,
        "objection",
        objection.id,
        user=user,
        region_id=objection.notice.region_id,
        before={"outcome": None},
        after={"outcome": objection.outcome.label},
    )
    db.session.commit()
    return objection


def lookup_receipt(receipt: str) -> Objection | None:
    return db.session.scalar(
        select(Objection).where(Objection.receipt_no == normalise_receipt(receipt))
    )
