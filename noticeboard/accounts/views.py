"""Login, logout and user administration pages."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from noticeboard.accounts import services
from noticeboard.accounts.forms import LoginForm, UserForm
from noticeboard.core.errors import DomainError
from noticeboard.core.forms import show_errors
from noticeboard.core.permissions import Action, requires
from noticeboard.core.security import safe_next
from noticeboard.extensions import limiter, login_manager

bp = Blueprint("accounts", __name__)


login_manager.user_loader(services.load_user)


def _login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit,
    methods=["POST"],
    # Only failed attempts count: a failed login re-renders the form, a good one redirects.
    deduct_when=lambda response: response.status_code != 302,
    error_message="登录失败次数过多，请 5 分钟后再试",
)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        flash("用户名或密码不正确", "error")
        return render_template("accounts/login.html", form=form), 401
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("已退出登录", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
@requires(Action.ADMINISTER)
def users():
    form = UserForm()
    form.region_id.choices = [(r.id, r.full_name) for r in services.account_regions(current_user)]
    if form.validate_on_submit():
        try:
            user = services.add_user(
                current_user,
                form.username.data,
                form.password.data,
                form.role.data,
                form.region_id.data,
                form.display_name.data,
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"已创建用户 {user.username}", "success")
            return redirect(url_for("accounts.users"))
    return render_template(
        "accounts/users.html", form=form, users=services.users_in_scope(current_user)
    )
