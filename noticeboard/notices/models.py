"""Notices, the cases each one lists, and objections raised against them."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from noticeboard.cases.models import Case, Program
from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.types import StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db
from noticeboard.regions.models import Confirmer, Region


class NoticeKind(LabelledStrEnum):
    PRE_APPROVAL = "pre_approval", "拟保对象公示"  # 7 days
    ROSTER = "roster", "长期公示"
    LINSHI_LIST = "linshi_list", "临时救助公示"  # 事后公示
    TERMINATION = "termination", "终止公示"  # 7 days before a termination takes effect

    @property
    def has_period(self) -> bool:
        """A 7-day notice that ends, takes objections and then waits for a decision."""
        return self in PERIOD_KINDS


PERIOD_KINDS = (NoticeKind.PRE_APPROVAL, NoticeKind.TERMINATION)


class NoticeStatus(LabelledStrEnum):
    """What is stored; the state residents see (in force, ended, superseded) is derived."""

    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Notice(db.Model):
    """One notice. Once published, its snapshot is frozen: only a withdrawal may be added."""

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint(
            "status = 'draft' OR (snapshot_online IS NOT NULL AND sha256_online IS NOT NULL"
            " AND verification_code IS NOT NULL AND published_at IS NOT NULL)",
            name="published_has_snapshot",
        ),
        CheckConstraint(
            "kind != 'pre_approval' OR end_date IS NULL OR end_date >= start_date",
            name="period_ordered",
        ),
        # The dashboard's sections (notices current by kind) and its latest lists.
        Index("ix_notices_kind_status_end_date", "kind", "status", "end_date"),
        Index("ix_notices_status_published_at", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(StrEnumColumn(NoticeKind, 20), index=True)
    program: Mapped[Program] = mapped_column(StrEnumColumn(Program, 10))
    # A village; a township for township-wide temporary-assistance lists.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    status: Mapped[NoticeStatus] = mapped_column(
        StrEnumColumn(NoticeStatus, 10), default=NoticeStatus.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    month: Mapped[date | None] = mapped_column(Date)  # first day of the listed month
    # A correction names the notice it replaces, with the reason (更正说明).
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), unique=True)
    supersede_reason: Mapped[str | None] = mapped_column(String(500))

    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A draft a reviewer sent back to its clerk, with what to change; it cannot be published
    # until the clerk resubmits it (which clears these).
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_note: Mapped[str | None] = mapped_column(String(500))

    # Canonical JSON of exactly what each channel shows, and its SHA-256 (hex).
    snapshot_online: Mapped[str | None] = mapped_column(Text)
    sha256_online: Mapped[str | None] = mapped_column(String(64))
    snapshot_board: Mapped[str | None] = mapped_column(Text)
    sha256_board: Mapped[str | None] = mapped_column(String(64))
    # What lists show of the online snapshot (snapshots.summary_text), frozen with it.
    summary_online: Mapped[str | None] = mapped_column(Text)
    verification_code: Mapped[str | None] = mapped_column(String(12), unique=True)

    region: Mapped[Region] = relationship()
    entries: Mapped[list["NoticeEntry"]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="NoticeEntry.line"
    )
    supersedes: Mapped["Notice | None"] = relationship(
        remote_side=[id], back_populates="superseded_by"
    )
    superseded_by: Mapped["Notice | None"] = relationship(back_populates="supersedes")
    prepared_by = relationship("User", foreign_keys=[prepared_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])

    @property
    def is_draft(self) -> bool:
        return self.status == NoticeStatus.DRAFT

    @property
    def cases(self) -> list[Case]:
        """The listed cases, in line order."""
        return [entry.case for entry in self.entries]

    @property
    def makers(self) -> set[int | None]:
        """Users who prepared the notice or entered one of its cases (maker/checker: none of
        them may publish it)."""
        return {self.prepared_by_id, *(case.created_by_id for case in self.cases)}

    def __repr__(self) -> str:
        return f"<Notice {self.id} {self.kind} {self.program} {self.status}>"


class NoticeEntry(db.Model):
    """A case listed on a notice, with its line number (序号) as printed."""

    __tablename__ = "notice_entries"
    __table_args__ = (
        UniqueConstraint("notice_id", "line", name="uq_notice_entries_notice_line"),
        UniqueConstraint("notice_id", "case_id", name="uq_notice_entries_notice_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)

    notice: Mapped[Notice] = relationship(back_populates="entries")
    case: Mapped[Case] = relationship()


class ObjectionChannel(LabelledStrEnum):
    ONLINE = "online", "网上提出"
    PHONE = "phone", "电话反映"
    VISIT = "visit", "来访反映"


class ObjectionOutcome(LabelledStrEnum):
    UPHELD = "upheld", "异议成立"
    NOT_UPHELD = "not_upheld", "异议不成立"


class Objection(db.Model):
    """An objection (异议) against a notice, optionally naming a line. Open until resolved.

    The contact name and phone are for staff only and never leave staff pages.
    """

    __tablename__ = "objections"
    __table_args__ = (
        CheckConstraint("(outcome IS NULL) = (resolved_at IS NULL)", name="resolved_has_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    line: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    receipt_no: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[ObjectionChannel] = mapped_column(StrEnumColumn(ObjectionChannel, 10))
    text: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(80))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    investigation: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[ObjectionOutcome | None] = mapped_column(StrEnumColumn(ObjectionOutcome, 12))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    notice: Mapped[Notice] = relationship()
    case: Mapped[Case | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.outcome is None

    @property
    def makers(self) -> set[int | None]:
        """Who entered the case the objection is about (any case of the notice when it names
        no line): they do not investigate it."""
        if self.case is not None:
            return {self.case.created_by_id}
        return self.notice.makers


class TerminationOutcome(LabelledStrEnum):
    CONFIRMED = "confirmed", "已确认终止"
    DROPPED = "dropped", "终止不予执行"


class Termination(db.Model):
    """A termination (终止) that waits for its 7-day termination notice: the case stays in
    force (on the roster, paid) until the decision-maker confirms it after the notice ended
    with no open objection; an upheld objection or a withdrawn notice drops it, with a note."""

    __tablename__ = "terminations"
    __table_args__ = (
        CheckConstraint("(outcome IS NULL) = (decided_at IS NULL)", name="decided_has_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), unique=True)
    # As told to the household, like a case's closing_reason; never printed on the notice.
    reason: Mapped[str] = mapped_column(String(500))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[TerminationOutcome | None] = mapped_column(
        StrEnumColumn(TerminationOutcome, 10)
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_under: Mapped[Confirmer | None] = mapped_column(StrEnumColumn(Confirmer, 10))
    note: Mapped[str | None] = mapped_column(String(500))

    case: Mapped[Case] = relationship()
    notice: Mapped[Notice] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.outcome is None


class PublishedNoticeIsImmutable(RuntimeError):
    pass


# After publication only the withdrawal may be recorded; everything shown stays as it was.
WITHDRAWAL_COLUMNS = frozenset({"status", "withdrawn_at", "withdrawn_reason", "withdrawn_by_id"})


@event.listens_for(Notice, "before_update")
def _freeze_published(mapper, connection, target: Notice):
    state = inspect(target)
    previous = state.attrs.status.history.deleted
    old_status = NoticeStatus(previous[0]) if previous else target.status
    if old_status == NoticeStatus.DRAFT:
        return
    changed = {
        attr.key for attr in mapper.column_attrs if state.attrs[attr.key].history.has_changes()
    }
    withdrawing = old_status == NoticeStatus.PUBLISHED and target.status == NoticeStatus.WITHDRAWN
    if changed - (WITHDRAWAL_COLUMNS if withdrawing else frozenset()):
        raise PublishedNoticeIsImmutable(f"notice {target.id} is published and cannot change")


@event.listens_for(Notice, "before_delete")
def _keep_published(mapper, connection, target: Notice):
    if target.status != NoticeStatus.DRAFT:
        raise PublishedNoticeIsImmutable(f"notice {target.id} is published and cannot be deleted")


@event.listens_for(NoticeEntry, "before_update")
@event.listens_for(NoticeEntry, "before_delete")
def _freeze_entries(mapper, connection, target: NoticeEntry):
    if target.notice is not None and target.notice.status != NoticeStatus.DRAFT:
        raise PublishedNoticeIsImmutable("the lines of a published notice cannot change")
