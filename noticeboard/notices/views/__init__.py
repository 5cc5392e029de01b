"""Staff pages for notices, objections, approval, rosters and temporary-assistance lists:
one blueprint, one module per page group."""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("notices", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def require_login():
    pass


# The page modules register their routes on bp.
from noticeboard.notices.views import (  # noqa: E402
    approvals,
    home,
    lists,
    notice_pages,
    objections,
    preparing,
)

__all__ = ["approvals", "bp", "home", "lists", "notice_pages", "objections", "preparing"]
