"""Objections (异议) of the user's scope: the list, and investigating one."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from noticeboard.core.errors import DomainError
from noticeboard.core.forms import show_errors
from noticeboard.core.pages import page_of_query
from noticeboard.core.validation import parse_id
from noticeboard.notices import objections, queries
from noticeboard.notices.forms import ResolveObjectionForm
from noticeboard.notices.views import bp


@bp.route("/objections/")
def objection_list():
    show_all = request.args.get("show") == "all"
    return render_template(
        "notices/objections.html",
        objections=page_of_query(
            objections.objections_in_scope(current_user, only_open=not show_all),
            parse_id(request.args.get("page")),
        ),
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
                form.case_id.data,
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"异议 {item.receipt_no} 已办结：{item.outcome.label}", "success")
            return redirect(url_for("notices.objection", objection_id=objection_id))
    return render_template(
        "notices/objection.html", objection=item, form=form, name_of=queries.display_name
    )
