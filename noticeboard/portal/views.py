"""Public portal (no login): home → township → village → notice; objections; verification;
the township Atom feed; large-text mode.

Every page here but the objection page is the same for every visitor, so shared caches may
keep it (portal/caching.py): nothing here reads the session, and large-text mode is a
stylesheet of its own (/display.css) rather than a class in the page."""

from flask import Blueprint, current_app, redirect, render_template, request

from noticeboard.cases.models import Program
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError, NotFound, ValidationFailed
from noticeboard.core.exports import csv_response
from noticeboard.core.forms import show_errors
from noticeboard.core.security import public_host, public_url, safe_next
from noticeboard.core.types import utcnow
from noticeboard.extensions import db, limiter
from noticeboard.notices import objections
from noticeboard.portal import caching, search, services
from noticeboard.portal.caching import LIST_MAX_AGE, NOTICE_MAX_AGE
from noticeboard.portal.forms import ObjectionForm
from noticeboard.regions.models import RegionLevel
from noticeboard.statistics.periods import parse_month
from noticeboard.statistics.suppression import public_month

bp = Blueprint("portal", __name__)
ONE_YEAR = 365 * 24 * 3600
# Longest verification code or receipt number worth looking up; anything longer is noise.
LOOKUP_MAX = 40


@bp.route("/")
def home():
    """The townships, and the villages matching `q` (a GET form: works without JavaScript)."""
    text = request.args.get("q", "")
    found = search.find_villages(text) if text.strip() else None
    page = render_template(
        "portal/home.html", townships=services.townships(), q=text[: search.QUERY_MAX], found=found
    )
    return caching.public(page, LIST_MAX_AGE)


@bp.route("/townships/<int:township_id>")
def township(township_id: int):
    region = services.region_of_level(township_id, RegionLevel.TOWNSHIP)
    page = render_template(
        "portal/township.html", township=region, board=services.township_board(region)
    )
    return caching.public(page, LIST_MAX_AGE, caching.tomorrow())


@bp.route("/townships/<int:township_id>/feed.atom")
def township_feed(township_id: int):
    region = services.region_of_level(township_id, RegionLevel.TOWNSHIP)
    entries = services.listed_notices_page(region, 1).items  # the newest, as feeds go
    body = render_template(
        "api/feed.atom.xml",
        township=region,
        entries=entries,
        updated=entries[0].notice.published_at if entries else utcnow(),
        # A tag: URI names a domain, not a host and port.
        tag_authority=public_host(),
    )
    response = current_app.response_class(body, content_type="application/atom+xml; charset=utf-8")
    return caching.public(response, LIST_MAX_AGE, caching.tomorrow())


@bp.route("/villages/<int:village_id>")
def village(village_id: int):
    region = services.region_of_level(village_id, RegionLevel.VILLAGE)
    page = render_template(
        "portal/village.html", village=region, board=services.village_board(region)
    )
    return caching.public(page, LIST_MAX_AGE, caching.tomorrow())


@bp.route("/notices/<int:notice_id>")
def notice(notice_id: int):
    shown = services.public_notice(notice_id)
    page = render_template("portal/notice.html", shown=shown)
    return caching.public(page, NOTICE_MAX_AGE, shown.changes_on)


@bp.route("/notices/<int:notice_id>/qr.svg")
def notice_qr(notice_id: int):
    """The QR code of the notice's public address (PUBLIC_BASE_URL, never the Host header)."""
    shown = services.public_notice(notice_id)
    svg = services.qr_svg(public_url("portal.notice", notice_id=shown.id))
    response = current_app.response_class(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _objection_page(shown, form: ObjectionForm | None, refusal: str | None = None, status=200):
    page = render_template("portal/objection.html", shown=shown, form=form, refusal=refusal)
    # The form carries this visitor's CSRF token, and a refused one what they typed.
    return caching.private((page, status))


@bp.route("/notices/<int:notice_id>/objections", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["OBJECTION_LIMIT"],
    methods=["POST"],
    error_message="提交过于频繁，请稍后再试",
)
def raise_objection(notice_id: int):
    """异议: the form on a page of its own, the only public page that starts a session (for
    its CSRF token), so that the notice page stays the same for everyone."""
    shown = services.public_notice(notice_id)
    if not shown.kind.has_period:
        raise NotFound("该公示不受理在线异议")  # rosters and 临时救助 lists never take them
    form = ObjectionForm()
    if request.method == "GET":
        return _objection_page(shown, form if shown.accepts_objections else None)
    if not form.validate_on_submit():
        return _objection_page(shown, form, status=400)
    try:
        objection = objections.raise_objection(
            notice_id, form.text.data, form.name.data, form.phone.data, form.line.data
        )
    except ValidationFailed as error:
        # Contact details are not sent back, not even to the person who typed them.
        form.name.data = form.phone.data = ""
        show_errors(form, error)
        return _objection_page(shown, form, status=422)
    except DomainError as error:  # the period ended while the form was open
        db.session.rollback()
        return _objection_page(shown, None, error.message, 409)
    page = render_template("portal/objection_received.html", shown=shown, objection=objection)
    return caching.private(page)


@bp.route("/objections/lookup")
def objection_lookup():
    receipt = request.args.get("receipt", "").strip()[:LOOKUP_MAX]
    status = services.receipt_status(receipt) if receipt else None
    page = render_template("portal/lookup.html", receipt=receipt, status=status)
    return caching.public(page, LIST_MAX_AGE)


@bp.route("/verify")
@bp.route("/verify/<code>")
def verify(code: str | None = None):
    """核验: does the code printed on a board copy belong to a notice published here?"""
    code = (code if code is not None else request.args.get("code", "")).strip()[:LOOKUP_MAX]
    match = services.verify_code(code) if code else None
    status = 404 if code and match is None else 200
    page = render_template("portal/verify.html", code=code, match=match)
    # Short as a list: a withdrawal must show soon on the page that says whether to trust a copy.
    return caching.public((page, status), LIST_MAX_AGE, match.changes_on if match else None)


@bp.route("/display")
def display():
    """Large-text mode (长者模式): a cookie, so it stays on from page to page without JS."""
    response = caching.private(redirect(safe_next(request.args.get("next"), default="/")))
    size = "large" if request.args.get("size") == "large" else "normal"
    response.set_cookie("text_size", size, max_age=ONE_YEAR, httponly=True, samesite="Lax")
    return response


@bp.route("/display.css")
def display_css():
    """The large-text rules when the visitor chose 长者模式, else none. Every page links this
    stylesheet, so the pages stay the same for everyone; it is the one answer that depends on
    the cookie, tiny, and checked again on every page view (a 304 while the mode is unchanged)."""
    large = request.cookies.get("text_size") == "large"
    response = current_app.response_class(
        render_template("portal/display.css", large=large), mimetype="text/css"
    )
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    response.add_etag(weak=True)
    return response.make_conditional(request)


# ---------------------------------------------------------------- statistics (政务公开)

PUBLIC_STATS_COLUMNS = (
    "地区", "低保户数", "低保人数", "低保金（元）", "特困人数", "特困供养金（元）",
    "临时救助人次", "临时救助金（元）",
)  # fmt: skip
SUPPRESSED = "*"


def _public_stats_lines(shown) -> list[list]:
    lines = []
    for row in shown.rows:
        line = [row.name if row.region_id != shown.county.id else f"{row.name}合计"]
        for program, fields in (
            (Program.DIBAO, ("households", "persons", "amount")),
            (Program.TEKUN, ("persons", "amount")),
            (Program.LINSHI, ("households", "amount")),
        ):
            cell = row.cells[program]
            line.extend(SUPPRESSED if cell is None else getattr(cell, f) for f in fields)
        lines.append(line)
    return lines


@bp.route("/statistics")
def statistics():
    """The county's and its townships' figures of a month: counts and amounts only, small
    cells suppressed (statistics/suppression.py)."""
    month, error = parse_month(request.args.get("month", ""), local_today())
    shown = public_month(month)
    page = render_template(
        "portal/statistics.html",
        shown=shown,
        month=month,
        error=error,
        columns=PUBLIC_STATS_COLUMNS,
        lines=_public_stats_lines(shown),
        suppressed=SUPPRESSED,
    )
    return caching.public(page, LIST_MAX_AGE, caching.tomorrow())


@bp.route("/statistics.csv")
def statistics_csv():
    month, _ = parse_month(request.args.get("month", ""), local_today())
    shown = public_month(month)
    response = csv_response(
        list(PUBLIC_STATS_COLUMNS),
        _public_stats_lines(shown),
        f"{shown.county.name}{month.year}年{month.month}月社会救助统计.csv",
    )
    return caching.public(response, LIST_MAX_AGE, caching.tomorrow())
