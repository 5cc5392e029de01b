"""/api/v1: notices in public view, with the masked online snapshot; the public monthly
statistics; the OpenAPI document describing both. Every answer is the same for every
client (any cache may keep it, with an ETag for a cheap 304) and readable from any site's
scripts (CORS for GET: the data is public, and no cookie is read)."""

import json

from flask import Blueprint, current_app, request

from noticeboard.api.openapi import document
from noticeboard.cases.models import Program
from noticeboard.core.dates import local_today
from noticeboard.core.errors import NotFound
from noticeboard.core.security import public_url
from noticeboard.core.validation import FieldError, clean_date, parse_id
from noticeboard.notices.models import NoticeKind
from noticeboard.portal import caching, services
from noticeboard.portal.caching import LIST_MAX_AGE, NOTICE_MAX_AGE
from noticeboard.portal.services import PUBLIC_STATES, NoticeFilter, PublicNotice
from noticeboard.regions.models import RegionLevel
from noticeboard.statistics.periods import parse_month
from noticeboard.statistics.suppression import public_month

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class BadParameter(Exception):
    """A query parameter the API cannot read: 400, naming it."""


@bp.after_request
def cross_origin(response):
    """Any site's scripts may read the open data (GET only; no credentials are used)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.errorhandler(BadParameter)
def bad_parameter(error):
    return _json({"error": str(error)}, 400, max_age=0)


def _json(payload, status: int = 200, max_age: int = LIST_MAX_AGE, changes_on=None, tag=None):
    """The same answer for every client, so any cache may keep it (portal/caching.py); with
    `tag`, an answer that follows from it alone (a strong ETag)."""
    # UTF-8 rather than \\u escapes: the content is Chinese, and readable JSON is easier to audit.
    response = current_app.response_class(
        json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json"
    )
    if tag is not None:
        return caching.immutable(response, tag, max_age, changes_on)
    return caching.public(response, max_age, changes_on)


@bp.errorhandler(NotFound)
def not_found(error):
    return _json({"error": "not found"}, 404)


def _summary(shown: PublicNotice) -> dict:
    notice, content = shown.notice, shown.content
    return {
        "id": notice.id,
        "kind": content["kind"],
        "program": content["program"],
        "title": content["title"],
        "region": content["region"],
        "period": content["period"],
        "month": content["month"],
        "state": str(shown.state),
        "state_label": shown.state.label,
        "published_at": notice.published_at.isoformat(),
        "sha256": notice.sha256_online,
        "verification_code": notice.verification_code,
        "url": public_url("portal.notice", notice_id=notice.id),
    }


def _region_filter():
    """?village=<id> or ?township=<id>; the village wins when both are given."""
    for name, level in (("village", RegionLevel.VILLAGE), ("township", RegionLevel.TOWNSHIP)):
        value = request.args.get(name, "").strip()
        if value:
            region_id = parse_id(value)
            if region_id is None:
                raise NotFound()
            return services.region_of_level(region_id, level)
    return None


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if value not in {str(a) for a in allowed}:
        raise BadParameter(f"{name}: one of {', '.join(str(a) for a in allowed)}")
    return value


def _notice_filter() -> NoticeFilter:
    since = request.args.get("since", "").strip()[:20]
    try:
        day = clean_date(since, "since") if since else None
    except FieldError:
        raise BadParameter("since: a date as YYYY-MM-DD") from None
    return NoticeFilter(
        program=_choice("program", Program),
        kind=_choice("kind", NoticeKind),
        state=_choice("state", PUBLIC_STATES),
        since=day,
    )


@bp.route("/notices")
def notices():
    """Notices in public view, newest published first (ties: the higher id first), filtered
    by township or village, program, kind, state and publication date; API_PAGE_SIZE a page,
    `next` the address of the following page (null on the last); `count` in all."""
    filters = _notice_filter()
    page = services.listed_notices_page(
        _region_filter(), parse_id(request.args.get("page")), filters
    )
    kept = {k: v for k, v in request.args.items() if k != "page" and v.strip()}
    following = public_url("api.notices", **kept, page=page.number + 1) if page.has_next else None
    return _json(
        {
            "notices": [_summary(p) for p in page.items],
            "count": page.total,
            "page": page.number,
            "pages": page.pages,
            "next": following,
        },
        changes_on=caching.tomorrow(),
    )


def _public_cell(cell) -> dict | None:
    if cell is None:
        return None
    return {
        "households": cell.households,
        "persons": cell.persons,
        "amount": str(cell.amount),
        "amount_year_to_date": str(cell.ytd),
    }


@bp.route("/statistics")
def statistics():
    """One month of the county (with its townships) or of one township, per program, as
    the public page shows it: small cells are null (suppressed)."""
    raw_month = request.args.get("month", "").strip()
    month, error = parse_month(raw_month, local_today(), "month")
    if raw_month and error:
        raise BadParameter("month: a past or the current month as YYYY-MM")
    program = _choice("program", Program)
    programs = [Program(program)] if program else list(Program)
    shown = public_month(month)
    region_id = parse_id(request.args.get("region", "")) if request.args.get("region") else None
    if request.args.get("region") and region_id is None:
        raise NotFound()
    wanted = shown.row_of(region_id or shown.county.id)
    rows = shown.rows[:-1] if wanted.region_id == shown.county.id else []

    def figures(row) -> dict:
        return {
            "region": {"id": row.region_id, "name": row.name, "level": row.level},
            "programs": {str(p): _public_cell(row.cells[p]) for p in programs},
        }

    return _json(
        {
            "month": f"{month:%Y-%m}",
            "suppressed_below": shown.below,
            **figures(wanted),
            "regions": [figures(row) for row in rows],
        },
        changes_on=caching.tomorrow(),
    )


@bp.route("/openapi.json")
def openapi():
    return _json(document(), max_age=3600)


@bp.route("/notices/<int:notice_id>")
def notice(notice_id: int):
    """The online snapshot, plus its canonical text so anyone can recompute the SHA-256."""
    shown = services.public_notice(notice_id)
    return _json(
        {
            **shown.content,
            **_summary(shown),
            "snapshot": shown.notice.snapshot_online,
        },
        max_age=NOTICE_MAX_AGE,
        changes_on=shown.changes_on,
        # The snapshot never changes; the state beside it (ended, superseded) may.
        tag=f"{shown.notice.sha256_online}.{shown.state}",
    )
