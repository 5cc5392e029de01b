"""Recording and reading audit entries."""

from sqlalchemy import select

from noticeboard.audit.models import AuditEntry
from noticeboard.extensions import db


def diff(before: dict, after: dict) -> dict[str, list]:
    """Fields whose value differs, as {field: [before, after]}, in the order the fields came."""
    keys = list(dict.fromkeys([*after, *before]))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def record(
    action: str,
    entity_type: str,
    entity_id: int,
    *,
    user=None,
    region_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        user_id=user.id if user is not None else None,
        actor=user.display_name if user is not None else "系统",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        region_id=region_id,
        changes=diff(before or {}, after or {}),
        note=note,
    )
    db.session.add(entry)
    return entry


def history(entity_type: str, entity_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )
