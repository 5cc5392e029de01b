"""Staff users."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
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
    # Raised to end every session of the account at once (logout, new password, disabled):
    # a session carries the generation it started in, and an older one is refused.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    region: Mapped[Region] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions of disabled accounts
        return self.is_enabled

    def get_id(self) -> str:
        """The session token (Flask-Login's "alternative token"): id and session generation."""
        return f"{self.id}:{self.session_generation}"

    def refusal(self, action, obj=None) -> str | None:
        """Why this user may not do `action` (on `obj`); asked by core.permissions."""
        return role_refusal(self, action, obj)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
