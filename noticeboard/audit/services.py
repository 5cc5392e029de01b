"""Recording and reading audit entries."""

from sqlalchemy import Select, or_, select

from noticeboard.audit.models import AuditAction, AuditEntry
from noticeboard.core.permissions import Action, require
from noticeboard.extensions import db
from noticeboard.regions.models import Region
from noticeboard.regions.scope import scope_clause
from noticeboard.regions.signals import notice_settings_changed

PAGE_SIZE = 100


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
) -> AuditEntry:
    """Add an entry to the caller's transaction (it commits with the change it records)."""
    entry = AuditEntry(
        user_id=user.id if user is not None else None,
        actor=user.display_name if user is not None else "系统",
        action=AuditAction(action),
        entity_type=entity_type,
        entity_id=entity_id,
        region_id=region_id,
        changes=diff(before or {}, after or {}),
        note=note,
    )
    db.session.add(entry)
    return entry


@notice_settings_changed.connect
def _record_notice_settings(region, *, user, before: dict, after: dict) -> None:
    record(
        AuditAction.UPDATE,
        "region",
        region.id,
        user=user,
        region_id=region.id,
        before=before,
        after=after,
        note="公示设置",
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


def entries_in_scope(user, page: int = 1) -> list[AuditEntry]:
    """The newest entries of the user's scope, and those that belong to no region."""
    require(user, Action.READ_AUDIT_LOG)
    return list(
        db.session.scalars(
            select(AuditEntry)
            .outerjoin(Region, Region.id == AuditEntry.region_id)
            .where(or_(scope_clause(user), AuditEntry.region_id.is_(None)))
            .order_by(AuditEntry.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
