"""Each published notice's board copy rendered by the job worker right after publication.

A county batch print then only merges stored PDFs. Rendered at the click, the 739 notices in
force of a 200-village county took 333 s on two CPUs (bench/batch_job.py); rendered as each
is published, the worker spends about one CPU-second per notice when nobody waits for it.
Batch prints and downloads still render whatever is missing (a notice published while no
worker ran, another paper), so nothing depends on these renders having happened.
"""

import logging

from flask import current_app
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from noticeboard.extensions import db
from noticeboard.jobs.queue import huey
from noticeboard.jobs.services import in_worker_app
from noticeboard.masking.rules import Channel
from noticeboard.notices.models import Notice
from noticeboard.notices.signals import notice_published
from noticeboard.notices.state import NoticeState, notice_state, public_notices
from noticeboard.printing.services import DEFAULT_PAPER, ensure_pdfs, notice_pdf
from noticeboard.regions.models import Region

log = logging.getLogger(__name__)
_PENDING = "noticeboard.prerender"
# Below the user's own jobs (jobs/services.py USER_JOB_PRIORITY): a batch print someone
# waits for goes first; its missing PDFs it renders itself.
PRERENDER_PRIORITY = 0
STILL_TO_BE_POSTED = (NoticeState.SCHEDULED, NoticeState.IN_FORCE)


@notice_published.connect
def _remember(notice: Notice) -> None:
    if current_app.config.get("PRERENDER_PDFS"):
        db.session.info.setdefault(_PENDING, []).append(notice)


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session: Session) -> None:
    # Only once the notice is committed: the worker reads it from the database. One task per
    # notice, so that stopping the worker never waits for more than one render.
    pending = session.info.pop(_PENDING, None)
    for notice in pending or ():
        if identity := inspect(notice).identity:
            try:
                prerender_pdf(identity[0])
            except Exception:  # the queue is down: the batch print renders it when asked
                log.exception("could not queue the board PDF of notice %s", identity[0])


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


@huey.task(context=False, priority=PRERENDER_PRIORITY)
def prerender_pdf(notice_id: int) -> None:
    in_worker_app(lambda: _render(notice_id), f"prerender-{notice_id}")


def _render(notice_id: int) -> None:
    notice = db.session.get(Notice, notice_id)
    # One superseded or withdrawn before its turn is printed by nobody.
    if notice is None or notice_state(notice) not in STILL_TO_BE_POSTED:
        return
    try:
        # On one CPU: nobody waits for it, and the web workers keep the other.
        notice_pdf(notice, Channel.BOARD, DEFAULT_PAPER, parallel=False)
    except Exception:  # logged; a batch print or a download renders it again when asked
        log.exception("rendering the board PDF of notice %s failed", notice_id)
        db.session.rollback()


def render_board_copies(notices: list[Notice], progress=None) -> int:
    """Render and store the board copy (default paper) of those of `notices` that have none;
    how many were rendered."""
    if not notices:
        return 0
    _, rendered = ensure_pdfs(notices, Channel.BOARD, DEFAULT_PAPER, progress)
    return rendered


def render_region(region: Region, progress=None) -> tuple[int, int]:
    """Every notice in force in `region` (a county, township or village): (notices, rendered)."""
    notices = public_notices(region)
    return len(notices), render_board_copies(notices, progress)
