"""The scope filter: staff see and change only what lies inside the region they are bound to.

`user` is any object with a `region` and its `region_id` (a staff account); regions sit
below accounts.
"""

from sqlalchemy import ColumnElement, select

from noticeboard.core.errors import ValidationFailed
from noticeboard.core.validation import parse_id
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel


def region_in_scope(user, region: Region) -> bool:
    # The path lists the ids of the region and its ancestors ("/1/4/9/"): the user's region
    # id in it says the same as the user's path being its prefix, without reading the user's
    # region (a query on every case entered).
    return f"/{user.region_id}/" in region.path


def scope_clause(user, path_column=Region.path) -> ColumnElement[bool]:
    """WHERE clause limiting a query joined to regions to the user's region and below."""
    return path_column.startswith(user.region.path, autoescape=True)


def chosen_region(
    user, region_id, levels: tuple[RegionLevel, ...], label: str, field: str = "region_id"
) -> Region:
    """A region picked from a list on a form: of one of `levels` and inside the user's scope."""
    number = parse_id(region_id)
    region = db.session.get(Region, number) if number is not None else None
    if region is None or region.level not in levels or not region_in_scope(user, region):
        allowed = "或".join(level.label for level in levels)
        raise ValidationFailed({field: [f"{label}：请从列表中选择本辖区的{allowed}"]})
    return region


def regions_in_scope(user, *levels: RegionLevel) -> list[Region]:
    """The regions of `levels` inside the user's scope, in tree order (for pick lists)."""
    return list(
        db.session.scalars(
            select(Region).where(Region.level.in_(levels), scope_clause(user)).order_by(Region.path)
        )
    )
