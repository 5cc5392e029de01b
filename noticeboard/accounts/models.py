"""Staff users."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from noticeboard.core.types import StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel


class Role(enum.StrEnum):
    CLERK = "clerk"
    REVIEWER = "reviewer"
    COUNTY = "county"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            "clerk": "乡镇经办人",
            "reviewer": "乡镇审核人",
            "county": "县级民政",
            "admin": "系统管理员",
        }[self.value]

    @property
    def region_level(self) -> RegionLevel:
        """The level of region an account with this role is bound to."""
        if self in (Role.CLERK, Role.REVIEWER):
            return RegionLevel.TOWNSHIP
        return RegionLevel.COUNTY


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('clerk', 'reviewer', 'county', 'admin')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(StrEnumColumn(Role, 10))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions of disabled accounts
        return self.is_enabled

    @property
    def can_edit_cases(self) -> bool:
        return self.role in (Role.CLERK, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
