"""The access log (个人信息查阅记录): every page view, reveal or export that showed full
resident IDs, phones or addresses, searched by staff member and by case; and the alert on an
account that sees an unusual number of IDs within an hour.

Recording is one insert per page (which fields, never their values), in the request's own
transaction; the views that show personal data call `record_access` before they render.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import Select, exists, func, or_, select

from noticeboard.audit.models import AccessAlert, AccessKind, DataAccess
from noticeboard.audit.services import start_of_day
from noticeboard.core.pages import Page, page_of_query
from noticeboard.core.permissions import Action, require
from noticeboard.core.types import utcnow
from noticeboard.core.validation import to_ascii_digits
from noticeboard.extensions import db
from noticeboard.regions.models import Region
from noticeboard.regions.scope import scope_clause

PAGE_SIZE = 50
ALERT_WINDOW = timedelta(hours=1)
# The 工作台 shows an alert for this long (the log page keeps every one).
ALERT_SHOWN_FOR = timedelta(days=7)
# What counts towards the alert: looking at people one by one. An export states its
# purpose and is its own line in the log, so routine monthly exports do not raise alarms.
COUNTED = (AccessKind.VIEW, AccessKind.REVEAL)


def record_access(
    user,
    kind: AccessKind,
    fields: list[str],
    *,
    case=None,
    region_id: int | None = None,
    identifiers: int = 0,
    purpose: str | None = None,
) -> DataAccess:
    """Add one entry to the caller's transaction; an hour's IDs past the threshold also
    raise an alert (once per hour of excess)."""
    entry = DataAccess(
        at=utcnow(),
        user_id=user.id,
        actor=user.display_name,
        kind=kind,
        case_id=case.id if case is not None else None,
        region_id=case.village_id if case is not None else (region_id or user.region_id),
        fields=fields,
        identifiers=identifiers,
        client_address=request.remote_addr if has_request_context() else None,
        purpose=purpose,
    )
    db.session.add(entry)
    if kind in COUNTED and identifiers:
        _raise_alert_when_unusual(user, entry.at)
    return entry


def _raise_alert_when_unusual(user, now: datetime) -> None:
    since = now - ALERT_WINDOW
    db.session.flush()
    seen = db.session.scalar(
        select(func.coalesce(func.sum(DataAccess.identifiers), 0)).where(
            DataAccess.user_id == user.id,
            DataAccess.at > since,
            DataAccess.kind.in_(COUNTED),
        )
    )
    if seen < current_app.config["ACCESS_ALERT_PER_HOUR"]:
        return
    raised = exists().where(AccessAlert.user_id == user.id, AccessAlert.at > since)
    if not db.session.scalar(select(raised)):
        db.session.add(
            AccessAlert(
                at=now,
                user_id=user.id,
                actor=user.display_name,
                region_id=user.region_id,
                identifiers=seen,
            )
        )


@dataclass(frozen=True)
class AccessFilter:
    """What an auditor narrows the access log to; every field may be empty."""

    user_id: int | None = None
    case_id: int | None = None
    since: date | None = None  # Beijing dates, both ends included
    until: date | None = None


# A case as staff quote it (低保-000048, 特困 12) or its bare number: the number is its id.
CASE_NUMBER = re.compile(r"(?:[^0-9]*?)[\s\-－—‐]*0*([0-9]{1,9})")


def case_id_of(text: str | None) -> int | None:
    if not text:
        return None
    match = CASE_NUMBER.fullmatch(to_ascii_digits(text.strip())[:40])
    return int(match.group(1)) if match else None


def access_query(user, filters: AccessFilter = AccessFilter()) -> Select:
    """Entries of the user's scope, newest first."""
    require(user, Action.READ_AUDIT_LOG)
    query = (
        select(DataAccess)
        .outerjoin(Region, Region.id == DataAccess.region_id)
        .where(or_(scope_clause(user), DataAccess.region_id.is_(None)))
    )
    if filters.user_id:
        query = query.where(DataAccess.user_id == filters.user_id)
    if filters.case_id:
        query = query.where(DataAccess.case_id == filters.case_id)
    if filters.since:
        query = query.where(DataAccess.at >= start_of_day(filters.since))
    if filters.until:
        query = query.where(DataAccess.at < start_of_day(filters.until + timedelta(days=1)))
    return query.order_by(DataAccess.id.desc())


def access_page(user, filters: AccessFilter, number: int | None) -> Page:
    return page_of_query(access_query(user, filters), number, PAGE_SIZE)


def recent_alerts(user, now: datetime | None = None) -> list[AccessAlert]:
    """Alerts of the last ALERT_SHOWN_FOR about accounts of the user's scope, newest first."""
    require(user, Action.READ_AUDIT_LOG)
    since = (now or utcnow()) - ALERT_SHOWN_FOR
    return list(
        db.session.scalars(
            select(AccessAlert)
            .outerjoin(Region, Region.id == AccessAlert.region_id)
            .where(AccessAlert.at > since)
            .where(or_(scope_clause(user), AccessAlert.region_id.is_(None)))
            .order_by(AccessAlert.at.desc())
        )
    )
