"""A job's page: its progress (refreshing itself, no JavaScript needed), its error and a retry
button when it failed, its file when it is done."""

import io

from flask import Blueprint, abort, make_response, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from noticeboard.core.errors import DomainError
from noticeboard.core.forms import flash_refusal
from noticeboard.jobs import services
from noticeboard.jobs.models import JobStatus

bp = Blueprint("jobs", __name__, url_prefix="/staff/jobs")
# Seconds between reloads of an unfinished job's page.
REFRESH_SECONDS = 2


@bp.route("/<int:job_id>")
@login_required
def detail(job_id: int):
    job = services.job_for(current_user, job_id)
    response = make_response(
        render_template(
            "jobs/job.html",
            job=job,
            refresh=None if job.finished else REFRESH_SECONDS,
            keep_hours=services.keep_hours(),
        )
    )
    # Progress must be read afresh on every reload, never from a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:job_id>/result")
@login_required
def result(job_id: int):
    job = services.job_for(current_user, job_id)
    if job.status != JobStatus.DONE or job.result is None:
        abort(404)
    response = send_file(
        io.BytesIO(job.result),
        mimetype=job.result_mimetype,
        download_name=job.result_name,
        as_attachment=True,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:job_id>/retry", methods=["POST"])
@login_required
def retry(job_id: int):
    try:
        services.retry(current_user, job_id)
    except DomainError as error:
        flash_refusal(error)
    return redirect(url_for("jobs.detail", job_id=job_id))
