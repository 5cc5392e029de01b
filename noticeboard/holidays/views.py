"""The administrator's page of the holiday calendar (节假日安排)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from noticeboard.core.errors import DomainError
from noticeboard.core.forms import show_errors
from noticeboard.core.permissions import Action, requires
from noticeboard.holidays import services
from noticeboard.holidays.forms import HolidayYearForm
from noticeboard.holidays.ranges import as_lines

bp = Blueprint("holidays", __name__, url_prefix="/staff/admin/holidays")


@bp.route("/")
@login_required
@requires(Action.ADMINISTER)
def index():
    return render_template("holidays/index.html", years=services.years_overview())


@bp.route("/<int:year>", methods=["GET", "POST"])
@login_required
@requires(Action.ADMINISTER)
def year(year: int):
    try:
        year = services.clean_year(year)
    except DomainError:
        abort(404)
    entry = services.entered_year(year)
    data = {}
    if entry is not None:
        data = {"holidays": as_lines(entry.holidays), "workdays": as_lines(entry.workdays)}
    form = HolidayYearForm(data=data)
    if form.validate_on_submit():
        try:
            services.save_year(current_user, year, form.holidays.data, form.workdays.data)
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"已保存 {year} 年节假日安排，自即日起计算工作日时适用", "success")
            return redirect(url_for("holidays.index"))
    return render_template("holidays/year.html", year=year, entry=entry, form=form)
