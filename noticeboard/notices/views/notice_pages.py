"""One notice: its page, and what staff do with it (publish, edit a draft, withdraw, correct,
record an objection); and the notices a case was listed on."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from noticeboard.cases.services import get_case
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError
from noticeboard.core.forms import flash_refusal, reason_form, show_errors
from noticeboard.core.permissions import Action, can
from noticeboard.core.validation import parse_id
from noticeboard.extensions import db
from noticeboard.masking.rules import Channel
from noticeboard.notices import objections, queries, terminations
from noticeboard.notices.forms import RecordObjectionForm
from noticeboard.notices.models import NoticeKind, NoticeStatus
from noticeboard.notices.periods import days_left, period_estimated
from noticeboard.notices.pre_approval import (
    can_correct,
    draft_fingerprint,
    prepare_correction,
    publish_notice,
    remove_from_draft,
    resubmit_draft,
    return_draft,
    withdraw_notice,
)
from noticeboard.notices.snapshots import build_snapshot, snapshot_of
from noticeboard.notices.state import (
    WITHDRAWABLE,
    NoticeState,
    get_notice,
    in_public_view,
    notice_state,
)
from noticeboard.notices.views import bp


def _render_notice(notice, **forms):
    """The notice page; `forms` replaces a blank form with one carrying the user's errors."""
    state = notice_state(notice)
    with_period = notice.kind.has_period
    may_publish = notice.is_draft and can(current_user, Action.PUBLISH_NOTICE)
    allowed = {
        "publish": may_publish and can(current_user, Action.PUBLISH_NOTICE, notice),
        "publisher_is_maker": may_publish and not can(current_user, Action.PUBLISH_NOTICE, notice),
        "remove": notice.is_draft
        and can(current_user, Action.EDIT_CASES)
        and len(notice.entries) > 1,
        "withdraw": can(current_user, Action.WITHDRAW_NOTICE, notice)
        and notice.kind != NoticeKind.ROSTER
        and state in WITHDRAWABLE,
        "correct": can(current_user, Action.PREPARE_NOTICE) and can_correct(notice),
        "record_objection": with_period
        and notice.status == NoticeStatus.PUBLISHED
        and can(current_user, Action.RECORD_OBJECTION),
        "return": may_publish and notice.returned_at is None,
        "resubmit": notice.is_draft
        and notice.returned_at is not None
        and can(current_user, Action.PREPARE_NOTICE),
    }
    if notice.returned_at is not None:
        allowed["publish"] = False
    forms.setdefault("withdraw_form", _withdraw_form(notice))
    forms.setdefault("return_form", reason_form("return", "退回说明"))
    forms.setdefault("correct_form", reason_form("correct", "更正原因"))
    forms.setdefault("objection_form", RecordObjectionForm(prefix="objection"))
    published = notice.snapshot_board is not None
    return render_template(
        "notices/detail.html",
        notice=notice,
        state=state,
        allowed=allowed,
        board=snapshot_of(notice, Channel.BOARD) if published else None,
        public=published and in_public_view(notice),
        working_days=with_period and queries.counted_in_working_days(notice),
        period_estimated=with_period
        and period_estimated(
            notice.start_date, notice.end_date, queries.counted_in_working_days(notice)
        ),
        days_left=days_left(notice.end_date, local_today())
        if state == NoticeState.IN_FORCE and with_period
        else None,
        objections=db.session.scalars(objections.objections_in_scope(current_user, notice.id)).all()
        if with_period
        else [],
        name_of=queries.display_name,
        termination=terminations.termination_of(notice),
        seen=draft_fingerprint(notice) if notice.is_draft else "",
        # A draft shows both copies as publishing would freeze them now: the reviewer
        # publishes what she read.
        previews={
            channel: build_snapshot(notice, notice.cases, channel)
            for channel in (Channel.BOARD, Channel.ONLINE)
        }
        if notice.is_draft and notice.entries
        else {},
        **forms,
    )


@bp.route("/notices/<int:notice_id>")
def detail(notice_id: int):
    return _render_notice(get_notice(current_user, notice_id))


@bp.route("/notices/<int:notice_id>/publish", methods=["POST"])
def publish(notice_id: int):
    try:
        notice = publish_notice(current_user, notice_id, seen=request.form.get("seen", ""))
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"已发布，核验码 {notice.verification_code}", "success")
    return redirect(url_for("notices.detail", notice_id=notice_id))


@bp.route("/notices/<int:notice_id>/remove", methods=["POST"])
def remove(notice_id: int):
    try:
        remove_from_draft(current_user, notice_id, parse_id(request.form.get("case_id")) or 0)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash("已将该案件移出草稿，序号已重排", "success")
    return redirect(url_for("notices.detail", notice_id=notice_id))


@bp.route("/notices/<int:notice_id>/withdraw", methods=["POST"])
def withdraw(notice_id: int):
    form = _withdraw_form(get_notice(current_user, notice_id))
    was_draft = get_notice(current_user, notice_id).is_draft
    try:
        withdraw_notice(current_user, notice_id, form.reason.data)
    except DomainError as error:
        show_errors(form, error)
        return _render_notice(get_notice(current_user, notice_id), withdraw_form=form)
    if was_draft:
        flash(f"已删除公示草稿 {notice_id}，其中的案件可重新拟定公示", "success")
        return redirect(url_for("notices.dashboard"))
    flash("已撤回该公示，其中的案件回到待公示", "success")
    return redirect(url_for("notices.detail", notice_id=notice_id))


def _withdraw_form(notice):
    # A draft is deleted, a published notice withdrawn: the field says which.
    return reason_form("withdraw", "删除原因" if notice.is_draft else "撤回原因")


@bp.route("/notices/<int:notice_id>/return", methods=["POST"])
def send_back(notice_id: int):
    form = reason_form("return", "退回说明")
    try:
        return_draft(current_user, notice_id, form.reason.data)
    except DomainError as error:
        show_errors(form, error)
        return _render_notice(get_notice(current_user, notice_id), return_form=form)
    flash("已退回经办人修改；经办人重新提交后，草稿回到待发布", "success")
    return redirect(url_for("notices.dashboard"))


@bp.route("/notices/<int:notice_id>/resubmit", methods=["POST"])
def resubmit(notice_id: int):
    try:
        resubmit_draft(current_user, notice_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash("已重新提交，等待审核人核对发布", "success")
    return redirect(url_for("notices.detail", notice_id=notice_id))


@bp.route("/notices/<int:notice_id>/correct", methods=["POST"])
def correct(notice_id: int):
    form = reason_form("correct", "更正原因")
    try:
        draft = prepare_correction(current_user, notice_id, form.reason.data)
    except DomainError as error:
        show_errors(form, error)
        return _render_notice(get_notice(current_user, notice_id), correct_form=form)
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
        return _render_notice(get_notice(current_user, notice_id), objection_form=form)
    flash(f"已登记异议，回执号 {objection.receipt_no}（请告知反映人）", "receipt")
    return redirect(url_for("notices.detail", notice_id=notice_id, _anchor="objections"))


@bp.route("/cases/<int:case_id>/notices")
def case_notices(case_id: int):
    case = get_case(current_user, case_id)
    return render_template(
        "notices/case_notices.html",
        case=case,
        notices=queries.notices_of_case(current_user, case.id),
        state_of=notice_state,
    )
