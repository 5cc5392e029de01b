"""/api/v1: notices in public view, with the masked online snapshot."""

import json

from flask import Blueprint, current_app, request

from noticeboard.core.errors import NotFound
from noticeboard.core.security import public_url
from noticeboard.core.validation import parse_id
from noticeboard.portal import caching, services
from noticeboard.portal.caching import LIST_MAX_AGE, NOTICE_MAX_AGE
from noticeboard.portal.services import PublicNotice
from noticeboard.regions.models import RegionLevel

bp = Blueprint("api", __name__, url_prefix="/api/v1")


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


@bp.route("/notices")
def notices():
    """Notices in public view, newest first, API_PAGE_SIZE a page (?page=2 …); `count` is
    how many there are in all."""
    page = services.listed_notices_page(_region_filter(), parse_id(request.args.get("page")))
    return _json(
        {
            "notices": [_summary(p) for p in page.items],
            "count": page.total,
            "page": page.number,
            "pages": page.pages,
        },
        changes_on=caching.tomorrow(),
    )


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
