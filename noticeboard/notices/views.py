"""Staff pages for notices, objections, approval, rosters and temporary-assistance lists."""

from flask import Blueprint

bp = Blueprint("notices", __name__, url_prefix="/staff")


@bp.route("/dashboard-placeholder")
def dashboard():
    return "placeholder: replaced by the staff-pages helper"


@bp.route("/approvals-placeholder")
def approvals():
    return "placeholder: replaced by the staff-pages helper"
