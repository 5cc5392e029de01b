"""Read-only queries behind the public pages: regions, and notices as residents see them.

Everything a public page shows about a notice comes from its frozen online snapshot
(snapshot_of(notice, "online")), never from the case rows, so the masking applied at
publication is all a resident can ever see.
"""

import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import segno
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from noticeboard.core.dates import CHINA, chinese_date, local_today
from noticeboard.core.errors import NotFound
from noticeboard.core.pages import Page, page_of_query
from noticeboard.extensions import db
from noticeboard.masking.rules import Channel
from noticeboard.notices import objections, snapshots
from noticeboard.notices import state as notice_states
from noticeboard.notices.models import PERIOD_KINDS, Notice, NoticeKind, NoticeStatus
from noticeboard.notices.periods import days_left
from noticeboard.notices.state import NoticeState
from noticeboard.regions.models import Region, RegionLevel


@dataclass(frozen=True)
class PublicNotice:
    """A published notice as the public pages, the API and the feed present it."""

    notice: Notice
    content: dict  # the online snapshot
    state: NoticeState
    today: date

    @property
    def id(self) -> int:
        return self.notice.id

    @property
    def kind(self) -> NoticeKind:
        return NoticeKind(self.content["kind"])

    @property
    def title(self) -> str:
        return self.content["title"]

    @property
    def region_text(self) -> str:
        region = self.content["region"]
        return "".join(region[key] or "" for key in ("county", "township", "village"))

    @property
    def start(self) -> date | None:
        period = self.content["period"]
        return date.fromisoformat(period["start"]) if period else None

    @property
    def end(self) -> date | None:
        period = self.content["period"]
        return date.fromisoformat(period["end"]) if period else None

    @property
    def period_text(self) -> str | None:
        """公示期 as printed: 2026年11月2日至2026年11月8日."""
        return f"{chinese_date(self.start)}至{chinese_date(self.end)}" if self.start else None

    @property
    def start_text(self) -> str | None:
        return chinese_date(self.start) if self.start else None

    @property
    def month_text(self) -> str | None:
        month = self.content["month"]
        return f"{month[:4]}年{int(month[5:7])}月" if month else None

    @property
    def issued_on_text(self) -> str:
        return chinese_date(date.fromisoformat(self.content["issued_on"]))

    @property
    def days_left(self) -> int | None:
        """Days still to run, today included, for a 7-day notice in force."""
        if not self.kind.has_period or self.state != NoticeState.IN_FORCE:
            return None
        return days_left(self.end, self.today)

    @property
    def ended_on_text(self) -> str | None:
        if self.state != NoticeState.ENDED or self.end is None:
            return None
        return chinese_date(self.end)

    @property
    def withdrawn_on_text(self) -> str | None:
        # Only the date: the reason was written for staff and may name people.
        withdrawn_at = self.notice.withdrawn_at
        return chinese_date(_local_date(withdrawn_at)) if withdrawn_at else None

    @property
    def in_public_view(self) -> bool:
        return notice_states.in_public_view(self.notice, self.today)

    @property
    def changes_on(self) -> date | None:
        """The next day on which this notice reads differently by the calendar alone (it may
        also change any time by a correction, a new roster version or a withdrawal)."""
        if not self.kind.has_period:
            return None
        if self.state == NoticeState.SCHEDULED:
            return self.start
        if self.state == NoticeState.IN_FORCE:
            return self.today + timedelta(days=1)  # 还剩 N 天 counts down; after the end, 期满
        if self.state == NoticeState.ENDED:
            leaves = self.end + timedelta(days=notice_states.grace_days() + 1)
            return leaves if leaves > self.today else None
        return None

    @property
    def accepts_objections(self) -> bool:
        return self.kind.has_period and self.state == NoticeState.IN_FORCE

    @property
    def summary(self) -> str:
        """One sentence for link previews and search engines: the notice, its totals and
        dates, never a name or an ID."""
        content = self.content
        totals = content["totals"] or {}
        count = totals.get("households", 0)
        unit = {"dibao": "户", "tekun": "人", "linshi": "人次"}[content["program"]]
        figures = f"共 {count} {unit}"
        if totals.get("persons"):
            figures += f" {totals['persons']} 人"
        if totals.get("amount"):
            per = "" if self.kind == NoticeKind.LINSHI_LIST else "每月"
            figures += f"，{per}合计 {Decimal(totals['amount']):,.2f} 元"
        when = f"公示期{self.period_text}" if self.period_text else None
        if self.month_text:
            when = f"{self.month_text}发放"
        parts = [figures, when]
        if self.accepts_objections:
            parts.append("公示期内可在线提出异议")
        return f"{self.title}：" + "，".join(part for part in parts if part) + "。"

    @property
    def successor(self) -> "PublicNotice | None":
        """The version now in force that replaced this one, if residents can read it."""
        latest = _latest_version(self.notice)
        if latest is self.notice:
            return None
        found = present(latest, self.today)
        return found if found.in_public_view else None


def present(notice: Notice, today: date | None = None) -> PublicNotice:
    today = today or local_today()
    return PublicNotice(
        notice=notice,
        content=snapshots.snapshot_of(notice, Channel.ONLINE),
        state=notice_states.notice_state(notice, today),
        today=today,
    )


def _local_date(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def _latest_version(notice: Notice) -> Notice:
    """Follow the corrections (更正) and roster versions to the newest published one."""
    while notice.superseded_by is not None and notice.superseded_by.status != NoticeStatus.DRAFT:
        notice = notice.superseded_by
    return notice


# ---------------------------------------------------------------- regions


def townships() -> list[Region]:
    return list(
        db.session.scalars(
            select(Region).where(Region.level == RegionLevel.TOWNSHIP).order_by(Region.path)
        )
    )


def region_of_level(region_id: int, level: RegionLevel) -> Region:
    """The region with that id, if it is of `level`; anything else is a 404."""
    region = db.session.get(Region, region_id)
    if region is None or region.level != level:
        raise NotFound("未找到该区划")
    return region


# ---------------------------------------------------------------- boards


@dataclass(frozen=True)
class VillageBoard:
    """A village's notices in public view, in the order residents look for them."""

    pre_approval: list[PublicNotice]
    rosters: list[PublicNotice]
    linshi_lists: list[PublicNotice]
    terminations: list[PublicNotice]

    @property
    def is_empty(self) -> bool:
        return not (self.pre_approval or self.rosters or self.linshi_lists or self.terminations)


def village_board(village: Region, today: date | None = None) -> VillageBoard:
    today = today or local_today()
    shown = _summaries(notice_states.public_notices_query(village, today), today)

    def of_kind(kind: NoticeKind) -> list[PublicNotice]:
        return [p for p in shown if p.kind == kind]

    def open_first(kind: NoticeKind) -> list[PublicNotice]:
        # Notices still open for objections first: that is what a resident can act on.
        return sorted(of_kind(kind), key=lambda p: p.days_left is None)

    return VillageBoard(
        open_first(NoticeKind.PRE_APPROVAL),
        of_kind(NoticeKind.ROSTER),
        of_kind(NoticeKind.LINSHI_LIST),
        open_first(NoticeKind.TERMINATION),
    )


@dataclass(frozen=True)
class TownshipBoard:
    villages: list[tuple[Region, int]]  # each village with the count its page shows
    township_lists: list[PublicNotice]  # township-wide 临时救助 lists


def township_board(township: Region, today: date | None = None) -> TownshipBoard:
    today = today or local_today()
    shown = notice_states.public_notices(township, today)
    counts = Counter(notice.region_id for notice in shown)
    township_lists = [present(n, today) for n in shown if n.region_id == township.id]
    # A village page lists the township-wide lists too, so they count for every village.
    villages = [
        (v, counts[v.id] + len(township_lists))
        for v in township.children
        if v.level == RegionLevel.VILLAGE
    ]
    return TownshipBoard(villages, township_lists)


@dataclass(frozen=True)
class NoticeFilter:
    """What the open-data list narrows to, besides the region; None: any."""

    program: str | None = None
    kind: str | None = None
    state: str | None = None  # in_force or ended: the states a public notice can be in
    since: date | None = None  # published on or after this day (Beijing time)


PUBLIC_STATES = (NoticeState.IN_FORCE, NoticeState.ENDED)


def listed_notices_page(
    region: Region | None, number: int | None, filters: NoticeFilter | None = None
) -> Page:
    """One page of the notices in public view (API_PAGE_SIZE a page) as lists show them: their
    summaries, not their rows (a whole county's snapshots were 750 KB to parse). The order
    (newest published first, then the highest id) is total, so pages never overlap."""
    today = local_today()
    size = current_app.config["API_PAGE_SIZE"]
    query = notice_states.public_notices_query(region, today)
    if filters is not None:
        query = _filtered(query, filters, today)
    return page_of_query(query, number, size, load=lambda q: _summaries(q, today))


def _filtered(query, filters: NoticeFilter, today: date):
    if filters.program:
        query = query.where(Notice.program == filters.program)
    if filters.kind:
        query = query.where(Notice.kind == filters.kind)
    if filters.since:
        start = datetime.combine(filters.since, datetime.min.time(), CHINA)
        query = query.where(Notice.published_at >= start)
    # As notice_state decides: only a 7-day notice ends; the others are in force until replaced.
    ended = Notice.kind.in_(PERIOD_KINDS) & (Notice.end_date < today)
    if filters.state == NoticeState.ENDED:
        query = query.where(ended)
    elif filters.state == NoticeState.IN_FORCE:
        query = query.where(~ended)
    return query


def _summaries(query, today: date) -> list[PublicNotice]:
    """The notices `query` selects, in its order, as lists show them. Their ids come first:
    sorting whole notice rows made SQLite carry every snapshot through the sort (65 ms for
    the county's list of 1,500 notices, against 7 ms for their ids)."""
    ids = list(db.session.scalars(query.with_only_columns(Notice.id).options()))
    chosen = (
        select(Notice)
        .where(Notice.id.in_(ids))
        .options(selectinload(Notice.superseded_by), selectinload(Notice.region))
    )
    notices = {n.id: n for n in db.session.scalars(snapshots.with_summaries(chosen))}
    return [
        PublicNotice(
            notices[i],
            snapshots.summary_of(notices[i]),
            notice_states.notice_state(notices[i], today),
            today,
        )
        for i in ids
    ]


# ---------------------------------------------------------------- one notice


def public_notice(notice_id: int, today: date | None = None) -> PublicNotice:
    """A notice residents may read today; drafts, withdrawn, superseded and expired are 404."""
    today = today or local_today()
    notice = db.session.get(Notice, notice_id)
    if notice is None or not notice_states.in_public_view(notice, today):
        raise NotFound("未找到该公示")
    return present(notice, today)


def verify_code(code: str, today: date | None = None) -> PublicNotice | None:
    """The published notice with this verification code (核验码), whatever its state."""
    notice = notice_states.find_by_code(code)  # drafts have no code, so a match is published
    return present(notice, today) if notice is not None else None


def qr_svg(url: str) -> bytes:
    """A QR code of `url` as a standalone SVG, to print or scan from the screen."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=4, border=4, xmldecl=False, title="本公示网址"
    )
    return out.getvalue()


# ---------------------------------------------------------------- objection receipts


@dataclass(frozen=True)
class ReceiptStatus:
    """All a resident learns from a receipt number: never the investigation or contacts."""

    receipt_no: str
    notice_title: str
    raised_on: str
    outcome: str | None
    resolved_on: str | None


def receipt_status(receipt: str) -> ReceiptStatus | None:
    objection = objections.lookup_receipt(receipt)
    if objection is None:
        return None
    return ReceiptStatus(
        receipt_no=objection.receipt_no,
        notice_title=snapshots.snapshot_of(objection.notice, Channel.ONLINE)["title"],
        raised_on=chinese_date(_local_date(objection.created_at)),
        outcome=objection.outcome.label if objection.outcome else None,
        resolved_on=chinese_date(_local_date(objection.resolved_at))
        if objection.resolved_at
        else None,
    )
