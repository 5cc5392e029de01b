"""Staff pages for notices, objections, approval, rosters and temporary-assistance lists."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from noticeboard.accounts.models import Role
from noticeboard.cases import services as cases
from noticeboard.cases.models import Program
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.core.forms import flash_refusal, show_errors
from noticeboard.extensions import db
from noticeboard.notices import objections, queries
from noticeboard.notices import services as notices
from noticeboard.notices.forms import (
    NOTICE_PROGRAM_CHOICES,
    LinshiListForm,
    PrepareNoticeForm,
    ReasonForm,
    RecordObjectionForm,
    ResolveObjectionForm,
)
from noticeboard.notices.models import NoticeKind, NoticeStatus
from noticeboard.notices.periods import days_left
from noticeboard.notices.services import NoticeState

bp = Blueprint("notices", __name__, url_prefix="/staff")

# Not-found and forbidden become 404/403 pages; every other domain error is a message.
WITHDRAWERS = (*notices.PUBLISHERS, Role.COUNTY)
CORRECTORS = (Role.CLERK, Role.ADMIN)
TERMINATORS = (Role.CLERK, Role.COUNTY, Role.ADMIN)


@bp.before_request
@login_required
def require_login():
    pass


def _digits(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _parse_date(text: str, field: str, label: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed({field: [f"{label}：请按 2026-11-02 的格式填写日期"]}) from None


def _parse_month(text: str) -> date:
    """An <input type=month> value, YYYY-MM (a full date is accepted too)."""
    text = (text or "").strip()
    try:
        return date.fromisoformat(text + "-01" if len(text) == 7 else text).replace(day=1)
    except ValueError:
        raise ValidationFailed({"month": ["救助发放月份：请按 2026-10 的格式填写月份"]}) from None


def _reason_form(prefix: str, label: str) -> ReasonForm:
    form = ReasonForm(prefix=prefix)
    form.reason.label.text = label
    return form


def _last_month(today: date) -> str:
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


# ---------------------------------------------------------------- dashboard


@bp.route("/notices/")
def dashboard():
    board = queries.dashboard(current_user)
    can_publish = current_user.role in notices.PUBLISHERS
    return render_template(
        "notices/dashboard.html",
        board=board,
        can_publish=can_publish,
        publishable={
            d.id for d in board.drafts if can_publish and not queries.made_by(current_user, d)
        },
        state_of=notices.notice_state,
    )


# ---------------------------------------------------------------- preparing a 7-day notice


@bp.route("/notices/new", methods=["GET", "POST"])
def new():
    if not current_user.can_edit_cases:
        abort(403)
    villages = cases.villages_for(current_user)
    source = request.form if request.method == "POST" else request.args
    village_id = _digits(source.get("village"))
    village = next((v for v in villages if v.id == village_id), None)
    if village_id is not None and village is None:
        abort(404)
    program = source.get("program") if source.get("program") in ("dibao", "tekun") else None
    form = PrepareNoticeForm(
        formdata=request.form if request.method == "POST" else None,
        data={"village": village_id, "program": program, "start_date": local_today().isoformat()},
    )
    checked = {i for i in map(_digits, request.form.getlist("case_ids")) if i is not None}
    case_errors: list[str] = []
    if form.validate_on_submit() and (village is None or program is None):
        flash("村/社区和项目：请先选择，再勾选案件", "error")
    elif form.validate_on_submit():
        try:
            start = _parse_date(form.start_date.data, "start_date", "公示开始日期")
            notice = notices.prepare_notice(
                current_user, village.id, program, sorted(checked), start
            )
        except ValidationFailed as error:
            db.session.rollback()
            case_errors = error.errors.pop("case_ids", [])
            if error.errors:
                show_errors(form, error)
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"已拟定公示草稿（{len(notice.entries)} 户/人），请交审核人发布", "success")
            return redirect(url_for("notices.detail", notice_id=notice.id))
    candidates = (
        queries.notice_candidates(current_user, village, Program(program))
        if (village and program)
        else []
    )
    return render_template(
        "notices/new.html",
        form=form,
        villages=villages,
        village=village,
        program=program,
        programs=NOTICE_PROGRAM_CHOICES,
        candidates=candidates,
        working_days=village is not None and notices.uses_working_days(village),
        checked=checked,
        case_errors=case_errors,
    )


# ---------------------------------------------------------------- one notice


def _render_notice(notice, **forms):
    """The notice page; `forms` replaces a blank form with one carrying the user's errors."""
    state = notices.notice_state(notice)
    role = current_user.role
    draft = notice.status == NoticeStatus.DRAFT
    pre_approval = notice.kind == NoticeKind.PRE_APPROVAL
    maker = queries.made_by(current_user, notice)
    can = {
        "publish": draft and role in notices.PUBLISHERS and not maker,
        "publisher_is_maker": draft and role in notices.PUBLISHERS and maker,
        "remove": draft and current_user.can_edit_cases and len(notice.entries) > 1,
        "withdraw": role in WITHDRAWERS
        and notice.kind != NoticeKind.ROSTER
        and state
        in (NoticeState.DRAFT, NoticeState.SCHEDULED, NoticeState.IN_FORCE, NoticeState.ENDED),
        "correct": role in CORRECTORS
        and pre_approval
        and state in (NoticeState.IN_FORCE, NoticeState.SCHEDULED)
        and notice.superseded_by is None,
        "record_objection": pre_approval and notice.status == NoticeStatus.PUBLISHED,
    }
    forms.setdefault("withdraw_form", _reason_form("withdraw", "撤回原因"))
    forms.setdefault("correct_form", _reason_form("correct", "更正原因"))
    forms.setdefault("objection_form", RecordObjectionForm(prefix="objection"))
    published = notice.snapshot_board is not None
    return render_template(
        "notices/detail.html",
        notice=notice,
        state=state,
        can=can,
        board=notices.snapshot_of(notice, "board") if published else None,
        public=published and notices.in_public_view(notice),
        working_days=pre_approval and queries.counted_in_working_days(notice),
        days_left=days_left(notice.end_date, local_today())
        if state == NoticeState.IN_FORCE and pre_approval
        else None,
        objections=objections.objections_in_scope(current_user, notice.id) if pre_approval else [],
        name_of=queries.display_name,
        **forms,
    )


@bp.route("/notices/<int:notice_id>")
def detail(notice_id: int):
    return _render_notice(notices.get_notice(current_user, notice_id))


@bp.route("/notices/<int:notice_id>/publish", methods=["POST"])
def publish(notice_id: int):
    try:
        notice = notices.publish_notice(current_user, notice_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"已发布，核验码 {notice.verification_code}", "success")
    return redirect(url_for("notices.detail", notice_id=notice_id))


@bp.route("/notices/<int:notice_id>/remove", methods=["POST"])
def remove(notice_id: int):
    # The service leaves this to any staff in scope; changing a draft's lines is the maker's job.
    if not current_user.can_edit_cases:
        abort(403)
    try:
        notices.remove_from_draft(
            current_user, notice_id, _digits(request.form.get("case_id")) or 0
        )
    except DomainError as error:
        flash_refusal(error)
    else:
        flash("已将该案件移出草稿，序号已重排", "success")
    return redirect(url_for("notices.detail", notice_id=notice_id))


@bp.route("/notices/<int:notice_id>/withdraw", methods=["POST"])
def withdraw(notice_id: int):
    form = _reason_form("withdraw", "撤回原因")
    was_draft = notices.get_notice(current_user, notice_id).status == NoticeStatus.DRAFT
    try:
        notices.withdraw_notice(current_user, notice_id, form.reason.data)
    except DomainError as error:
        show_errors(form, error)
        return _render_notice(notices.get_notice(current_user, notice_id), withdraw_form=form)
    if was_draft:
        flash(f"已删除公示草稿 {notice_id}，其中的案件可重新拟定公示", "success")
        return redirect(url_for("notices.dashboard"))
    flash("已撤回该公示，其中的案件回到待公示", "success")
    return redirect(url_for("notices.detail", notice_id=notice_id))


@bp.route("/notices/<int:notice_id>/correct", methods=["POST"])
def correct(notice_id: int):
    form = _reason_form("correct", "更正原因")
    try:
        draft = notices.prepare_correction(current_user, notice_id, form.reason.data)
    except DomainError as error:
        show_errors(form, error)
        return _render_notice(notices.get_notice(current_user, notice_id), correct_form=form)
    flash("已拟定更正公示草稿：请先修改案件，再交审核人发布；发布后原公示标为已更正", "success")
    return redirect(url_for("notices.detail", notice_id=draft.id))


@bp.route("/notices/<int:notice_id>/objections", methods=["POST"])
def record_objection(notice_id: int):
    form = RecordObjectionForm(prefix="objection")
    try:
        objection = objections.record_objection(
            current_user,
            notice_id,
            form.channel.data,
            form.text.data,
            form.name.data,
            form.phone.data,
            form.line.data,
        )
    except DomainError as error:
        show_errors(form, error)
        return _render_notice(notices.get_notice(current_user, notice_id), objection_form=form)
    flash(f"已登记异议，回执号 {objection.receipt_no}（请告知反映人）", "success")
    return redirect(url_for("notices.detail", notice_id=notice_id, _anchor="objections"))


@bp.route("/cases/<int:case_id>/notices")
def case_notices(case_id: int):
    case = cases.get_case(current_user, case_id)
    return render_template(
        "notices/case_notices.html",
        case=case,
        notices=queries.notices_of_case(current_user, case.id),
        state_of=notices.notice_state,
    )


# ---------------------------------------------------------------- objections


@bp.route("/objections/")
def objection_list():
    show_all = request.args.get("show") == "all"
    return render_template(
        "notices/objections.html",
        objections=objections.objections_in_scope(current_user, only_open=not show_all),
        show_all=show_all,
    )


@bp.route("/objections/<int:objection_id>", methods=["GET", "POST"])
def objection(objection_id: int):
    item = objections.get_objection(current_user, objection_id)
    form = ResolveObjectionForm()
    form.case_id.choices = [("", "请选择")] + [
        (str(e.case_id), f"{e.line}. {e.case.applicant_name}（{e.case.reference}）")
        for e in item.notice.entries
    ]
    if form.validate_on_submit():
        try:
            objections.resolve_objection(
                current_user,
                objection_id,
                form.outcome.data or "",
                form.investigation.data,
                _digits(form.case_id.data),
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"异议 {item.receipt_no} 已办结：{item.outcome.label}", "success")
            return redirect(url_for("notices.objection", objection_id=objection_id))
    return render_template(
        "notices/objection.html", objection=item, form=form, name_of=queries.display_name
    )


# ---------------------------------------------------------------- approval and termination


def _require_decider():
    if current_user.role not in notices.DECIDERS:
        abort(403)


def _render_approvals(reject_errors: dict | None = None, reasons: dict | None = None):
    return render_template(
        "notices/approvals.html",
        queue=notices.approval_queue(current_user),
        blocked=queries.blocked_cases(current_user),
        reject_errors=reject_errors or {},
        reasons=reasons or {},
    )


@bp.route("/approvals")
def approvals():
    _require_decider()
    return _render_approvals()


@bp.route("/approvals/<int:case_id>/approve", methods=["POST"])
def approve(case_id: int):
    _require_decider()
    try:
        case = notices.approve_case(current_user, case_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(
            f"已审核确认 {case.reference} {case.applicant_name}，"
            f"自 {case.benefit_start:%Y年%m月} 起享受；长期公示已更新",
            "success",
        )
    return redirect(url_for("notices.approvals"))


@bp.route("/approvals/<int:case_id>/reject", methods=["POST"])
def reject(case_id: int):
    _require_decider()
    reason = request.form.get("reason", "")
    try:
        case = notices.reject_case(current_user, case_id, reason)
    except ValidationFailed as error:
        db.session.rollback()
        return _render_approvals({case_id: error.errors["reason"]}, {case_id: reason})
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"已作不予确认处理：{case.reference} {case.applicant_name}", "success")
    return redirect(url_for("notices.approvals"))


@bp.route("/cases/<int:case_id>/terminate", methods=["GET", "POST"])
def terminate(case_id: int):
    if current_user.role not in TERMINATORS:
        abort(403)
    case = cases.get_case(current_user, case_id)
    form = _reason_form("terminate", "终止原因")
    if form.validate_on_submit():
        try:
            notices.terminate_case(current_user, case_id, form.reason.data)
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"已终止 {case.reference}，长期公示已发布新版本", "success")
            return redirect(url_for("cases.detail", case_id=case_id))
    return render_template(
        "notices/terminate.html",
        case=case,
        form=form,
        allowed=case.status in notices.ROSTER_STATUSES,
    )


# ---------------------------------------------------------------- rosters and 临时救助 lists


@bp.route("/rosters")
def rosters():
    villages = cases.villages_for(current_user)
    village_id = _digits(request.args.get("village"))
    village = next((v for v in villages if v.id == village_id), None)
    if village_id is not None and village is None:
        abort(404)
    program = request.args.get("program")
    program = Program(program) if program in ("dibao", "tekun") else Program.DIBAO
    versions = notices.roster_versions(village, program) if village else []
    return render_template(
        "notices/rosters.html",
        villages=villages,
        village=village,
        program=program,
        programs=NOTICE_PROGRAM_CHOICES,
        versions=versions,
        current=notices.current_roster(village, program) if village else None,
        state_of=notices.notice_state,
    )


@bp.route("/linshi-lists/new", methods=["GET", "POST"])
def new_linshi_list():
    if current_user.role not in notices.PUBLISHERS:
        abort(403)
    form = LinshiListForm()
    scopes = queries.linshi_scopes(current_user)
    form.region_id.choices = [("", "请选择")] + [
        (str(r.id), r.name if r.level == "village" else f"{r.name}（全乡镇/街道）") for r in scopes
    ]
    if request.method == "GET":
        form.month.data = _last_month(local_today())
        if len([r for r in scopes if r.level == "township"]) == 1:
            form.region_id.data = next(str(r.id) for r in scopes if r.level == "township")
    if form.validate_on_submit():
        try:
            month = _parse_month(form.month.data)
            notice = notices.publish_linshi_list(
                current_user, form.region_id.data, month, form.reason.data
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(
                f"已发布临时救助公示（{len(notice.entries)} 人次），核验码 "
                f"{notice.verification_code}",
                "success",
            )
            return redirect(url_for("notices.detail", notice_id=notice.id))
    return render_template("notices/linshi_new.html", form=form)
