"""Recording and reading audit entries."""

import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, false, func, insert, or_, select

from noticeboard.audit.models import REFERENCES, AuditAction, AuditEntry
from noticeboard.core.dates import CHINA
from noticeboard.core.pages import Page, page_of_query
from noticeboard.core.permissions import Action, require
from noticeboard.extensions import db
from noticeboard.regions.models import Region
from noticeboard.regions.scope import scope_clause, village_in
from noticeboard.regions.signals import notice_settings_changed

PAGE_SIZE = 50
_INSERT_ENTRY = insert(AuditEntry.__table__)
EXPORT_LIMIT = 50_000


def diff(before: dict, after: dict) -> dict[str, list]:
    """Fields whose value differs, as {field: [before, after]}, in the order the fields came."""
    keys = list(dict.fromkeys([*after, *before]))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def record(
    action: AuditAction,
    entity_type: str,
    entity_id: int,
    *,
    user=None,
    region_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str | None = None,
) -> None:
    """Write an entry in the caller's transaction (it commits with the change it records).
    One INSERT at once rather than an object for the next flush: entering a case then
    commits without a second unit-of-work flush, which was a fifth of its time. Through the
    session, not its connection: the session first writes what is pending, so a service's
    first write stays its own change (its version check), not the audit row
    (tests/hardening/test_double_clicks)."""
    row = _entry(action, entity_type, entity_id, user, region_id, before, after, note)
    db.session.execute(_INSERT_ENTRY, [row])


def record_many(entries: list[dict]) -> None:
    """Many entries, each given as record()'s arguments, written in batches in the caller's
    transaction without an object each (a re-calculation writes one per case)."""
    rows = [
        _entry(
            e["action"],
            e["entity_type"],
            e["entity_id"],
            e.get("user"),
            e.get("region_id"),
            e.get("before"),
            e.get("after"),
            e.get("note"),
        )
        for e in entries
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(AuditEntry), rows[start : start + 5000])


def _entry(action, entity_type, entity_id, user, region_id, before, after, note) -> dict:
    return {
        "user_id": user.id if user is not None else None,
        "actor": user.display_name if user is not None else "系统",
        "action": AuditAction(action),
        "entity_type": entity_type,
        "entity_id": entity_id,
        "region_id": region_id,
        "changes": diff(before or {}, after or {}),
        "note": note,
    }


@notice_settings_changed.connect
def _record_notice_settings(
    region, *, user, before: dict, after: dict, note: str = "公示设置"
) -> None:
    record(
        AuditAction.UPDATE,
        "region",
        region.id,
        user=user,
        region_id=region.id,
        before=before,
        after=after,
        note=note,
    )


def history_query(user, entity_type: str, entity_id: int) -> Select:
    """The entries of one record that lie in the user's scope, oldest first. Each entry is
    scoped by its own region: an id alone never reaches another township's history."""
    return (
        select(AuditEntry)
        .join(Region, Region.id == AuditEntry.region_id)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .where(scope_clause(user))
        .order_by(AuditEntry.at, AuditEntry.id)
    )


def history(user, entity_type: str, entity_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(history_query(user, entity_type, entity_id)))


@dataclass(frozen=True)
class LogFilter:
    """What an auditor narrows the log to; every field may be empty."""

    user_id: int | None = None
    township_id: int | None = None
    action: str | None = None
    since: date | None = None  # Beijing dates, both ends included
    until: date | None = None


def log_query(user, filters: LogFilter = LogFilter()) -> Select:
    """Entries of the user's scope (and those that belong to no region), newest first."""
    require(user, Action.READ_AUDIT_LOG)
    query = (
        select(AuditEntry)
        .outerjoin(Region, Region.id == AuditEntry.region_id)
        .where(or_(scope_clause(user), AuditEntry.region_id.is_(None)))
    )
    if filters.user_id:
        query = query.where(AuditEntry.user_id == filters.user_id)
    if filters.township_id:
        # The township's entries through the region index, not every entry of the scope
        # newest first until a page of the township's turns up (all 350,000 of a county,
        # for a township with few).
        township = db.session.get(Region, filters.township_id)
        inside = village_in(AuditEntry.region_id, township) if township is not None else false()
        query = query.where(scope_clause(user), inside)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.since:
        query = query.where(AuditEntry.at >= start_of_day(filters.since))
    if filters.until:
        query = query.where(AuditEntry.at < start_of_day(filters.until + timedelta(days=1)))
    return query.order_by(AuditEntry.id.desc())


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=CHINA).astimezone(UTC)


def log_page(user, filters: LogFilter, number: int | None) -> Page:
    return page_of_query(log_query(user, filters), number, PAGE_SIZE)


def references(entries: list[AuditEntry]) -> dict[tuple[str, int], str]:
    """What each entry is about, as staff know it (低保-000048 张*平, a notice's title), read
    for a page of entries with one query per kind of record."""
    ids: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.entity_type in REFERENCES:
            ids[entry.entity_type].add(entry.entity_id)
    names = {}
    for entity_type, wanted in ids.items():
        for entity_id, name in REFERENCES[entity_type](sorted(wanted)).items():
            names[(entity_type, entity_id)] = name
    return names


def references_of_cases(case_ids: list[int]) -> dict[int, str]:
    """Cases as the logs name them (低保-000048 张*平), for a page of entries."""
    name_them = REFERENCES.get("case")
    return name_them(sorted(set(case_ids))) if name_them and case_ids else {}


def export_log(user, filters: LogFilter) -> list[AuditEntry]:
    """The entries an export carries (at most EXPORT_LIMIT), itself recorded: the log holds
    personal data (IDs and phones in the before/after of cases)."""
    query = log_query(user, filters).limit(EXPORT_LIMIT)
    # Counted and recorded first: a commit after reading would expire every entry read.
    rows = db.session.scalar(select(func.count()).select_from(query.subquery()))
    shown = {k: str(v) for k, v in asdict(filters).items() if v}
    record(
        AuditAction.EXPORT,
        "audit_log",
        0,
        user=user,
        region_id=user.region_id,
        after={"rows": str(rows), "filters": json.dumps(shown, ensure_ascii=False)},
    )
    db.session.commit()
    return list(db.session.scalars(query))
