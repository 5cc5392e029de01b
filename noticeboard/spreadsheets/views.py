"""Pages for Excel in and out: upload and preview an import, confirm it, download the
annotated file, the templates and the exports."""

from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from noticeboard.cases import search
from noticeboard.cases.models import Program
from noticeboard.core.errors import DomainError
from noticeboard.core.forms import flash_refusal, show_errors
from noticeboard.core.permissions import Action, requires
from noticeboard.core.security import accepts_upload
from noticeboard.notices.state import get_notice
from noticeboard.regions.models import RegionLevel
from noticeboard.regions.scope import regions_in_scope
from noticeboard.spreadsheets import exports, imports, templates
from noticeboard.spreadsheets.forms import ExportForm
from noticeboard.spreadsheets.models import Purpose
from noticeboard.spreadsheets.reading import problem_line

bp = Blueprint("spreadsheets", __name__, url_prefix="/staff")
bp.add_app_template_filter(lambda problem: problem_line(*problem), "problem_line")


@bp.before_request
@login_required
def require_login():
    pass


def _download(filename: str, content: bytes, mimetype: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _render_index(errors=None):
    return render_template(
        "spreadsheets/index.html",
        imports=imports.imports_in_scope(current_user),
        townships=regions_in_scope(current_user, RegionLevel.TOWNSHIP),
        programs=list(Program),
        purposes=list(Purpose),
        errors=errors or {},
        max_mb=imports.limits()[0] // (1024 * 1024),
        max_rows=imports.limits()[1],
    )


@bp.route("/imports/")
def index():
    return _render_index()


@bp.route("/imports/", methods=["POST"])
@requires(Action.EDIT_CASES)
@accepts_upload("IMPORT_MAX_BYTES")  # this page alone; the rest keeps the 1 MB limit
def upload():
    uploaded = request.files.get("file")
    content = uploaded.read() if uploaded else b""
    try:
        case_import = imports.upload(
            current_user,
            request.form.get("township_id") or current_user.region_id,
            request.form.get("program", ""),
            request.form.get("purpose", ""),
            uploaded.filename if uploaded else "",
            content,
        )
    except DomainError as error:
        flash_refusal(error)
        return _render_index(), 422
    return redirect(url_for("spreadsheets.preview", import_id=case_import.id))


@bp.route("/imports/<int:import_id>")
def preview(import_id: int):
    case_import = imports.get_import(current_user, import_id)
    return render_template(
        "spreadsheets/preview.html",
        imp=case_import,
        report=case_import.report,
        needs_checker=imports.needs_checker(case_import),
    )


@bp.route("/imports/<int:import_id>/confirm", methods=["POST"])
def confirm(import_id: int):
    try:
        case_import = imports.confirm_import(current_user, import_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"已导入 {case_import.cases_created} 个案件", "success")
    return redirect(url_for("spreadsheets.preview", import_id=import_id))


@bp.route("/imports/<int:import_id>/annotated", methods=["GET", "POST"])
def annotated_file(import_id: int):
    case_import = imports.get_import(current_user, import_id)
    return _export(
        lambda purpose: exports.export_annotated(current_user, import_id, purpose),
        f"导入 {case_import.id} 标注了问题的文件（{case_import.filename}）",
        url_for("spreadsheets.preview", import_id=import_id),
    )


@bp.route("/imports/template/<program>.xlsx")
def template(program: str):
    if program not in set(Program):
        abort(404)
    return _download(
        f"{Program(program).label}导入模板.xlsx",
        templates.template(Program(program)),
        exports.MIMETYPES["xlsx"],
    )


def _format(fmt: str) -> str:
    if fmt not in exports.FORMATS:
        abort(404)
    return fmt


def _export(make, what: str, back: str):
    """An export of personal data: the form asking its purpose (GET), then the file (POST,
    with the purpose stated; without one the form comes back naming the field)."""
    form = ExportForm()
    if request.method == "POST":
        try:
            result = make(form.purpose.data)
        except DomainError as error:
            show_errors(form, error)
        else:
            return _download(result.filename, result.content, result.mimetype)
    return render_template("spreadsheets/export.html", form=form, what=what, back=back)


@bp.route("/exports/cases.<fmt>", methods=["GET", "POST"])
def export_cases(fmt: str):
    fmt = _format(fmt)
    filters = search.filter_from_args(request.args)
    return _export(
        lambda purpose: exports.export_cases(current_user, filters, fmt, purpose),
        f"案件列表（{fmt.upper()}，含完整身份证号、电话和地址）",
        url_for("cases.index", **request.args),
    )


@bp.route("/exports/notices/<int:notice_id>.<fmt>", methods=["GET", "POST"])
def export_notice(notice_id: int, fmt: str):
    fmt = _format(fmt)
    notice = get_notice(current_user, notice_id)
    return _export(
        lambda purpose: exports.export_notice(current_user, notice_id, fmt, purpose),
        f"{notice.title}（{fmt.upper()}，张贴版）",
        url_for("notices.detail", notice_id=notice_id),
    )


@bp.route("/exports/approvals.<fmt>", methods=["GET", "POST"])
@requires(Action.DECIDE_CASE)
def export_approvals(fmt: str):
    fmt = _format(fmt)
    return _export(
        lambda purpose: exports.export_approvals(current_user, fmt, purpose),
        f"待审核确认的案件（{fmt.upper()}）",
        url_for("notices.approvals"),
    )
