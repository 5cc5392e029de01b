"""An uploaded spreadsheet of cases (案件导入), kept byte for byte until it is imported."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from noticeboard.cases.models import Program
from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.types import StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db
from noticeboard.regions.models import Region


class Purpose(LabelledStrEnum):
    """Chosen at upload: what the rows are."""

    ACTIVE = "active", "在保对象"  # approved before the system existed: active at once
    NEW = "new", "新申请"  # drafts, ready for a 7-day notice


class CaseImport(db.Model):
    """One uploaded file and what its check found.

    The bytes are kept, so the confirmation imports exactly the file that was checked and
    previewed; the SHA-256 is unique, so the same file cannot be imported twice.
    """

    __tablename__ = "case_imports"
    __table_args__ = (
        CheckConstraint(
            "(imported_at IS NULL) = (imported_by_id IS NULL)", name="imported_has_user"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The township the rows belong to: every village named in the file must lie in it.
    township_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    program: Mapped[Program] = mapped_column(StrEnumColumn(Program, 10))
    purpose: Mapped[Purpose] = mapped_column(StrEnumColumn(Purpose, 10))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # What the check found: counts per village, problems (row, column, message), notes.
    report: Mapped[dict] = mapped_column(JSON)
    rows: Mapped[int] = mapped_column(Integer)
    problems: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cases_created: Mapped[int | None] = mapped_column(Integer)

    township: Mapped[Region] = relationship()

    @property
    def makers(self) -> set[int]:
        return {self.created_by_id}

    @property
    def is_imported(self) -> bool:
        return self.imported_at is not None
