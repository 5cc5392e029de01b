"""Pages of standards (保障标准: history, a new one, its preview and confirmation) and of
reviews (定期核查: what is due, recording one)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from noticeboard.cases.services import get_case
from noticeboard.cases.standards import StandardKind
from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.core.forms import flash_refusal
from noticeboard.core.pages import page_of
from noticeboard.core.permissions import Action, requires
from noticeboard.core.validation import parse_id
from noticeboard.extensions import db
from noticeboard.standards import recalculation, reviews, services
from noticeboard.standards.models import ReviewOutcome

bp = Blueprint("standards", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def require_login():
    pass


def _refused(error: DomainError, field: str) -> dict[str, list[str]]:
    """Undo what the refused call did; its messages by field, for the page shown again."""
    db.session.rollback()
    if isinstance(error, ValidationFailed):
        return error.errors
    return {error.field or field: [error.message]}


def _index(errors: dict | None = None, status: int = 200):
    county = services.county_of_user(current_user)
    return render_template(
        "standards/index.html",
        county=county,
        standards=services.history(county),
        kinds=list(StandardKind),
        errors=errors or {},
        typed=request.form if errors else {},
        renotice_above=reviews.renotice_above(county),
    ), status


@bp.route("/standards/")
def index():
    return _index()


@bp.route("/standards/new", methods=["POST"])
@requires(Action.SET_STANDARDS)
def propose():
    form = request.form
    try:
        standard = services.propose_standard(
            current_user,
            form.get("kind"),
            form.get("amount"),
            form.get("start_month"),
            form.get("note"),
        )
    except DomainError as error:
        return _index(_refused(error, "kind"), 422)
    flash("已录入，请核对调整预览；由另一位县级民政工作人员确认后执行", "success")
    return redirect(url_for("standards.preview", standard_id=standard.id))


@bp.route("/standards/<int:standard_id>")
@requires(Action.SET_STANDARDS)
def preview(standard_id: int):
    result = recalculation.preview(current_user, standard_id)
    page = page_of(result.lines, parse_id(request.args.get("page")))
    return render_template("standards/preview.html", result=result, page=page)


@bp.route("/standards/<int:standard_id>/confirm", methods=["POST"])
@requires(Action.CONFIRM_STANDARD)
def confirm(standard_id: int):
    try:
        result = recalculation.confirm(current_user, standard_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(
            f"已确认执行：调整 {len(result.lines)} 件，{len(result.villages)} 个村（社区）的"
            f"长期公示已发布新版本；{len(result.manual)} 件待人工核查",
            "success",
        )
    return redirect(url_for("standards.preview", standard_id=standard_id))


@bp.route("/standards/<int:standard_id>/discard", methods=["POST"])
@requires(Action.SET_STANDARDS)
def discard(standard_id: int):
    try:
        services.discard_standard(current_user, standard_id)
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("standards.preview", standard_id=standard_id))
    flash("已撤销该待确认的标准，案件金额未作任何调整", "success")
    return redirect(url_for("standards.index"))


@bp.route("/standards/review-setting", methods=["POST"])
@requires(Action.SET_STANDARDS)
def review_setting():
    try:
        reviews.set_renotice_above(current_user, request.form.get("renotice_above"))
    except DomainError as error:
        flash_refusal(error)
    else:
        flash("已保存定期核查设置", "success")
    return redirect(url_for("standards.index"))


@bp.route("/reviews/")
def due():
    shown = reviews.due_overview(current_user.region, parse_id(request.args.get("page")))
    return render_template(
        "standards/due.html",
        page=shown.page,
        overdue=shown.overdue,
        total=shown.this_month + shown.overdue,
        shares=shown.shares,
    )


def _review_page(case, errors: dict | None = None, status: int = 200):
    return render_template(
        "standards/review.html",
        case=case,
        due_on=reviews.due_on_of(case),
        reviewable=reviews.reviewable(case),
        history=reviews.reviews_of(case.id),
        outcomes=list(ReviewOutcome),
        inputs=reviews.AMOUNT_INPUTS.get(case.program, ()),
        errors=errors or {},
        typed=request.form if errors else {},
    ), status


@bp.route("/cases/<int:case_id>/review", methods=["GET", "POST"])
@requires(Action.RECORD_REVIEW)
def review(case_id: int):
    case = get_case(current_user, case_id)
    if request.method == "GET":
        return _review_page(case)
    form = request.form
    amounts = {name: form.get(name) for name in reviews.AMOUNT_INPUTS.get(case.program, ())}
    try:
        recorded = reviews.record_review(
            current_user, case_id, form.get("outcome", ""), form.get("note", ""), amounts
        )
    except DomainError as error:
        errors = _refused(error, "outcome")
        return _review_page(get_case(current_user, case_id), errors, 422)
    messages = {
        ReviewOutcome.CONTINUE: "已登记定期核查：继续保障",
        ReviewOutcome.TERMINATE: "已登记定期核查并终止保障，长期公示已发布新版本",
        ReviewOutcome.CHANGE: "已登记定期核查；调整已提交，待审核人确认后长期公示随之更新",
    }
    if recorded.outcome == ReviewOutcome.TERMINATE and recorded.case.status != "terminated":
        messages[ReviewOutcome.TERMINATE] = (
            "已登记定期核查；已拟定终止公示，经审核人发布、期满无异议并确认后终止"
        )
    if recorded.case.status == "investigating":
        messages[ReviewOutcome.CHANGE] = (
            "已登记定期核查；增加额超过本县设定，案件转入复查中，须重新公示"
        )
    flash(messages[recorded.outcome], "success")
    return redirect(url_for("cases.detail", case_id=case_id))
