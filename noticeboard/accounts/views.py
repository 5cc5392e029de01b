"""Login, logout, one's own password and user administration pages."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from noticeboard.accounts import services, sessions
from noticeboard.accounts.forms import LoginForm, PasswordForm, UserForm
from noticeboard.core.errors import DomainError
from noticeboard.core.forms import flash_refusal, show_errors
from noticeboard.core.permissions import Action, requires
from noticeboard.core.security import safe_next
from noticeboard.extensions import limiter, login_manager

bp = Blueprint("accounts", __name__)


login_manager.user_loader(services.load_user)
login_manager.unauthorized_handler(sessions.send_to_login)
bp.before_app_request(sessions.end_timed_out_session)


def _failed(response) -> bool:
    # Only failed attempts count: a failed login re-renders the form, a good one redirects.
    return response.status_code != 302


def _account_key() -> str:
    """The account a login names; case-insensitive, so "Lin" and "lin" share one count."""
    return "account:" + request.form.get("username", "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
# Per address: one machine guessing at many accounts. Behind a reverse proxy the address is
# the client's only when TRUSTED_PROXIES says how many proxies to look through.
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT"],
    methods=["POST"],
    deduct_when=_failed,
    error_message="登录失败次数过多，请稍后再试",
)
# Per account: many machines guessing at one account. Pausing one account leaves colleagues
# behind the same office address free to log in.
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_FAILURE_LIMIT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    error_message="该账号登录失败次数过多，已暂停登录，请稍后再试或联系管理员",
)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            sessions.start_session(user)
            return redirect(safe_next(request.args.get("next")))
        flash("用户名或密码不正确", "error")
        return render_template("accounts/login.html", form=form), 401
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_all_sessions(current_user)
    sessions.end_session()
    flash("已退出登录", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            show_errors(form, error)
        else:
            sessions.start_session(user)
            flash("密码已修改；其他电脑上的登录已全部退出", "success")
            return redirect(safe_next(None))
    return render_template("accounts/password.html", form=form)


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
            # No name in a flash: the session cookie that carries it is readable by its holder.
            flash(f"已创建{user.role.label}账号，请将初始密码当面告知本人", "success")
            return redirect(url_for("accounts.users"))
    return render_template(
        "accounts/users.html", form=form, users=services.users_in_scope(current_user)
    )


def _set_enabled(user_id: int, enabled: bool):
    try:
        services.set_user_enabled(current_user, user_id, enabled)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash("已启用该账号" if enabled else "已停用该账号，其登录已全部退出", "success")
    return redirect(url_for("accounts.users"))


@bp.route("/admin/users/<int:user_id>/disable", methods=["POST"])
@login_required
@requires(Action.ADMINISTER)
def disable_user(user_id: int):
    return _set_enabled(user_id, False)


@bp.route("/admin/users/<int:user_id>/enable", methods=["POST"])
@login_required
@requires(Action.ADMINISTER)
def enable_user(user_id: int):
    return _set_enabled(user_id, True)
