"""`flask regions add|list`: the region tree from the command line."""

import click
from flask.cli import AppGroup

from noticeboard.core.errors import DomainError
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.services import create_region, find_region_by_names, regions_within

regions_cli = AppGroup("regions", help="区划管理 (regions).")


def region_at(path: str) -> Region:
    """The region a `--region 示范县/新店镇` option names, for every area's commands."""
    region = find_region_by_names(*path.split("/"))
    if region is None:
        raise click.ClickException(f"区划“{path}”不存在")
    return region


@regions_cli.command("add")
@click.argument("name")
@click.option("--level", type=click.Choice([lv.value for lv in RegionLevel]), required=True)
@click.option("--parent", default="", help="上级区划名称路径，如 示范县/新店镇")
@click.option("--phone", default=None, help="监督电话")
def add_region(name, level, parent, phone):
    """Add a region, e.g. flask regions add 东风村 --level village --parent 示范县/新店镇."""
    parent_region = find_region_by_names(*parent.split("/")) if parent else None
    if parent and parent_region is None:
        raise click.ClickException(f"上级区划“{parent}”不存在")
    try:
        region = create_region(name, level, parent_region, phone)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"added region {region.id}: {region.full_name} ({level})")


@regions_cli.command("list")
def list_regions():
    """Print the region tree."""
    for region in regions_within(None):
        indent = "  " * (region.path.count("/") - 2)
        click.echo(f"{indent}{region.id:>4} {region.name} ({region.level.label})")
