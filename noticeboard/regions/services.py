"""Creating and listing regions."""

from sqlalchemy import select

from noticeboard.core.errors import DomainError, NotFound, ValidationFailed
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel


def create_region(
    name: str, level: RegionLevel | str, parent: Region | None = None, phone: str | None = None
) -> Region:
    """Add a region under `parent`; the level must be the one right below the parent's."""
    level = RegionLevel(level)
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise ValidationFailed({"name": ["名称：请填写 1 至 40 个字的名称"]})
    if level == RegionLevel.COUNTY:
        if parent is not None:
            raise DomainError("县/区是最上一级，不能有上级区划", field="parent")
    elif parent is None or parent.level.child != level:
        expected = next(lv for lv in RegionLevel if lv.child == level)
        raise DomainError(f"上级区划：{level.label}的上级必须是{expected.label}", field="parent")
    duplicate = db.session.scalar(
        select(Region)
        .where(Region.parent_id == (parent.id if parent else None))
        .where(Region.name == name)
    )
    if duplicate is not None:
        raise DomainError(f"名称：“{name}”已存在于同一上级之下", field="name")
    region = Region(name=name, level=level, parent=parent, phone=phone or None)
    db.session.add(region)
    db.session.flush()
    region.path = f"{parent.path if parent else '/'}{region.id}/"
    db.session.flush()
    return region


def get_region(region_id: int) -> Region:
    region = db.session.get(Region, region_id)
    if region is None:
        raise NotFound("未找到该区划")
    return region


def find_region_by_names(*names: str) -> Region | None:
    """The region reached by following names from a county down, e.g. ("示范县", "新店镇")."""
    parent_id = None
    region = None
    for name in names:
        region = db.session.scalar(
            select(Region).where(Region.parent_id == parent_id).where(Region.name == name)
        )
        if region is None:
            return None
        parent_id = region.id
    return region


def regions_within(root: Region | None, level: RegionLevel | None = None) -> list[Region]:
    """Regions inside `root` (itself included), or all regions when root is None."""
    query = select(Region).order_by(Region.path)
    if root is not None:
        query = query.where(Region.path.startswith(root.path))
    if level is not None:
        query = query.where(Region.level == level)
    return list(db.session.scalars(query))
