"""The audit log page: recent entries inside the user's scope."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from noticeboard.audit.models import AuditEntry
from noticeboard.cases.models import CASE_FIELD_LABELS
from noticeboard.core.scope import scope_clause
from noticeboard.extensions import db
from noticeboard.regions.models import Region

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")


@bp.route("/")
@login_required
def index():
    if current_user.role not in ("county", "admin"):
        abort(403)
    page = max(
        int(request.args.get("page", "1")) if request.args.get("page", "").isdigit() else 1, 1
    )
    entries = db.session.scalars(
        select(AuditEntry)
        .outerjoin(Region, Region.id == AuditEntry.region_id)
        .where(or_(scope_clause(current_user), AuditEntry.region_id.is_(None)))
        .order_by(AuditEntry.id.desc())
        .offset((page - 1) * 100)
        .limit(100)
    ).all()
    return render_template(
        "audit/index.html", entries=entries, page=page, field_labels=CASE_FIELD_LABELS
    )
