"""The audit log page: entries inside the user's scope, filtered, a page at a time, and the
same entries as CSV for auditors; the access log (who saw whose personal data) beside it."""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from noticeboard.accounts.services import staff_in_scope
from noticeboard.audit import access, services
from noticeboard.audit.models import AuditAction, AuditEntry, shown_value
from noticeboard.core.dates import CHINA
from noticeboard.core.exports import csv_response
from noticeboard.core.permissions import Action, requires
from noticeboard.core.validation import FieldError, clean_date, parse_id
from noticeboard.regions.models import RegionLevel
from noticeboard.regions.scope import regions_in_scope

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")


def _days() -> tuple[dict, list[str]]:
    """The date range of the query string; a date typed wrong is named and left out."""
    errors, days = [], {}
    for key, label in (("since", "开始日期"), ("until", "结束日期")):
        try:
            days[key] = clean_date(request.args.get(key, "")[:20], label)
        except FieldError as error:
            errors.append(str(error))
            days[key] = None
    return days, errors


def _filters() -> tuple[services.LogFilter, list[str]]:
    days, errors = _days()
    action = request.args.get("action")
    filters = services.LogFilter(
        user_id=parse_id(request.args.get("user")),
        township_id=parse_id(request.args.get("township")),
        action=action if action in set(AuditAction) else None,
        **days,
    )
    return filters, errors


@bp.route("/")
@login_required
@requires(Action.READ_AUDIT_LOG)
def index():
    filters, errors = _filters()
    page = services.log_page(current_user, filters, parse_id(request.args.get("page")))
    return render_template(
        "audit/index.html",
        page=page,
        references=services.references(page.items),
        filters=filters,
        errors=errors,
        args={k: v for k, v in request.args.items() if k != "page" and v},
        staff=sorted(staff_in_scope(current_user), key=lambda u: u.display_name),
        townships=regions_in_scope(current_user, RegionLevel.TOWNSHIP),
        actions=list(AuditAction),
    )


@bp.route("/access")
@login_required
@requires(Action.READ_AUDIT_LOG)
def access_log():
    days, errors = _days()
    case_text = request.args.get("case", "")[:40]
    case_id = access.case_id_of(case_text)
    if case_text.strip() and case_id is None:
        errors.append("案件编号：请填写案件编号，如 低保-000048，或其中的数字")
    filters = access.AccessFilter(
        user_id=parse_id(request.args.get("user")), case_id=case_id, **days
    )
    page = access.access_page(current_user, filters, parse_id(request.args.get("page")))
    return render_template(
        "audit/access.html",
        page=page,
        references=services.references_of_cases([e.case_id for e in page.items if e.case_id]),
        alerts=access.recent_alerts(current_user),
        threshold=current_app.config["ACCESS_ALERT_PER_HOUR"],
        filters=filters,
        case_text=case_text,
        errors=errors,
        args={k: v for k, v in request.args.items() if k != "page" and v},
        staff=sorted(staff_in_scope(current_user), key=lambda u: u.display_name),
    )


@bp.route("/export.csv")
@login_required
@requires(Action.READ_AUDIT_LOG)
def export():
    filters, _ = _filters()
    entries = services.export_log(current_user, filters)
    names = services.references(entries)
    return csv_response(
        ["时间（北京时间）", "操作人", "操作", "对象", "备注", "字段", "修改前", "修改后"],
        _csv_rows(entries, names),
        "操作日志.csv",
    )


def _csv_rows(entries: list[AuditEntry], names: dict):
    """One line per changed field, as the page shows them, so a spreadsheet can filter."""
    for e in entries:
        about = names.get((e.entity_type, e.entity_id)) or e.entity_label
        head = [e.at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action_label]
        head += [about, e.note or ""]
        for key, (before, after) in (e.changes or {"": [None, None]}).items():
            yield [
                *head,
                e.field_label(key) if key else "",
                shown_value(before, key),
                shown_value(after, key),
            ]
