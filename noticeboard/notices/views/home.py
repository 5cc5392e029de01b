"""工作台: where a staff member lands after login, with what waits for them."""

from flask import render_template
from flask_login import current_user

from noticeboard.core.permissions import Action, can
from noticeboard.notices.todo import workbench
from noticeboard.notices.views import bp


@bp.route("/home")
def home():
    return render_template(
        "notices/home.html",
        bench=workbench(current_user),
        administers=can(current_user, Action.ADMINISTER),
    )
