"""PDFs of published notices: render once per channel and paper, store, serve; batch print."""

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from noticeboard.core.errors import DomainError, NotFound, ValidationFailed
from noticeboard.core.security import public_url
from noticeboard.extensions import db
from noticeboard.jobs.services import submit as submit_job
from noticeboard.masking.rules import Channel
from noticeboard.notices.models import Notice
from noticeboard.notices.signals import snapshot_freezing
from noticeboard.notices.snapshots import sha256_of, snapshot_of
from noticeboard.notices.state import in_public_view, public_notices
from noticeboard.printing.batch import merge_pdfs, render_batch
from noticeboard.printing.fonts import MissingGlyphs, check_coverage
from noticeboard.printing.models import RenderedPdf
from noticeboard.printing.render import render_notice_pdf
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import chosen_region, regions_in_scope

PAPERS = {"A4-portrait": "A4 纵向", "A4-landscape": "A4 横向", "A3-portrait": "A3 纵向"}
DEFAULT_PAPER = "A4-portrait"


@snapshot_freezing.connect
def _refuse_unprintable(snapshot: dict) -> None:
    """Publish only what can be printed: a character no font has would print as tofu."""
    try:
        check_coverage(snapshot)
    except (MissingGlyphs, RuntimeError) as error:
        raise DomainError(str(error)) from None


def check_bundle(bundle: str) -> None:
    if bundle not in ("merged", "zip"):
        raise ValidationFailed({"bundle": ["打包方式：请选择合并为一个 PDF 或 ZIP 压缩包"]})


def clean_paper(value: str | None) -> str:
    paper = value or DEFAULT_PAPER
    if paper not in PAPERS:
        raise ValidationFailed({"paper": ["纸张：请选择 A4 纵向、A4 横向或 A3 纵向"]})
    return paper


def _render_kwargs(notice: Notice, channel: Channel, paper: str) -> dict:
    return {
        "snapshot": snapshot_of(notice, channel),
        "channel": channel,
        "paper": paper,
        "verification_code": notice.verification_code,
        "public_url": public_url("portal.notice", notice_id=notice.id),
        "snapshot_sha256": sha256_of(notice, channel),
    }


def _end_reads() -> None:
    """End the transaction that loaded the notices before rendering them (seconds of CPU), so
    that each PDF is then stored in a transaction of its own that starts with its INSERT: on
    SQLite that one waits for another process's writer (extensions.py), on PostgreSQL no
    snapshot is held open for the render. Nothing is pending here: the callers only read."""
    db.session.rollback()


def _store(notice_id: int, channel: Channel, paper: str, snapshot_sha256: str, pdf: bytes):
    """Keep a rendered PDF, in a transaction of its own that starts with the INSERT."""
    stored = RenderedPdf(
        notice_id=notice_id,
        channel=channel,
        paper=paper,
        snapshot_sha256=snapshot_sha256,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        data=pdf,
    )
    db.session.add(stored)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request rendered the same PDF meanwhile; theirs is identical in content.
        db.session.rollback()
        return _stored(notice_id, channel, paper)
    return stored


def _stored(notice_id: int, channel: Channel, paper: str) -> RenderedPdf | None:
    return db.session.scalar(
        select(RenderedPdf).where(
            RenderedPdf.notice_id == notice_id,
            RenderedPdf.channel == channel,
            RenderedPdf.paper == paper,
        )
    )


def notice_pdf(
    notice: Notice, channel: Channel | str, paper: str, *, parallel: bool = True
) -> RenderedPdf:
    """The stored PDF of a published notice, rendering it the first time it is asked for
    (a long one on every CPU unless `parallel` is False)."""
    if channel not in set(Channel):
        raise ValidationFailed({"channel": ["渠道：请选择张贴版或网上版"]})
    channel = Channel(channel)
    paper = clean_paper(paper)
    if notice.sha256_online is None:
        raise DomainError("草稿公示不能打印，请先发布")
    stored = _stored(notice.id, channel, paper)
    if stored is not None:
        return stored
    kwargs = _render_kwargs(notice, channel, paper)
    notice_id = notice.id
    _end_reads()
    try:
        pdf = render_notice_pdf(**kwargs, parallel=parallel)
    except MissingGlyphs as error:
        raise DomainError(str(error)) from None
    return _store(notice_id, channel, paper, kwargs["snapshot_sha256"], pdf)


def ensure_pdfs(
    notices: list[Notice],
    channel: Channel,
    paper: str,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[int, RenderedPdf], int]:
    """The stored PDF of each published notice, rendering the missing ones in parallel (on
    every CPU) and storing them like single prints; also how many had to be rendered.

    ``progress(done, total)`` hears of each PDF rendered (from any thread).
    """
    stored = {
        p.notice_id: p
        for p in db.session.scalars(
            select(RenderedPdf)
            .where(RenderedPdf.notice_id.in_([n.id for n in notices]))
            .where(RenderedPdf.channel == channel, RenderedPdf.paper == paper)
        )
    }
    missing = [n for n in notices if n.id not in stored]
    if missing:
        items = [(n.id, _render_kwargs(n, channel, paper)) for n in missing]
        _end_reads()
        try:
            pdfs = render_batch([kwargs for _, kwargs in items], progress=progress)
        except MissingGlyphs as error:
            raise DomainError(str(error)) from None
        for (notice_id, kwargs), pdf in zip(items, pdfs, strict=True):
            stored[notice_id] = _store(notice_id, channel, paper, kwargs["snapshot_sha256"], pdf)
    return stored, len(missing)


def public_pdf_notice(notice_id: int, paper: str | None) -> tuple[Notice, str]:
    """A notice in public view and the paper asked for; anything else is NotFound."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or not in_public_view(notice):
        raise NotFound("未找到该公示")
    return notice, clean_paper(paper)


@dataclass
class BatchResult:
    filename: str
    mimetype: str
    data: bytes
    notices: int
    rendered: int


def townships_for(user) -> list[Region]:
    """The county and the townships a batch print may cover."""
    return regions_in_scope(user, *BATCH_LEVELS)


def start_batch_print(user, region_id, paper: str | None, bundle: str):
    """Check the form, then queue the batch print as a job (printing/jobs.py runs it)."""
    paper = clean_paper(paper)
    check_bundle(bundle)
    region = batch_region(user, region_id)
    params = {"region_id": region.id, "paper": paper, "bundle": bundle}
    title = f"批量打印：{region.name}（{PAPERS[paper]}）"
    return submit_job(user, "batch_print", params, title, region)


BATCH_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


def batch_region(user, region_id) -> Region:
    return chosen_region(user, region_id, BATCH_LEVELS, "乡镇/街道", field="township_id")


def township_notices(user, township_id) -> tuple[Region, list[Notice]]:
    """Every village's notices in force in a township (or a whole county), village by village."""
    township = batch_region(user, township_id)
    notices = public_notices(township)
    notices.sort(key=lambda n: (n.region.path, n.kind, n.program, n.id))
    return township, notices


def batch_print(
    user,
    township_id,
    paper: str,
    bundle: str,
    channel: Channel = Channel.BOARD,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """All notices in force of a township's villages: one merged PDF or a ZIP of files.

    Missing PDFs are rendered in parallel on both cores, then stored like single prints.
    ``progress(done, total)`` hears of each PDF rendered (from any thread), then of each
    notice put into the bundle.
    """
    paper = clean_paper(paper)
    check_bundle(bundle)
    township, notices = township_notices(user, township_id)
    if not notices:
        raise DomainError(f"{township.name}目前没有公示中的公示")
    stem = f"{township.name}-公示-{paper}"
    names = {n.id: n.region.name for n in notices}
    order = [n.id for n in notices]

    # One bar for both steps: each PDF rendered, then each notice put into the bundle (the
    # whole of it once every PDF was rendered at publication: 739 notices, ~20 s).
    def rendering(done: int, missing: int) -> None:
        if progress:
            progress(done, missing + len(notices))

    stored, rendered = ensure_pdfs(notices, channel, paper, rendering)

    def bundling(done: int) -> None:
        if progress:
            progress(rendered + done, rendered + len(notices))

    files = [(notice_id, stored[notice_id].data) for notice_id in order]
    if bundle == "merged":
        data = merge_pdfs([pdf for _, pdf in files], bundling)
        return BatchResult(f"{stem}.pdf", "application/pdf", data, len(files), rendered)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for number, (notice_id, pdf) in enumerate(files, 1):
            archive.writestr(f"{number:02d}-{names[notice_id]}-{notice_id}.pdf", pdf)
            bundling(number)
    return BatchResult(f"{stem}.zip", "application/zip", buffer.getvalue(), len(files), rendered)
