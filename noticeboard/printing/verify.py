"""`flask notices verify`: every published snapshot and every stored PDF still hashes to what
was recorded when it was made. A restored backup, a disk fault or a hand edit of the database
shows here before a resident's verification code stops matching."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from noticeboard.extensions import db
from noticeboard.notices.models import Notice
from noticeboard.notices.snapshots import sha256_hex, verification_code
from noticeboard.printing.models import RenderedPdf


@dataclass
class Verified:
    notices: int
    pdfs: int
    problems: list[str]


def _notice_problems(notice: Notice) -> list[str]:
    problems = []
    for channel, text, recorded in (
        ("online", notice.snapshot_online, notice.sha256_online),
        ("board", notice.snapshot_board, notice.sha256_board),
    ):
        if text is None or sha256_hex(text) != recorded:
            problems.append(f"notice {notice.id}: {channel} snapshot does not match its SHA-256")
    if notice.sha256_online and notice.verification_code != verification_code(notice.sha256_online):
        problems.append(f"notice {notice.id}: verification code does not match its SHA-256")
    return problems


def _pdf_problems(pdf: RenderedPdf, recorded: dict[tuple[int, str], str | None]) -> list[str]:
    name = f"PDF {pdf.id} (notice {pdf.notice_id}, {pdf.channel}, {pdf.paper})"
    problems = []
    if hashlib.sha256(pdf.data).hexdigest() != pdf.sha256 or len(pdf.data) != pdf.size:
        problems.append(f"{name}: file does not match its SHA-256")
    if recorded.get((pdf.notice_id, pdf.channel)) != pdf.snapshot_sha256:
        problems.append(f"{name}: made from another snapshot than the notice's")
    return problems


def verify_all() -> Verified:
    """Recompute every published snapshot's hash and every stored PDF's (ids in the report,
    never their content: a snapshot holds names)."""
    problems: list[str] = []
    recorded: dict[tuple[int, str], str | None] = {}
    notices = 0
    published = select(Notice).where(Notice.sha256_online.is_not(None)).order_by(Notice.id)
    for notice in db.session.scalars(published.execution_options(yield_per=200)):
        notices += 1
        problems += _notice_problems(notice)
        recorded[notice.id, "online"] = notice.sha256_online
        recorded[notice.id, "board"] = notice.sha256_board
    pdfs = 0
    stored = select(RenderedPdf).order_by(RenderedPdf.id).execution_options(yield_per=20)
    for pdf in db.session.scalars(stored):
        pdfs += 1
        problems += _pdf_problems(pdf, recorded)
    return Verified(notices, pdfs, problems)
