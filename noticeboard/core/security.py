"""HTTP security headers, session cookies that leave public pages cacheable, and the error
pages, which never echo request data."""

from urllib.parse import urlsplit

from flask import (
    Flask,
    Request,
    abort,
    current_app,
    has_request_context,
    render_template,
    request,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import exceptions as werkzeug_errors
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from noticeboard.core.errors import Forbidden, NotFound
from noticeboard.extensions import db

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)

ERROR_TITLES = {
    400: "请求有误",
    403: "没有权限",
    404: "页面不存在",
    405: "请求方式不对",
    409: "操作冲突",
    413: "提交内容过大",
    429: "操作过于频繁",
    500: "系统出错",
}


class RecordIdConverter(IntegerConverter):
    """`<int:…>` in every route: ASCII digits, at most 18 of them.

    Werkzeug's own accepts any length (an id past the database's integer range was a 500)
    and any Unicode decimal digit; anything else here is simply a page that does not exist.
    """

    regex = r"[0-9]{1,18}"


HSTS = "max-age=31536000"


def accepts_upload(config_key: str):
    """Mark a view that takes a file larger than MAX_CONTENT_LENGTH, of up to the byte count in
    config `config_key`. The body may be twice that, so a file a little too large reaches the
    view and gets the message naming the limit rather than the bare 413 page."""

    def mark(view):
        view.upload_limit_key = config_key
        return view

    return mark


class UploadAwareRequest(Request):
    """The request body limit of the matched view: MAX_CONTENT_LENGTH, unless the view is
    marked by accepts_upload. Decided before anything (CSRF included) reads the body."""

    @property
    def max_content_length(self) -> int | None:
        rule = self.url_rule
        view = current_app.view_functions.get(rule.endpoint) if rule is not None else None
        key = getattr(view, "upload_limit_key", None)
        if key is None:
            return current_app.config["MAX_CONTENT_LENGTH"]
        return current_app.config[key] * 2

    @max_content_length.setter
    def max_content_length(self, value) -> None:
        raise AttributeError("use accepts_upload on the view")


class SharedPageSessions(SecureCookieSessionInterface):
    """Sessions that leave pages marked `Cache-Control: public` shareable.

    Flask adds `Vary: Cookie` whenever the session was read, and Flask-Login reads it on every
    request to know whether a staff member is logged in; a shared cache then keeps one copy per
    cookie, that is none worth keeping. A page its view marked public is the same for every
    visitor, so reading the session did not change it. If a cookie must go out with it all the
    same (a staff member's idle clock, a visitor's CSRF session refreshed), that copy is the
    visitor's own: it stops being public, so no proxy hands it, cookie and all, to the next."""

    def save_session(self, app, session, response) -> None:
        if response.cache_control.public:
            if not (session.modified or (session and self.should_set_cookie(app, session))):
                return
            response.cache_control.public = False
            response.cache_control.private = True
        super().save_session(app, session, response)


def init_security(app: Flask) -> None:
    app.add_template_global(public_url)
    app.request_class = UploadAwareRequest
    app.session_interface = SharedPageSessions()
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Each proxy appends the address it saw; only the last `proxies` entries are believed,
        # so a client cannot pick its own address (and rate-limit count) by sending the header.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    # A site published over HTTPS tells browsers never to use plain HTTP for it again (for a
    # year), so a café Wi-Fi cannot strip the HTTPS from a clerk's login.
    https = urlsplit(app.config["PUBLIC_BASE_URL"]).scheme == "https"

    @app.before_request
    def refuse_nul_bytes():
        # No text a person types holds U+0000, and PostgreSQL refuses it in any query:
        # a request carrying one is answered 400 before it reaches a form or a search.
        values = [*request.args.values(), *request.form.values(), request.path]
        if any("\x00" in value for value in values):
            abort(400)

    @app.after_request
    def set_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint and not request.endpoint.startswith(("portal.", "static")):
            # Staff pages hold personal data: keep them out of shared caches and history.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def error_page(error):
        # The page stands alone (no staff menu, no database): it must render even when the
        # error came from the database.
        code = getattr(error, "code", 500) or 500
        return render_template(
            "errors.html",
            code=code,
            title=ERROR_TITLES.get(code, "出错了"),
            description=getattr(error, "description", None) if code == 429 else None,
        ), code

    for code in ERROR_TITLES:
        app.register_error_handler(code, error_page)
    # A service's NotFound (also: outside the user's scope) and Forbidden are HTTP 404 and 403.
    app.register_error_handler(NotFound, lambda error: error_page(werkzeug_errors.NotFound()))
    app.register_error_handler(Forbidden, lambda error: error_page(werkzeug_errors.Forbidden()))

    def conflict(error):
        """Two people (or two clicks) changed the same record at the same instant: the later
        one is refused whole, and told to look again."""
        db.session.rollback()
        return error_page(werkzeug_errors.Conflict())

    app.register_error_handler(IntegrityError, conflict)
    app.register_error_handler(StaleDataError, conflict)


def safe_next(target: str | None, default: str | None = None) -> str:
    """`target` if it is a path on this site, else the default (the staff member's 工作台)."""
    # Only plain same-site paths, so a crafted link cannot bounce a user to a look-alike site:
    # browsers drop tabs and newlines, so "/\t/evil.com" would become "//evil.com".
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and all(ch.isprintable() and not ch.isspace() and ch != "\\" for ch in target)
        and not urlsplit(target).netloc
    ):
        return target
    return default or url_for("notices.home")


def public_url(endpoint: str, **values) -> str:
    """An absolute public address, built from PUBLIC_BASE_URL and never from the request's
    Host header: these addresses are stored (PDF, QR code) and cached (feed, API)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    # A job in the worker (a batch print's QR codes) has no request to build URLs from.
    return base + current_app.url_map.bind("localhost").build(endpoint, values)


def public_host() -> str:
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
