"""How long browsers and shared caches (a township's proxy, a CDN) may keep a public answer,
and the ETag that lets them check it again for the price of a 304."""

from datetime import date, datetime, time, timedelta

from flask import current_app, request
from werkzeug.wrappers import Response

from noticeboard.core.compression import unchanged_since
from noticeboard.core.dates import CHINA, local_today

# Lists, searches and receipts change whenever staff publish or resolve something: a minute
# late is fine on a village board, and spares the server every reader after the first.
LIST_MAX_AGE = 60
# A published notice's content never changes; its state does, when a correction, a new roster
# version or a withdrawal replaces it. Five minutes is as late as a resident may learn that.
NOTICE_MAX_AGE = 300


def seconds_until(day: date) -> int:
    """Whole seconds from now to the start of `day` in Beijing time (0 once it has begun)."""
    midnight = datetime.combine(day, time(), tzinfo=CHINA)
    return max(int((midnight - datetime.now(CHINA)).total_seconds()), 0)


def tomorrow() -> date:
    """Lists change at every midnight: notices end, leave view, and count their days down."""
    return local_today() + timedelta(days=1)


def public(rv, max_age: int, changes_on: date | None = None) -> Response:
    """The answer any cache may keep for `max_age` seconds, and never past the midnight that
    starts `changes_on`, the day the page will read differently by the calendar alone.

    The ETag is weak from the start: gzip (core/compression.py) changes the bytes, not the
    page, so the plain and the gzipped copy, their 200s and their 304s all carry the same one,
    and If-None-Match (compared weakly) answers 304 for either."""
    response = current_app.make_response(rv)
    if changes_on is not None:
        max_age = min(max_age, seconds_until(changes_on))
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    # Preconditions only apply to what would be a success (RFC 9110 §13.2.1): a 404 stays one.
    if 200 <= response.status_code < 300:
        response.add_etag(weak=True)
        response.make_conditional(request)
    return response


def private(rv) -> Response:
    """An answer for this visitor alone (a form with their CSRF token, their receipt)."""
    response = current_app.make_response(rv)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def immutable(rv, tag: str, max_age: int, changes_on: date | None = None) -> Response:
    """A public answer whose bytes follow from `tag` alone (a published snapshot's hash): a
    strong ETag, so a CDN may serve byte ranges and keep it, and a 304 when it still holds."""
    response = current_app.make_response(rv)
    if changes_on is not None:
        max_age = min(max_age, seconds_until(changes_on))
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    if 200 <= response.status_code < 300:
        response.set_etag(tag)
        response.tagged_per_encoding = True  # core/compression.py
        if unchanged_since(tag):
            response.status_code = 304
            response.set_data(b"")
    return response
