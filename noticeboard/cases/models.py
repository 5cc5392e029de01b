"""Case, its household members and the per-program amount ceilings."""

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from noticeboard.audit.models import register_field_labels
from noticeboard.core.crypto import Digest, Encrypted, EncryptedJSON, id_index, tail_index
from noticeboard.core.dates import CHINA
from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.types import Money, StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db
from noticeboard.regions.models import Confirmer, Region


class Program(LabelledStrEnum):
    DIBAO = "dibao", "低保"
    TEKUN = "tekun", "特困"
    LINSHI = "linshi", "临时救助"

    @property
    def long_label(self) -> str:
        return {
            "dibao": "最低生活保障",
            "tekun": "特困人员救助供养",
            "linshi": "临时救助",
        }[self.value]


class CaseStatus(LabelledStrEnum):
    DRAFT = "draft", "待公示"
    IN_NOTICE = "in_notice", "公示中"
    INVESTIGATING = "investigating", "复查中"
    APPROVED = "approved", "已审批"
    ACTIVE = "active", "保障中"
    TERMINATED = "terminated", "已停止"
    REJECTED = "rejected", "未通过"


# A person may hold only one open 低保/特困 case; these statuses count as open.
OPEN_STATUSES = (
    CaseStatus.DRAFT,
    CaseStatus.IN_NOTICE,
    CaseStatus.INVESTIGATING,
    CaseStatus.APPROVED,
    CaseStatus.ACTIVE,
)

# Closed for good: their personal data is kept RETENTION_YEARS after closing, then erased.
CLOSED_STATUSES = (CaseStatus.TERMINATED, CaseStatus.REJECTED)

# Cases can be edited while being prepared or re-investigated, and when an active case's
# amount changes; a case in notice is frozen until the notice ends or is withdrawn.
EDITABLE_STATUSES = (
    CaseStatus.DRAFT,
    CaseStatus.INVESTIGATING,
    CaseStatus.APPROVED,
    CaseStatus.ACTIVE,
)
# Cases that may go into a new 7-day notice: new ones, and ones re-investigated after an
# upheld objection (重新公示).
NOTICEABLE_STATUSES = (CaseStatus.DRAFT, CaseStatus.INVESTIGATING)
# Cases listed on the village's long-term roster (长期公示).
ROSTER_STATUSES = (CaseStatus.APPROVED, CaseStatus.ACTIVE)
# Programs with a 7-day notice before approval and a long-term roster after it.
NOTICE_PROGRAMS = (Program.DIBAO, Program.TEKUN)


DIBAO_AREAS = {"urban": "城市", "rural": "农村"}
DIBAO_CATEGORIES = ("A类", "B类", "C类")
TEKUN_MODES = {"dispersed": "分散供养", "centralised": "集中供养"}
SELF_CARE_LEVELS = {"full": "全自理", "partial": "半护理", "none": "全护理"}
LINSHI_TYPES = {"emergency": "急难型", "expenditure": "支出型"}
LINSHI_REASONS = (
    "突发重大疾病",
    "火灾",
    "交通事故",
    "自然灾害",
    "意外事故",
    "医疗支出",
    "教育支出",
    "其他生活必需支出",
)
RELATIONS = ("配偶", "子女", "父母", "祖父母", "孙子女", "兄弟姐妹", "其他")


# 近亲属 as the Civil Code counts them (民法典第一千零四十五条).
NEAR_RELATIONS = ("配偶", "父母", "子女", "兄弟姐妹", "祖父母", "外祖父母", "孙子女", "外孙子女")


class NearRelativePost(LabelledStrEnum):
    """Whose near relative the applicant or a member is (《最低生活保障审核确认办法》Art. 11)."""

    STAFF = "staff", "社会救助经办人员"
    COMMITTEE = "committee", "村（居）民委员会成员"


# Names of case fields as staff read them, for forms, the audit log and messages.
CASE_FIELD_LABELS = {
    "status": "状态",
    "village": "村/社区",
    "group_name": "组",
    "applicant_name": "姓名/户主",
    "applicant_id_number": "身份证号",
    "applicant_phone": "联系电话",
    "address": "详细地址",
    "dibao_area": "城乡类别",
    "dibao_category": "保障类别",
    "persons_covered": "保障人数",
    "monthly_amount": "月保障金额",
    "income_per_person": "家庭月人均收入",
    "frequent_review": "每半年核查",
    "amount_override_reason": "金额调整原因",
    "tekun_mode": "供养方式",
    "self_care": "生活自理能力",
    "basic_amount": "基本生活标准",
    "care_amount": "照料护理标准",
    "linshi_type": "救助类型",
    "amount": "救助金额",
    "paid_on": "发放日期",
    "reason_category": "救助事由",
    "members": "家庭成员",
    "ceiling": "金额上限",
    "benefit_start": "享受起始",
    "closing_reason": "原因",
    "refusal_told_on": "书面告知日期",
    "emergency_reason": "先行救助理由",
    "person_name": "申请人或家庭成员",
    "staff_name": "工作人员或村（居）委会成员姓名",
    "post": "身份",
    "workplace": "单位及职务",
    "relation": "亲属关系",
    "visited_on": "入户核查日期",
    "visitors": "核查人员",
    "finding": "核查情况",
}
register_field_labels(CASE_FIELD_LABELS)


class Case(db.Model):
    """One application of one program: a 低保 household, a 特困 person or a 临时救助 payment.

    The applicant is the head of household (户主) for 低保 and the person for 特困/临时救助.
    Program-specific columns are empty for the other programs; the checks below keep each
    program's required fields present in the database itself.
    """

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(
            "program != 'dibao' OR (dibao_area IS NOT NULL AND persons_covered >= 1"
            " AND monthly_amount > 0)",
            name="dibao_fields",
        ),
        CheckConstraint(
            "program != 'tekun' OR (tekun_mode IS NOT NULL AND self_care IS NOT NULL"
            " AND basic_amount > 0 AND care_amount >= 0)",
            name="tekun_fields",
        ),
        CheckConstraint(
            "program != 'linshi' OR (linshi_type IS NOT NULL AND amount > 0"
            " AND reason_category IS NOT NULL)",
            name="linshi_fields",
        ),
        # 先行救助 is a 临时救助 already paid; its paperwork is completed only after that.
        CheckConstraint(
            "emergency_reason IS NULL OR (program = 'linshi' AND paid_on IS NOT NULL)",
            name="emergency_first_paid",
        ),
        CheckConstraint(
            "(paperwork_done_at IS NULL) = (paperwork_done_by_id IS NULL)"
            " AND (paperwork_done_at IS NULL OR emergency_reason IS NOT NULL)",
            name="paperwork_after_emergency",
        ),
        # Statistics: 临时救助 paid in a month, and cases approved in a month, without
        # reading every case of the county.
        # (With what tells a standing payment and its village and amount: a county's year
        # of 临时救助 is read from the index alone.)
        Index(
            "ix_cases_program_paid_on",
            "program",
            "paid_on",
            "status",
            "village_id",
            "amount",
            "decided_under",
            "decided_at",
            "emergency_reason",
        ),
        Index("ix_cases_decided_at", "decided_at"),
        # A scope's counts (工作台: overdue, waiting for a notice, 先行救助) read the scope's
        # villages first, then only their cases of a status or program; the case list's
        # count of a program and status, from this index alone (migration 0033).
        Index("ix_cases_village_status_program", "village_id", "status", "program"),
        Index("ix_cases_village_program", "village_id", "program"),
        # The retention run: cases closed before a day, not yet erased.
        Index("ix_cases_closed_at", "closed_at"),
        # Due reviews (定期核查): a range of anchors, answered from the index alone.
        Index(
            "ix_cases_review_anchor",
            "review_anchor",
            "status",
            "program",
            "frequent_review",
            "village_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program: Mapped[Program] = mapped_column(StrEnumColumn(Program, 10), index=True)
    status: Mapped[CaseStatus] = mapped_column(
        StrEnumColumn(CaseStatus, 20), default=CaseStatus.DRAFT, index=True
    )
    village_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    group_name: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    applicant_name: Mapped[str] = mapped_column(String(80), index=True)
    # Encrypted at rest (core/crypto.py); found through the keyed indexes of the whole ID
    # and of its end, kept from it below. Empty once erased after the retention period.
    applicant_id_number: Mapped[str | None] = mapped_column(Encrypted)
    applicant_id_index: Mapped[str | None] = mapped_column(Digest, index=True)
    applicant_id_tail: Mapped[str | None] = mapped_column(Digest, index=True)
    applicant_phone: Mapped[str | None] = mapped_column(Encrypted)
    address: Mapped[str | None] = mapped_column(Encrypted)

    # 低保
    dibao_area: Mapped[str | None] = mapped_column(String(10))
    dibao_category: Mapped[str | None] = mapped_column(String(10))
    persons_covered: Mapped[int | None] = mapped_column(Integer)
    monthly_amount: Mapped[Decimal | None] = mapped_column(Money)
    # 家庭月人均收入: recorded, the 补差 rule gives the amount and a new standard re-calculates
    # it; without it a re-calculation lists the household for a manual review.
    income_per_person: Mapped[Decimal | None] = mapped_column(Money)
    # 特困
    tekun_mode: Mapped[str | None] = mapped_column(String(12))
    self_care: Mapped[str | None] = mapped_column(String(10))
    basic_amount: Mapped[Decimal | None] = mapped_column(Money)
    care_amount: Mapped[Decimal | None] = mapped_column(Money)
    # Why a 特困 person's amounts differ from the standards in force (and are left alone
    # when a standard changes).
    amount_override_reason: Mapped[str | None] = mapped_column(String(200))
    # 临时救助
    linshi_type: Mapped[str | None] = mapped_column(String(12))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    paid_on: Mapped[date | None] = mapped_column(Date)
    reason_category: Mapped[str | None] = mapped_column(String(20))
    # 先行救助: paid first in an emergency, with the reason; the paperwork and the township's
    # approval follow within EMERGENCY_PAPERWORK_WORKING_DAYS (cases/emergency.py).
    emergency_reason: Mapped[str | None] = mapped_column(String(200))
    paperwork_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paperwork_done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # Reviewed every six months instead of twelve: irregular income or members able to
    # work (《最低生活保障审核确认办法》第三十一条).
    frequent_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The day the review clock counts from (review_anchor below), kept on the row so that a
    # county's due reviews are one range of an index instead of a date computed for each of
    # its 73,000 roster cases; written on every insert and update (_keep_review_anchor).
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_anchor: Mapped[date | None] = mapped_column(Date)

    # Approval (审核确认) and its end: benefits start the month after approval.
    benefit_start: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Under which of the county's choices it was decided (regions/delegation.py).
    decided_under: Mapped[Confirmer | None] = mapped_column(StrEnumColumn(Confirmer, 10))
    # Why a case was rejected or terminated (停保原因), as told to the household.
    closing_reason: Mapped[str | None] = mapped_column(String(500))
    # The day the township handed the applicant the written refusal with its reason
    # (cases/deadlines.py: within 3 working days of the decision).
    refusal_told_on: Mapped[date | None] = mapped_column(Date)
    # When it was terminated or rejected (停保/不予确认); its personal data is erased
    # RETENTION_YEARS later (cases/retention.py), when `erased_at` is set: the case stays,
    # anonymous, for the statistics.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    village: Mapped[Region] = relationship()
    members: Mapped[list["CaseMember"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseMember.position"
    )

    near_relatives: Mapped[list["NearRelative"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="NearRelative.id"
    )
    home_visits: Mapped[list["HomeVisit"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="HomeVisit.visited_on"
    )

    # Optimistic locking: every UPDATE checks the version it read, so a second editor working
    # from an older copy fails instead of overwriting the first one's save.
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    @validates("applicant_id_number")
    def _keep_indexes(self, _key, value: str | None) -> str | None:
        self.applicant_id_index, self.applicant_id_tail = id_index(value), tail_index(value)
        return value

    @property
    def makers(self) -> set[int]:
        """Who entered the case: never the one who confirms its 先行救助 paperwork."""
        return {self.created_by_id}

    @property
    def listed_amount(self) -> Decimal | None:
        """The amount a notice lists for the case: per month for 低保 (the household's amount)
        and 特困 (basic + care), the one-off payment for 临时救助."""
        if self.program == Program.DIBAO:
            return self.monthly_amount
        if self.program == Program.TEKUN:
            return (self.basic_amount or Decimal(0)) + (self.care_amount or Decimal(0))
        return self.amount

    @property
    def reference(self) -> str:
        """Case number as staff quote it, e.g. 低保-000123."""
        return f"{self.program.label}-{self.id:06d}"

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.program} {self.status}>"


def review_anchor(
    last_reviewed_on: date | None,
    decided_at: datetime | None,
    benefit_start: date | None,
    created_at: datetime,
) -> date:
    """What the periodic review (定期核查) counts from: the last review, else the approval
    (审核确认), else the first benefit month of a recipient taken over from before the
    system, else the entry; Beijing days. standards/reviews.py adds 12 (or 6) months."""
    if last_reviewed_on is not None:
        return last_reviewed_on
    if decided_at is not None:
        return decided_at.astimezone(CHINA).date()
    if benefit_start is not None:
        return benefit_start
    return created_at.astimezone(CHINA).date()


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _keep_review_anchor(_mapper, _connection, case: Case) -> None:
    if case.created_at is None:
        case.created_at = utcnow()
    case.review_anchor = review_anchor(
        case.last_reviewed_on, case.decided_at, case.benefit_start, case.created_at
    )


class CaseMember(db.Model):
    """A member of a 低保 household other than the head (家庭成员). Never published."""

    __tablename__ = "case_members"
    __table_args__ = (
        UniqueConstraint("case_id", "id_number_index", name="uq_case_members_case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(80))
    id_number: Mapped[str | None] = mapped_column(Encrypted)
    id_number_index: Mapped[str | None] = mapped_column(Digest, index=True)
    id_number_tail: Mapped[str | None] = mapped_column(Digest, index=True)
    relation: Mapped[str] = mapped_column(String(10))
    covered: Mapped[bool] = mapped_column(Boolean, default=True)

    case: Mapped[Case] = relationship(back_populates="members")

    @validates("id_number")
    def _keep_indexes(self, _key, value: str | None) -> str | None:
        self.id_number_index, self.id_number_tail = id_index(value), tail_index(value)
        return value


class NearRelative(db.Model):
    """近亲属备案: the applicant or a member is a near relative of social-assistance staff or
    of a village/community committee member. Registered separately, never published (a
    notice shows at most that the case is registered, where the county chooses)."""

    __tablename__ = "near_relatives"
    __table_args__ = (
        CheckConstraint(
            "relation IN (" + ", ".join(f"'{r}'" for r in NEAR_RELATIONS) + ")",
            name="relation_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # The applicant or the member who is the relative.
    person_name: Mapped[str] = mapped_column(String(80))
    staff_name: Mapped[str] = mapped_column(String(80))
    post: Mapped[NearRelativePost] = mapped_column(StrEnumColumn(NearRelativePost, 10))
    workplace: Mapped[str] = mapped_column(String(60))
    relation: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="near_relatives")


class HomeVisit(db.Model):
    """入户核查 by the county of a case with a near-relative registration, before anyone
    decides it (《最低生活保障审核确认办法》Art. 20)."""

    __tablename__ = "home_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    visitors: Mapped[str] = mapped_column(String(100))
    finding: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="home_visits")


class ProgramLimit(db.Model):
    """Sanity ceiling of the amount per program (上限), set by an administrator."""

    __tablename__ = "program_limits"
    __table_args__ = (CheckConstraint("ceiling > 0", name="ceiling_positive"),)

    program: Mapped[Program] = mapped_column(StrEnumColumn(Program, 10), primary_key=True)
    ceiling: Mapped[Decimal] = mapped_column(Money)


DEFAULT_CEILINGS = {
    Program.DIBAO: Decimal("10000.00"),  # per household and month
    Program.TEKUN: Decimal("5000.00"),  # basic + care, per person and month
    Program.LINSHI: Decimal("50000.00"),  # one payment
}


class ChangeOutcome(LabelledStrEnum):
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已退回"


class CaseChange(db.Model):
    """A change to a case on the long-term roster, waiting for a second person (待审核变更).

    The clerk's edit is validated and kept here; it reaches the case, and the public roster,
    only when a reviewer who did not make it confirms it (maker/checker).
    """

    __tablename__ = "case_changes"
    __table_args__ = (
        CheckConstraint("(outcome IS NULL) = (decided_at IS NULL)", name="decided_has_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # The case's version the clerk edited; a case changed since makes the change stale.
    base_version: Mapped[int] = mapped_column(Integer)
    # The validated values and members, as the service applies them (IDs and phones among
    # them, hence encrypted).
    proposed: Mapped[dict] = mapped_column(EncryptedJSON)
    # {field: [before, after]} as staff read them, for the reviewer's page.
    changes: Mapped[dict] = mapped_column(EncryptedJSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[ChangeOutcome | None] = mapped_column(StrEnumColumn(ChangeOutcome, 10))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(500))

    case: Mapped[Case] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.outcome is None

    @property
    def makers(self) -> set[int]:
        return {self.created_by_id}


class CaseNameGram(db.Model):
    """Every two-character piece of the names in a case (applicant and members), so that a
    search for part of a name is an index lookup, on SQLite and PostgreSQL alike, instead of
    a LIKE '%…%' over every case. Kept by `cases/name_grams.py` on every flush."""

    __tablename__ = "case_name_grams"

    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True
    )
