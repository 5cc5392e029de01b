"""A job's state, progress and result, kept in the app's own database so that every web
worker (and every app machine) shows the same progress; the queue only says what to run."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from noticeboard.accounts.models import User
from noticeboard.core.enums import LabelledStrEnum
from noticeboard.core.types import StrEnumColumn, UTCDateTime, utcnow
from noticeboard.extensions import db
from noticeboard.regions.models import Region


class JobStatus(LabelledStrEnum):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Which handler runs it (jobs/registry.py), e.g. "batch_print".
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    # The handler's arguments, as the form gave them (ids and choices, no personal data).
    params: Mapped[dict] = mapped_column(JSON)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Whose work it is: staff whose scope covers this region see the job (a colleague can
    # pick up a batch print); anybody else gets 404.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    status: Mapped[JobStatus] = mapped_column(
        StrEnumColumn(JobStatus, 10), default=JobStatus.QUEUED
    )
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # What the person who started it reads when it failed (never a traceback).
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_mimetype: Mapped[str | None] = mapped_column(String(100))
    result: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship()
    region: Mapped[Region] = relationship()

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class WorkerBeat(db.Model):
    """A job worker's last sign of life (every few seconds), for /readyz."""

    __tablename__ = "job_workers"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
