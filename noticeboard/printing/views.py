"""PDF downloads: the public copy (online masking), the board copy and the township batch."""

import io

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from noticeboard.core.errors import DomainError
from noticeboard.core.forms import flash_refusal
from noticeboard.jobs.services import recent_jobs
from noticeboard.masking.rules import Channel
from noticeboard.notices.state import get_notice
from noticeboard.printing import jobs as _jobs  # noqa: F401  (registers the batch print job)
from noticeboard.printing import services

bp = Blueprint("printing", __name__)


def _pdf_response(pdf, download_name: str, public: bool):
    response = send_file(
        io.BytesIO(pdf.data),
        mimetype="application/pdf",
        download_name=download_name,
        as_attachment=False,
        etag=pdf.sha256,
        conditional=True,
    )
    response.headers["Cache-Control"] = "public, max-age=3600" if public else "no-store"
    response.headers["X-Snapshot-SHA256"] = pdf.snapshot_sha256
    return response


@bp.route("/notices/<int:notice_id>.pdf")
def public_pdf(notice_id: int):
    """The downloadable copy: online masking, nothing the online page does not show."""
    try:
        pdf = services.public_pdf(notice_id, request.args.get("paper"))
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
