"""审核确认 (approve or reject cases whose notice ended) and termination of cases (at once,
or by a termination notice whose end the decision-maker confirms)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from noticeboard.cases.lifecycle import can_terminate, needs_termination_notice
from noticeboard.cases.services import get_case
from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.core.forms import flash_refusal, reason_form, show_errors
from noticeboard.core.permissions import Action, requires
from noticeboard.core.validation import parse_id
from noticeboard.extensions import db
from noticeboard.notices import terminations
from noticeboard.notices.approval import approval_pages, approve_case, reject_case
from noticeboard.notices.views import bp


def _render_approvals(reject_errors: dict | None = None, reasons: dict | None = None):
    queue, blocked = approval_pages(
        current_user, parse_id(request.args.get("page")), parse_id(request.args.get("blocked_page"))
    )
    ready_terminations, waiting_terminations = terminations.termination_queue(current_user)
    return render_template(
        "notices/approvals.html",
        queue=queue,
        blocked=blocked,
        ready_terminations=ready_terminations,
        waiting_terminations=waiting_terminations,
        reject_errors=reject_errors or {},
        reasons=reasons or {},
    )


@bp.route("/approvals")
@requires(Action.DECIDE_CASE)
def approvals():
    return _render_approvals()


@bp.route("/approvals/<int:case_id>/approve", methods=["POST"])
@requires(Action.DECIDE_CASE)
def approve(case_id: int):
    try:
        case = approve_case(current_user, case_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(
            f"已审核确认 {case.reference}，自 {case.benefit_start:%Y年%m月} 起享受；长期公示已更新",
            "success",
        )
    return redirect(url_for("notices.approvals"))


@bp.route("/approvals/<int:case_id>/reject", methods=["POST"])
@requires(Action.DECIDE_CASE)
def reject(case_id: int):
    reason = request.form.get("reason", "")
    try:
        case = reject_case(current_user, case_id, reason)
    except ValidationFailed as error:
        db.session.rollback()
        return _render_approvals({case_id: error.errors["reason"]}, {case_id: reason})
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"已作不予确认处理：{case.reference}", "success")
    return redirect(url_for("notices.approvals"))


@bp.route("/terminations/<int:termination_id>/confirm", methods=["POST"])
@requires(Action.DECIDE_CASE)
def confirm_termination(termination_id: int):
    try:
        termination = terminations.confirm_termination(current_user, termination_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"已确认终止 {termination.case.reference}，长期公示已发布新版本", "success")
    return redirect(url_for("notices.approvals"))


@bp.route("/cases/<int:case_id>/terminate", methods=["GET", "POST"])
@requires(Action.TERMINATE_CASE)
def terminate(case_id: int):
    case = get_case(current_user, case_id)
    form = reason_form("terminate", "终止原因")
    if form.validate_on_submit():
        try:
            termination = terminations.end_case(current_user, case_id, form.reason.data)
        except DomainError as error:
            show_errors(form, error)
        else:
            if termination is None:
                flash(f"已终止 {case.reference}，长期公示已发布新版本", "success")
                return redirect(url_for("cases.detail", case_id=case_id))
            flash(
                f"已拟定 {case.reference} 的终止公示，请审核人发布；期满无异议后确认终止",
                "success",
            )
            return redirect(url_for("notices.detail", notice_id=termination.notice_id))
    return render_template(
        "notices/terminate.html",
        case=case,
        form=form,
        allowed=can_terminate(case),
        by_notice=needs_termination_notice(case),
        pending=terminations.pending_termination(case),
    )
