"""The scope filter: staff see and change only what lies inside the region they are bound to."""

from sqlalchemy import ColumnElement

from noticeboard.regions.models import Region


def region_in_scope(user, region: Region) -> bool:
    return region.path.startswith(user.region.path)


def scope_clause(user, path_column=Region.path) -> ColumnElement[bool]:
    """WHERE clause limiting a query joined to regions to the user's region and below."""
    return path_column.startswith(user.region.path, autoescape=True)
