"""The audit log page: recent entries inside the user's scope."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from noticeboard.audit import services
from noticeboard.core.permissions import Action, requires

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")


@bp.route("/")
@login_required
@requires(Action.READ_AUDIT_LOG)
def index():
    page = request.args.get("page", "1")
    page = max(int(page), 1) if page.isdecimal() and len(page) < 7 else 1
    return render_template(
        "audit/index.html",
        entries=services.entries_in_scope(current_user, page),
        page=page,
        page_size=services.PAGE_SIZE,
    )
