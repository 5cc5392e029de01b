"""Audit entries and the access log (who saw whose personal data); the app can add them but
never change or delete them."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from noticeboard.core.crypto import EncryptedJSON
from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.types import StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db


class AuditAction(LabelledStrEnum):
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    PUBLISH = "publish", "发布"
    WITHDRAW = "withdraw", "撤回"
    # Changes of a case's status, each under its own name rather than as a 修改.
    APPROVE = "approve", "审核确认"
    REJECT = "reject", "不予确认"
    TERMINATE = "terminate", "终止"
    ACTIVATE = "activate", "开始享受"
    INVESTIGATE = "investigate", "转入复查"
    EXPORT = "export", "导出"
    RETURN = "return", "退回修改"
    RESUBMIT = "resubmit", "重新提交"
    CONFIRM = "confirm", "确认"
    REVIEW = "review", "定期核查"
    # Personal data erased after the retention period (cases/retention.py).
    ERASE = "erase", "删除个人信息"


ENTITY_LABELS = {
    "case": "案件",
    "notice": "公示",
    "objection": "异议",
    "region": "区划",
    "masking_policy": "脱敏规则",
    "program_limit": "金额上限",
    "standard": "保障标准",
    "review_setting": "核查设置",
    "audit_log": "操作日志",
    "case_import": "案件导入",
    "export": "导出",
    "holiday_year": "节假日安排",
}
# Field names as staff read them; each area registers its own, since the
# audit log sits below the areas whose changes it records.
FIELD_LABELS: dict[str, str] = {
    "note": "备注",
    "rows": "行数",
    "filters": "筛选条件",
    # A township's notice settings (regions/services.py), recorded by audit/services.py.
    "phone": "监督电话",
    "working_day_notices": "公示期计算",
    "assessment_panel": "评议小组成员",
    "near_relative_column": "公示中的近亲属备案栏",
    # Who confirms a county's cases (regions/delegation.py).
    "confirmer_dibao": "低保审核确认",
    "confirmer_tekun": "特困审核确认",
    "termination_dibao": "低保终止方式",
    "linshi_township_limit": "临时救助乡镇审批限额",
}
# How each area names its records in the log, as staff know them (低保-000048 张*平, a
# notice's title): entity type → a function from ids to names, for a page of entries at once.
REFERENCES: dict[str, Callable[[list[int]], dict[int, str]]] = {}


def register_field_labels(labels: dict[str, str]) -> None:
    FIELD_LABELS.update(labels)


def register_references(entity_type: str, name_them: Callable[[list[int]], dict[int, str]]):
    REFERENCES[entity_type] = name_them


# Fields whose values the log pages and the CSV show masked, with how to mask them: the log
# is read in bulk, the full values are on the case page behind a logged reveal. Each area
# registers its own (cases: IDs, phone, address, members).
MASKED_FIELDS: dict[str, Callable[[str], str]] = {}


def register_masked_fields(masks: dict[str, Callable[[str], str]]) -> None:
    MASKED_FIELDS.update(masks)


def shown_value(value, key: str | None = None) -> str:
    """A before/after value as the log shows it: lists (household members) on one line; with
    its field's key, masked when that field holds personal data."""
    if value is None:
        return ""
    text = "；".join(map(str, value)) if isinstance(value, list) else str(value)
    mask = MASKED_FIELDS.get(key or "")
    return mask(text) if mask and text else text


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    # A record's history is read by its type and id (347,000 entries at 100,000 cases).
    __table_args__ = (Index("ix_audit_entries_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The name is copied so the history still reads right if the account is renamed.
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(20))
    entity_type: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int] = mapped_column(Integer)
    # The region the entity lives in, so audit views can be scoped like everything else;
    # indexed for the log's count of a scope's entries (migration 0032).
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    # {field: [before, after]}; values are strings or lists as shown to staff. Encrypted:
    # a case's before/after holds its IDs, phone and address.
    changes: Mapped[dict] = mapped_column(EncryptedJSON, default=dict)
    note: Mapped[str | None] = mapped_column(String(500))

    @property
    def action_label(self) -> str:
        return AuditAction(self.action).label if self.action in set(AuditAction) else self.action

    @property
    def entity_label(self) -> str:
        return ENTITY_LABELS.get(self.entity_type, self.entity_type)

    @staticmethod
    def field_label(key: str) -> str:
        return FIELD_LABELS.get(key, key)


class AuditLogIsAppendOnly(RuntimeError):
    pass


class AccessKind(LabelledStrEnum):
    VIEW = "view", "查看"  # a page that shows full values by itself (the case form)
    REVEAL = "reveal", "显示完整信息"
    EXPORT = "export", "导出"


# The personal data an access shows in full (《个人信息保护法》第五十一条: who saw what).
ACCESS_FIELDS = {
    "name": "姓名",
    "id_number": "身份证号",
    "member_id_numbers": "家庭成员身份证号",
    "phone": "联系电话",
    "address": "详细地址",
}


class DataAccess(db.Model):
    """One page view, reveal or export that showed full resident IDs, phones or addresses:
    which fields, never their values (the log must not become a copy of the data)."""

    __tablename__ = "data_access_log"
    # Read by staff member and by case (the log page), and by time (the hourly alert).
    __table_args__ = (
        Index("ix_data_access_log_user_at", "user_id", "at"),
        Index("ix_data_access_log_case_at", "case_id", "at"),
        CheckConstraint("identifiers >= 0", name="identifiers_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(80))
    kind: Mapped[AccessKind] = mapped_column(StrEnumColumn(AccessKind, 10))
    # No foreign key: the log outlives a deleted draft case, as the audit log does.
    case_id: Mapped[int | None] = mapped_column(Integer)
    # The case's village, or the exporter's region: scoped like the audit log.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    fields: Mapped[list] = mapped_column(JSON, default=list)
    # Full resident IDs shown (a household's head and members; an export's rows): the
    # alert counts these.
    identifiers: Mapped[int] = mapped_column(Integer, default=0)
    # The client's address (REMOTE_ADDR, or the proxy's X-Forwarded-For with TRUSTED_PROXIES).
    client_address: Mapped[str | None] = mapped_column(String(45))
    # Why an export was made, as the exporter stated it.
    purpose: Mapped[str | None] = mapped_column(String(200))

    @property
    def kind_label(self) -> str:
        return AccessKind(self.kind).label

    @property
    def field_labels(self) -> str:
        return "、".join(ACCESS_FIELDS.get(key, key) for key in self.fields or [])


class AccessAlert(db.Model):
    """An account that saw more full resident IDs within an hour than ACCESS_ALERT_PER_HOUR:
    recorded once per hour of excess, for the administrator and the county to look into."""

    __tablename__ = "access_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    identifiers: Mapped[int] = mapped_column(Integer)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
@event.listens_for(DataAccess, "before_update")
@event.listens_for(DataAccess, "before_delete")
def _refuse_rewrite(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")
