"""The masking policy an administrator set for each channel (printed board, online)."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from noticeboard.core.types import UTCDateTime, utcnow
from noticeboard.extensions import db


class ChannelPolicy(db.Model):
    __tablename__ = "masking_policies"
    __table_args__ = (CheckConstraint("channel IN ('board', 'online')", name="channel_known"),)

    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    policy: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
