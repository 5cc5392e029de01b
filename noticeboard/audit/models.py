"""Audit entries; the app can add them but never change or delete them."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from noticeboard.core.crypto import EncryptedJSON
from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.types import UTCDateTime, utcnow
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
    # Who confirms a county's cases (regions/delegation.py).
    "confirmer_dibao": "低保审核确认",
    "confirmer_tekun": "特困审核确认",
}
# How each area names its records in the log, as staff know them (低保-000048 张*平, a
# notice's title): entity type → a function from ids to names, for a page of entries at once.
REFERENCES: dict[str, Callable[[list[int]], dict[int, str]]] = {}


def register_field_labels(labels: dict[str, str]) -> None:
    FIELD_LABELS.update(labels)


def register_references(entity_type: str, name_them: Callable[[list[int]], dict[int, str]]):
    REFERENCES[entity_type] = name_them


def shown_value(value) -> str:
    """A before/after value as the log shows it: lists (household members) on one line."""
    if value is None:
        return ""
    return "；".join(map(str, value)) if isinstance(value, list) else str(value)


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
    # The region the entity lives in, so audit views can be scoped like everything else.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
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


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_rewrite(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")
