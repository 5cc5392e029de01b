"""The masking policy an administrator set for each channel (printed board, online)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from noticeboard.core.types import StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db
from noticeboard.masking.rules import Channel


class ChannelPolicy(db.Model):
    __tablename__ = "masking_policies"
    channel: Mapped[Channel] = mapped_column(StrEnumColumn(Channel, 10), primary_key=True)
    policy: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
