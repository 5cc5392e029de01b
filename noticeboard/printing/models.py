"""PDFs rendered from published notices, kept so each is rendered at most once."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from noticeboard.core.types import StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db
from noticeboard.masking.rules import Channel


class RenderedPdf(db.Model):
    """One PDF of one published notice, per channel and paper format.

    A published notice never changes, so neither does its PDF: the first render is stored
    with its SHA-256 and served from here afterwards.
    """

    __tablename__ = "rendered_pdfs"
    __table_args__ = (
        UniqueConstraint("notice_id", "channel", "paper", name="uq_rendered_pdfs_notice_format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    channel: Mapped[Channel] = mapped_column(StrEnumColumn(Channel, 10))
    paper: Mapped[str] = mapped_column(String(20))
    # The snapshot the PDF was made from (its SHA-256 is printed on the board copy).
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
