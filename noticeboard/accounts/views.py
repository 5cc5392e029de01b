"""Login, logout and user administration pages."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from noticeboard.accounts import services
from noticeboard.accounts.forms import LoginForm, UserForm
from noticeboard.accounts.models import User
from noticeboard.core.errors import DomainError
from noticeboard.core.forms import show_errors
from noticeboard.core.scope import scope_clause
from noticeboard.core.security import safe_next
from noticeboard.extensions import db, limiter, login_manager
from noticeboard.regions.models import Region
from noticeboard.regions.services import regions_within

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


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


def _require_admin():
    if not current_user.is_admin:
        abort(403)


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def users():
    _require_admin()
    form = UserForm()
    form.region_id.choices = [
        (r.id, r.full_name)
        for r in regions_within(current_user.region)
        if r.level.value in ("county", "township")
    ]
    if form.validate_on_submit():
        region = db.session.scalar(
            select(Region).where(Region.id == form.region_id.data, scope_clause(current_user))
        )
        try:
            if region is None:
                abort(404)
            user = services.create_user(
                form.username.data,
                form.password.data,
                form.role.data,
                region,
                form.display_name.data,
            )
            db.session.commit()
            flash(f"已创建用户 {user.username}", "success")
            return redirect(url_for("accounts.users"))
        except DomainError as error:
            show_errors(form, error)
    people = db.session.scalars(
        select(User).join(User.region).where(scope_clause(current_user)).order_by(User.username)
    ).all()
    return render_template("accounts/users.html", form=form, users=people)
