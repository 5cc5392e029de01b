"""Administrator page for the per-channel masking policy."""

from flask import Blueprint

bp = Blueprint("masking", __name__, url_prefix="/staff/admin/masking")


@bp.route("/policy-placeholder")
def policy():
    return "placeholder: replaced by the staff-pages helper"
