"""The scope filter: staff see and change only what lies inside the region they are bound to.

`user` is any object with a `region` and its `region_id` (a staff account); regions sit
below accounts.
"""

from sqlalchemy import BinaryExpression, ColumnElement, select

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


def village_read_as(village_column, region: Region):
    """The village column of rows to be read within `region`, as a query should compare it.

    A county's villages are nearly every village, but SQLite cannot tell how many villages
    a path holds and reads a county's rows village by village through the village index
    (120 ms for its 73,000 roster cases, where the range of an index on what the query
    filters reads them in 22 ms). `+ 0` keeps the village index out of a county's plan; a
    township's or a village's still reads its few villages first."""
    return village_column + 0 if region.level == RegionLevel.COUNTY else village_column


def village_in(village_column, region: Region) -> BinaryExpression:
    """SQL: a row's village (`village_column`) lies in `region`, without joining regions;
    `.left` is the village expression compared, for grouping by it."""
    villages = select(Region.id).where(Region.path.startswith(region.path, autoescape=True))
    return village_read_as(village_column, region).in_(villages.scalar_subquery())


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
