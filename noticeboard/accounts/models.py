"""Staff users."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from noticeboard.accounts.permissions import role_refusal
from noticeboard.accounts.roles import Role
from noticeboard.core.types import StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db
from noticeboard.regions.models import Region


class User(UserMixin, db.Model):
    __tablename__ = "users"

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

    def refusal(self, action, obj=None) -> str | None:
        """Why this user may not do `action` (on `obj`); asked by core.permissions."""
        return role_refusal(self, action, obj)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
