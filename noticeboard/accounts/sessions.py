"""A staff member's session in the browser: how it starts, ends and times out.

The cookie is only signed, so what it holds is readable by whoever has it; it holds the account
token (id and session generation, checked by services.load_user on every request) and the
times below, which the signature keeps honest.
"""

import time

from flask import current_app, flash, g, redirect, request, session
from flask_login import current_user, login_url, login_user, logout_user

from noticeboard.extensions import login_manager

LOGIN_AT, SEEN_AT = "login_at", "seen_at"
TIMED_OUT = "登录已超时，请重新登录"


def start_session(user) -> None:
    """Log `user` in on this browser, with a new CSRF token."""
    # A token handed out before login (say, on a shared PC's login page) must not act for
    # the account afterwards; Flask-WTF makes a new one when the old is gone.
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)
    login_user(user)
    session[LOGIN_AT] = session[SEEN_AT] = int(time.time())


def end_session() -> None:
    logout_user()
    session.pop(LOGIN_AT, None)
    session.pop(SEEN_AT, None)


def _timed_out(now: int) -> bool:
    config = current_app.config
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return True
    return (
        now - seen_at > config["SESSION_IDLE_MINUTES"] * 60
        or now - login_at > config["SESSION_MAX_HOURS"] * 3600
    )


def end_timed_out_session() -> None:
    """Before every request: a session idle too long, or older than the working day allows,
    ends; otherwise the idle clock starts again."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    now = int(time.time())
    if _timed_out(now):
        end_session()
        flash(TIMED_OUT, "info")
        g.session_timed_out = True
    else:
        session[SEEN_AT] = now


def send_to_login():
    """Flask-Login's own answer, without a second message after a timeout."""
    if not g.get("session_timed_out"):
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))
