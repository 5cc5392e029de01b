"""Public portal (no login): home → township → village → notice; objections; verification;
the township Atom feed; large-text mode."""

from flask import Blueprint, current_app, redirect, render_template, request

from noticeboard.core.errors import DomainError, ValidationFailed
from noticeboard.core.forms import show_errors
from noticeboard.core.security import public_host, public_url, safe_next
from noticeboard.core.types import utcnow
from noticeboard.extensions import limiter
from noticeboard.notices import objections
from noticeboard.portal import search, services
from noticeboard.portal.forms import ObjectionForm
from noticeboard.regions.models import RegionLevel

bp = Blueprint("portal", __name__)
ONE_YEAR = 365 * 24 * 3600
# Longest verification code or receipt number worth looking up; anything longer is noise.
LOOKUP_MAX = 40
PUBLIC_CACHE = "public, max-age=60"


@bp.route("/")
def home():
    """The townships, and the villages matching `q` (a GET form: works without JavaScript)."""
    text = request.args.get("q", "")
    found = search.find_villages(text) if text.strip() else None
    return render_template(
        "portal/home.html", townships=services.townships(), q=text[: search.QUERY_MAX], found=found
    )


@bp.route("/townships/<int:township_id>")
def township(township_id: int):
    region = services.region_of_level(township_id, RegionLevel.TOWNSHIP)
    return render_template(
        "portal/township.html", township=region, board=services.township_board(region)
    )


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
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.route("/villages/<int:village_id>")
def village(village_id: int):
    region = services.region_of_level(village_id, RegionLevel.VILLAGE)
    return render_template(
        "portal/village.html", village=region, board=services.village_board(region)
    )


def _notice_page(shown: services.PublicNotice, form: ObjectionForm | None, status: int = 200):
    response = current_app.make_response(
        (render_template("portal/notice.html", shown=shown, form=form), status)
    )
    if form is not None:
        # The form carries this visitor's CSRF token: no shared cache may hand it to another.
        response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/notices/<int:notice_id>")
def notice(notice_id: int):
    shown = services.public_notice(notice_id)
    return _notice_page(shown, ObjectionForm() if shown.accepts_objections else None)


@bp.route("/notices/<int:notice_id>/qr.svg")
def notice_qr(notice_id: int):
    """The QR code of the notice's public address (PUBLIC_BASE_URL, never the Host header)."""
    shown = services.public_notice(notice_id)
    svg = services.qr_svg(public_url("portal.notice", notice_id=shown.id))
    response = current_app.response_class(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/notices/<int:notice_id>/objections", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["OBJECTION_LIMIT"],
    methods=["POST"],
    error_message="提交过于频繁，请稍后再试",
)
def raise_objection(notice_id: int):
    shown = services.public_notice(notice_id)
    form = ObjectionForm()
    if not form.validate_on_submit():
        return _notice_page(shown, form, 400)
    try:
        objection = objections.raise_objection(
            notice_id, form.text.data, form.name.data, form.phone.data, form.line.data
        )
    except DomainError as error:
        # Contact details are not sent back, not even to the person who typed them.
        form.name.data = form.phone.data = ""
        show_errors(form, error)
        status = 422 if isinstance(error, ValidationFailed) else 409
        return _notice_page(shown, form if shown.accepts_objections else None, status)
    return render_template("portal/objection_received.html", shown=shown, objection=objection)


@bp.route("/objections/lookup")
def objection_lookup():
    receipt = request.args.get("receipt", "").strip()[:LOOKUP_MAX]
    status = services.receipt_status(receipt) if receipt else None
    return render_template("portal/lookup.html", receipt=receipt, status=status)


@bp.route("/verify")
@bp.route("/verify/<code>")
def verify(code: str | None = None):
    """核验: does the code printed on a board copy belong to a notice published here?"""
    code = (code if code is not None else request.args.get("code", "")).strip()[:LOOKUP_MAX]
    match = services.verify_code(code) if code else None
    status = 404 if code and match is None else 200
    return render_template("portal/verify.html", code=code, match=match), status


@bp.route("/display")
def display():
    """Large-text mode (长者模式): a cookie, so it stays on from page to page without JS."""
    response = redirect(safe_next(request.args.get("next"), default="/"))
    size = "large" if request.args.get("size") == "large" else "normal"
    response.set_cookie("text_size", size, max_age=ONE_YEAR, httponly=True, samesite="Lax")
    return response
