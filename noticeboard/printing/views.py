"""PDF downloads: the public copy (online masking), the board copy and the township batch."""

import io

from flask import (
    Blueprint,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from noticeboard.core.compression import unchanged_since
from noticeboard.core.errors import DomainError
from noticeboard.core.forms import flash_refusal
from noticeboard.jobs.services import recent_jobs
from noticeboard.masking.rules import Channel
from noticeboard.notices.state import get_notice
from noticeboard.printing import jobs as _jobs  # noqa: F401  (registers the batch print job)
from noticeboard.printing import prerender as _prerender  # noqa: F401  (renders on publication)
from noticeboard.printing import services

bp = Blueprint("printing", __name__)


# A published notice's PDF never changes, but the notice may leave public view (withdrawn,
# ended past its grace days): browsers keep it an hour, shared caches (a CDN) a day, and
# either may check it again for the price of a 304 (docs/deploy.md: purge on withdrawal).
PUBLIC_PDF_CACHE = "public, max-age=3600, s-maxage=86400"


def _pdf_tag(snapshot_sha256: str, paper: str) -> str:
    """The PDF's strong ETag: its bytes follow from the snapshot and the paper alone."""
    return f"{snapshot_sha256}.{paper}"


def _pdf_response(pdf, download_name: str, public: bool):
    response = send_file(
        io.BytesIO(pdf.data),
        mimetype="application/pdf",
        download_name=download_name,
        as_attachment=False,
        etag=_pdf_tag(pdf.snapshot_sha256, pdf.paper),
        conditional=True,
    )
    response.headers["Cache-Control"] = PUBLIC_PDF_CACHE if public else "no-store"
    response.headers["X-Snapshot-SHA256"] = pdf.snapshot_sha256
    return response


@bp.route("/notices/<int:notice_id>.pdf")
def public_pdf(notice_id: int):
    """The downloadable copy: online masking, nothing the online page does not show.

    A revalidation answers 304 from the notice's hash alone, without reading the PDF."""
    try:
        notice, paper = services.public_pdf_notice(notice_id, request.args.get("paper"))
        tag = _pdf_tag(notice.sha256_online, paper)
        if unchanged_since(tag):
            response = make_response("", 304)
            response.set_etag(tag)
            response.headers["Cache-Control"] = PUBLIC_PDF_CACHE
            response.headers["X-Snapshot-SHA256"] = notice.sha256_online
            return response
        pdf = services.notice_pdf(notice, Channel.ONLINE, paper)
    except DomainError:
        abort(404)
    return _pdf_response(pdf, f"notice-{notice_id}.pdf", public=True)


@bp.route("/staff/notices/<int:notice_id>/print")
@login_required
def board_pdf(notice_id: int):
    """The copy for the village board (board masking), for staff only."""
    notice = get_notice(current_user, notice_id)
    channel = request.args.get("channel", Channel.BOARD)
    try:
        pdf = services.notice_pdf(notice, channel, request.args.get("paper"))
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("notices.detail", notice_id=notice.id))
    return _pdf_response(pdf, f"notice-{notice.id}-{channel}.pdf", public=False)


@bp.route("/staff/print", methods=["GET", "POST"])
@login_required
def batch():
    """Start a batch print as a job (it can take a minute for a county) and show its page."""
    if request.method == "POST":
        try:
            job = services.start_batch_print(
                current_user,
                request.form.get("township_id", ""),
                request.form.get("paper"),
                request.form.get("bundle", "merged"),
            )
        except DomainError as error:
            flash_refusal(error)
        else:
            return redirect(url_for("jobs.detail", job_id=job.id))
    return render_template(
        "printing/batch.html",
        townships=services.townships_for(current_user),
        papers=services.PAPERS,
        jobs=recent_jobs(current_user, "batch_print"),
    )
