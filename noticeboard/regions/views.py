"""Region administration: the tree and a form to add a node."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from noticeboard.cases.validation import FieldError, clean_phone
from noticeboard.core.errors import DomainError
from noticeboard.core.forms import show_errors
from noticeboard.core.scope import scope_clause
from noticeboard.extensions import db
from noticeboard.regions import services
from noticeboard.regions.forms import RegionForm
from noticeboard.regions.models import Region, RegionLevel

bp = Blueprint("regions", __name__, url_prefix="/staff/admin/regions")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    if not current_user.is_admin:
        abort(403)
    tree = services.regions_within(current_user.region)
    form = RegionForm()
    form.parent_id.choices = [("", "（无，新建县/区）")] + [
        (str(r.id), f"{r.full_name}（{r.level.label}）")
        for r in tree
        if r.level != RegionLevel.GROUP
    ]
    if form.validate_on_submit():
        parent = None
        if form.parent_id.data:
            parent = db.session.scalar(
                select(Region).where(
                    Region.id == int(form.parent_id.data), scope_clause(current_user)
                )
            )
            if parent is None:
                abort(404)
        try:
            phone = clean_phone(form.phone.data, "监督电话")
            level = form.level.data if form.level.data in set(RegionLevel) else None
            if level is None:
                raise DomainError("级别：请从列表中选择", field="level")
            region = services.create_region(form.name.data, level, parent, phone)
            db.session.commit()
            flash(f"已添加 {region.full_name}", "success")
            return redirect(url_for("regions.index"))
        except FieldError as error:
            form.phone.errors = [str(error)]
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
    depth = {r.id: r.path.count("/") - current_user.region.path.count("/") for r in tree}
    return render_template("regions/index.html", tree=tree, depth=depth, form=form)
