"""Case pages: list with filters and search, entry and edit per program, detail, history."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from noticeboard.accounts.models import User
from noticeboard.cases import changes as case_changes
from noticeboard.cases import emergency, linshi_approval, relatives, search, services
from noticeboard.cases.deadlines import (
    decision_days,
    decision_deadline,
    other_deadlines,
    refusal_days,
    refusal_letter_deadline,
)
from noticeboard.cases.forms import HomeVisitForm, NearRelativeForm, case_form
from noticeboard.cases.lifecycle import can_terminate
from noticeboard.cases.models import (
    DIBAO_AREAS,
    EDITABLE_STATUSES,
    LINSHI_TYPES,
    NOTICE_PROGRAMS,
    NOTICEABLE_STATUSES,
    SELF_CARE_LEVELS,
    TEKUN_MODES,
    CaseStatus,
    Program,
)
from noticeboard.cases.refusals import record_refusal_letter
from noticeboard.cases.standards import amount_warning, case_check, in_force_for
from noticeboard.cases.validation import ceiling
from noticeboard.core.errors import DomainError
from noticeboard.core.forms import flash_refusal, reason_form, show_errors
from noticeboard.core.permissions import Action, can, requires
from noticeboard.core.validation import parse_id
from noticeboard.extensions import db

bp = Blueprint("cases", __name__, url_prefix="/staff")

LABELS = {
    "areas": DIBAO_AREAS,
    "tekun_modes": TEKUN_MODES,
    "self_care": SELF_CARE_LEVELS,
    "linshi_types": LINSHI_TYPES,
}


@bp.before_request
@login_required
def require_login():
    pass


def _version(value) -> int:
    """The version a form was opened at; a garbled one can only be stale."""
    version = parse_id(value)
    return -1 if version is None else version


@bp.route("/")
def index():
    filters = search.filter_from_args(request.args)
    page = max(parse_id(request.args.get("page")) or 1, 1)
    per_page = 50
    rows, total = search.list_cases(current_user, filters, page, per_page)
    return render_template(
        "cases/index.html",
        cases=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // per_page)),
        filters=filters,
        villages=search.villages_for(current_user),
        programs=list(Program),
        statuses=list(CaseStatus),
        overdue_filters=search.OVERDUE_FILTERS,
        paperwork_filters={k: label for k, (label, _) in search.PAPERWORK_FILTERS.items()},
    )


def _program_or_404(code: str) -> Program:
    if code not in set(Program):
        abort(404)
    return Program(code)


@bp.route("/cases/new/<program>", methods=["GET", "POST"])
@requires(Action.EDIT_CASES)
def new(program: str):
    program = _program_or_404(program)
    villages = search.villages_for(current_user)
    adding_row = "add_member" in request.form
    form = case_form(
        program,
        villages,
        formdata=request.form if request.method == "POST" else None,
        extra_rows=1 if adding_row else 0,
    )
    if request.method == "POST" and not adding_row and form.validate():
        try:
            case = services.create_case(current_user, program, form.case_data())
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"已保存 {case.reference}", "success")
            _warn_about_amount(case)
            return redirect(url_for("cases.detail", case_id=case.id))
    return _render_form(form, program, None, adding_row)


def _render_form(form, program: Program, case, added_row: bool):
    """The case form with the standards in force beside it (and, for a saved 低保 case, the
    amount the 补差 rule gives)."""
    return render_template(
        "cases/form.html",
        form=form,
        program=program,
        case=case,
        added_row=added_row,
        in_force=in_force_for(case.village if case else current_user.region),
        check=case_check(case) if case else None,
        emergency_days=emergency.paperwork_days(),
    )


def _warn_about_amount(case) -> None:
    """A saved amount that differs from the 补差 rule's is kept, with a warning."""
    if (warning := amount_warning(case)) is not None:
        flash(warning, "warning")


@bp.route("/cases/<int:case_id>")
def detail(case_id: int):
    return _render_detail(services.get_case(current_user, case_id), revealed=False)


@bp.route("/cases/<int:case_id>/reveal", methods=["POST"])
@requires(Action.REVEAL_PERSONAL_DATA)
def reveal(case_id: int):
    """The case page with its full IDs, phone and address: drawn in answer to the POST (no
    JavaScript, no state kept), so a reload asks again and is logged again."""
    return _render_detail(services.reveal_case(current_user, case_id), revealed=True)


def _render_detail(case, revealed: bool):
    # Who closed a case and when: the decider of a rejection, the last editor of a termination.
    closer = case.decided_by_id if case.status == CaseStatus.REJECTED else case.updated_by_id
    return render_template(
        "cases/detail.html",
        case=case,
        labels=LABELS,
        editable=case.status in EDITABLE_STATUSES,
        terminable=can_terminate(case),
        pending=services.pending_change_of(case),
        next_step=_next_step(case),
        decided_by=db.session.get(User, closer) if closer else None,
        decided_on=case.decided_at if case.status == CaseStatus.REJECTED else case.updated_at,
        deadline=decision_deadline(case),
        letter_deadline=refusal_letter_deadline(case),
        other_deadlines=other_deadlines(case),
        refusal_days=refusal_days(),
        decision_days=decision_days(),
        paperwork_deadline=emergency.paperwork_deadline(case),
        paperwork_days=emergency.paperwork_days(),
        paperwork_by=db.session.get(User, case.paperwork_done_by_id)
        if case.paperwork_done_by_id
        else None,
        decider=db.session.get(User, case.decided_by_id) if case.decided_by_id else None,
        refuse_form=reason_form("reject", "不予审批的理由"),
        check=case_check(case),
        revealed=revealed,
    )


def _next_step(case) -> str | None:
    """Where a case waiting for its 7-day notice goes next: the notice form, prefilled."""
    if (
        case.program in NOTICE_PROGRAMS
        and case.status in NOTICEABLE_STATUSES
        and can(current_user, Action.PREPARE_NOTICE)
    ):
        return url_for(
            "notices.new", village=case.village_id, program=case.program.value, case=case.id
        )
    return None


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_CASES)
def edit(case_id: int):
    # The form opened shows every value in full (logged); one sent back shows what was typed.
    if request.method == "POST":
        case = services.get_case(current_user, case_id)
    else:
        case = services.case_for_editing(current_user, case_id)
    villages = search.villages_for(current_user)
    adding_row = "add_member" in request.form
    if request.method == "POST":
        form = case_form(
            case.program, villages, formdata=request.form, extra_rows=1 if adding_row else 0
        )
        if not adding_row and form.validate():
            try:
                services.update_case(
                    current_user, case_id, form.case_data(), _version(form.version.data)
                )
            except DomainError as error:
                show_errors(form, error)
            else:
                if services.pending_change_of(case):
                    flash(
                        f"{case.reference} 在长期公示中：修改已提交，待审核人确认后生效，"
                        "长期公示随之更新",
                        "success",
                    )
                else:
                    flash(f"已保存 {case.reference} 的修改", "success")
                    _warn_about_amount(case)
                return redirect(url_for("cases.detail", case_id=case_id))
    else:
        form = case_form(case.program, villages, obj=case)
    return _render_form(form, case.program, case, adding_row)


@bp.route("/cases/<int:case_id>/delete", methods=["POST"])
def delete(case_id: int):
    try:
        services.delete_case(current_user, case_id, _version(request.form.get("version")))
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("cases.detail", case_id=case_id))
    flash("已删除该草稿案件；删除记录保留在操作日志中", "success")
    return redirect(url_for("cases.index"))


@bp.route("/cases/<int:case_id>/refusal-letter", methods=["POST"])
@requires(Action.RECORD_REFUSAL_LETTER)
def refusal_letter(case_id: int):
    try:
        case = record_refusal_letter(current_user, case_id, request.form.get("told_on"))
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"已登记：{case.refusal_told_on} 书面告知申请人", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="refusal-letter"))


@bp.route("/cases/<int:case_id>/paperwork", methods=["POST"])
@requires(Action.COMPLETE_PAPERWORK)
def complete_paperwork(case_id: int):
    try:
        case = emergency.complete_paperwork(current_user, case_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"已确认 {case.reference} 的先行救助补办手续并审批", "success")
    return redirect(url_for("cases.detail", case_id=case_id))


@bp.route("/cases/<int:case_id>/county-approval", methods=["POST"])
@requires(Action.APPROVE_LINSHI)
def approve_linshi(case_id: int):
    try:
        case = linshi_approval.approve_linshi(current_user, case_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"已审批 {case.reference}（县级审批）", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="linshi-approval"))


@bp.route("/cases/<int:case_id>/county-refusal", methods=["POST"])
@requires(Action.APPROVE_LINSHI)
def refuse_linshi(case_id: int):
    form = reason_form("reject", "不予审批的理由")
    try:
        case = linshi_approval.refuse_linshi(current_user, case_id, form.reason.data)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"{case.reference} 不予审批，不列入临时救助公示", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="linshi-approval"))


@bp.route("/cases/<int:case_id>/history")
def history(case_id: int):
    entries = services.case_history(current_user, case_id)
    return render_template("cases/history.html", entries=entries, case_id=case_id)


def _render_near_relatives(case, form=None, visit_form=None):
    form = form or NearRelativeForm(formdata=None)
    form.person_name.choices = [("", "请选择"), *((n, n) for n in relatives.household_names(case))]
    return render_template(
        "cases/near_relatives.html",
        case=case,
        form=form,
        visit_form=visit_form or HomeVisitForm(formdata=None),
        open_for_registration=case.status in relatives.OPEN_FOR_REGISTRATION,
    )


@bp.route("/cases/<int:case_id>/near-relatives")
def near_relatives(case_id: int):
    """近亲属备案 of a case, and the county's 入户核查 of it."""
    return _render_near_relatives(services.get_case(current_user, case_id))


@bp.route("/cases/<int:case_id>/near-relatives/new", methods=["POST"])
@requires(Action.EDIT_CASES)
def register_near_relative(case_id: int):
    return _saved_on_near_relatives(
        case_id, NearRelativeForm(), relatives.register_near_relative, "form", "近亲属备案"
    )


@bp.route("/cases/<int:case_id>/home-visit", methods=["POST"])
@requires(Action.RECORD_HOME_VISIT)
def home_visit(case_id: int):
    return _saved_on_near_relatives(
        case_id, HomeVisitForm(), relatives.record_home_visit, "visit_form", "入户核查"
    )


def _saved_on_near_relatives(case_id: int, form, save, form_name: str, what: str):
    """One of the near-relatives page's forms posted: saved, or the page with its errors."""
    case = services.get_case(current_user, case_id)
    if form.validate():
        try:
            save(current_user, case_id, form.submitted())
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"已登记 {case.reference} 的{what}", "success")
            return redirect(url_for("cases.near_relatives", case_id=case_id))
    return _render_near_relatives(services.get_case(current_user, case_id), **{form_name: form})


@bp.route("/admin/limits", methods=["GET", "POST"])
@requires(Action.ADMINISTER)
def limits():
    if request.method == "POST":
        # CSRFProtect has already checked the token of this (and every) POST.
        try:
            limit = services.set_ceiling(
                current_user, request.form.get("program", ""), request.form.get("ceiling")
            )
        except DomainError as error:
            flash_refusal(error)
        else:
            flash(f"已更新{limit.program.label}金额上限", "success")
        return redirect(url_for("cases.limits"))
    return render_template("cases/limits.html", limits=[(p, ceiling(p)) for p in Program])


@bp.route("/changes/")
def changes():
    return render_template("cases/changes.html", changes=case_changes.pending_changes(current_user))


def _render_change(change, reject_form=None):
    return render_template(
        "cases/change.html",
        change=change,
        reject_form=reject_form or reason_form("reject", "退回原因"),
    )


@bp.route("/changes/<int:change_id>")
def change(change_id: int):
    return _render_change(case_changes.change_for_review(current_user, change_id))


@bp.route("/changes/<int:change_id>/confirm", methods=["POST"])
@requires(Action.CONFIRM_CASE_CHANGE)
def confirm_change(change_id: int):
    try:
        case = case_changes.confirm_change(current_user, change_id)
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("cases.change", change_id=change_id))
    flash(f"已确认变更，{case.reference} 已更新，长期公示已发布新版本", "success")
    return redirect(url_for("cases.changes"))


@bp.route("/changes/<int:change_id>/reject", methods=["POST"])
@requires(Action.CONFIRM_CASE_CHANGE)
def reject_change(change_id: int):
    form = reason_form("reject", "退回原因")
    try:
        case_changes.reject_change(current_user, change_id, form.reason.data)
    except DomainError as error:
        show_errors(form, error)
        return _render_change(case_changes.change_for_review(current_user, change_id), form)
    flash("已退回该变更，案件保持原样", "success")
    return redirect(url_for("cases.changes"))
