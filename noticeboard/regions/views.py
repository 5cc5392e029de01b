"""Region administration: the tree, a form to add a node, and a township's notice settings."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from noticeboard.core.errors import DomainError
from noticeboard.core.forms import show_errors
from noticeboard.core.permissions import Action, requires
from noticeboard.regions import delegation, services, termination
from noticeboard.regions.forms import (
    DelegationForm,
    LinshiLimitForm,
    RegionForm,
    RegionSettingsForm,
    TerminationSettingForm,
)
from noticeboard.regions.models import RegionLevel

bp = Blueprint("regions", __name__, url_prefix="/staff/admin/regions")


@bp.route("/", methods=["GET", "POST"])
@login_required
@requires(Action.ADMINISTER)
def index():
    tree = services.regions_within(current_user.region)
    form = RegionForm()
    form.parent_id.choices = [("", "（无，新建县/区）")] + [
        (str(r.id), f"{r.full_name}（{r.level.label}）")
        for r in tree
        if r.level != RegionLevel.GROUP
    ]
    if form.validate_on_submit():
        try:
            region = services.add_region(
                current_user,
                form.name.data,
                form.level.data,
                form.parent_id.data,
                form.phone.data,
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"已添加 {region.full_name}", "success")
            return redirect(url_for("regions.index"))
    depth = {r.id: r.path.count("/") - current_user.region.path.count("/") for r in tree}
    return render_template("regions/index.html", tree=tree, depth=depth, form=form)


@bp.route("/<int:region_id>/settings", methods=["GET", "POST"])
@login_required
@requires(Action.ADMINISTER)
def settings(region_id: int):
    region = services.settings_region(current_user, region_id)
    form = RegionSettingsForm(
        data={
            "phone": region.phone or "",
            "working_day_notices": next(
                k for k, v in services.WORKING_DAY_VALUES.items() if v is region.working_day_notices
            ),
            "assessment_panel": region.assessment_panel or "",
            "near_relative_column": region.near_relatives_shown.value,
        }
    )
    county = region.level == RegionLevel.COUNTY
    if form.validate_on_submit():
        try:
            services.update_notice_settings(
                current_user,
                region,
                form.phone.data,
                form.working_day_notices.data,
                form.assessment_panel.data,
                form.near_relative_column.data if county else None,
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"已保存{region.name}的公示设置，自即日起拟定和发布的公示适用", "success")
            return redirect(url_for("regions.settings", region_id=region.id))
    inherited = region.parent.inherited("working_day_notices") if region.parent else None
    return render_template(
        "regions/settings.html",
        region=region,
        form=form,
        county=county,
        parent_mode=services.WORKING_DAY_LABELS[bool(inherited)],
    )


@bp.route("/approval", methods=["GET", "POST"])
@login_required
@requires(Action.SET_APPROVAL_RULES)
def approval():
    """Who confirms the county's 低保 and 特困 cases: the county, or its townships; and up to
    which amount the townships approve 临时救助 (its own form, posted to linshi_limit)."""
    county_id = delegation.county_id_of(current_user.region)
    form = DelegationForm(data=_chosen(county_id))
    if form.validate_on_submit():
        try:
            delegation.set_confirmers(
                current_user, county_id, {"dibao": form.dibao.data, "tekun": form.tekun.data}
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            flash("已保存审核确认权限，自即日起的审核确认适用", "success")
            return redirect(url_for("regions.approval"))
    limit = delegation.linshi_township_limit(county_id)
    limit_form = LinshiLimitForm(formdata=None, data={"linshi_limit": limit or ""})
    return _render_approval(county_id, form, limit_form)


def _chosen(county_id: int) -> dict[str, str]:
    return {program: by.value for program, by in delegation.confirmers(county_id).items()}


def _render_approval(county_id: int, form, limit_form):
    return render_template(
        "regions/approval.html",
        form=form,
        current=delegation.confirmers(county_id),
        limit_form=limit_form,
        limit_label=delegation.limit_label(delegation.linshi_township_limit(county_id)),
    )


@bp.route("/approval/linshi-limit", methods=["POST"])
@login_required
@requires(Action.SET_APPROVAL_RULES)
def linshi_limit():
    """The largest 临时救助 the county's townships approve (empty: every one)."""
    county_id = delegation.county_id_of(current_user.region)
    form = LinshiLimitForm()
    if form.validate():
        try:
            limit = delegation.set_linshi_limit(current_user, county_id, form.linshi_limit.data)
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(
                f"已保存临时救助乡镇审批限额：{delegation.limit_label(limit)}，自即日起录入的"
                "临时救助适用",
                "success",
            )
            return redirect(url_for("regions.approval", _anchor="linshi-limit"))
    delegation_form = DelegationForm(formdata=None, data=_chosen(county_id))
    return _render_approval(county_id, delegation_form, form)


@bp.route("/termination", methods=["GET", "POST"])
@login_required
@requires(Action.SET_APPROVAL_RULES)
def termination_setting():
    """How the county's 低保 cases end: at once with a reason, or after a termination notice."""
    county_id = delegation.county_id_of(current_user.region)
    current = termination.dibao_termination(county_id)
    form = TerminationSettingForm(data={"dibao": current.value})
    if form.validate_on_submit():
        try:
            termination.set_dibao_termination(current_user, county_id, form.dibao.data)
        except DomainError as error:
            show_errors(form, error)
        else:
            flash("已保存低保终止方式，自即日起的终止适用", "success")
            return redirect(url_for("regions.termination_setting"))
    return render_template("regions/termination.html", form=form, current=current)
