"""Command-line tools: `flask regions add`, `flask users create`, `flask demo`."""

import click
from flask import Flask
from flask.cli import AppGroup

from noticeboard.core.errors import DomainError
from noticeboard.extensions import db

regions_cli = AppGroup("regions", help="区划管理 (regions).")
users_cli = AppGroup("users", help="用户管理 (staff accounts).")


def _fail(error: DomainError):
    db.session.rollback()
    raise click.ClickException(error.message)


@regions_cli.command("add")
@click.argument("name")
@click.option(
    "--level", type=click.Choice(["county", "township", "village", "group"]), required=True
)
@click.option("--parent", default="", help="上级区划名称路径，如 示范县/新店镇")
@click.option("--phone", default=None, help="监督电话")
def add_region(name, level, parent, phone):
    """Add a region, e.g. flask regions add 东风村 --level village --parent 示范县/新店镇."""
    from noticeboard.regions.services import create_region, find_region_by_names

    parent_region = find_region_by_names(*parent.split("/")) if parent else None
    if parent and parent_region is None:
        raise click.ClickException(f"上级区划“{parent}”不存在")
    try:
        region = create_region(name, level, parent_region, phone)
        db.session.commit()
    except DomainError as error:
        _fail(error)
    click.echo(f"added region {region.id}: {region.full_name} ({level})")


@regions_cli.command("list")
def list_regions():
    """Print the region tree."""
    from noticeboard.regions.services import regions_within

    for region in regions_within(None):
        indent = "  " * (region.path.count("/") - 2)
        click.echo(f"{indent}{region.id:>4} {region.name} ({region.level.label})")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["clerk", "reviewer", "county", "admin"]), required=True)
@click.option("--region", "region_path", required=True, help="区划名称路径，如 示范县/新店镇")
@click.option("--name", "display_name", default="", help="显示姓名")
@click.password_option()
def create_user_command(username, role, region_path, display_name, password):
    """Create a staff account bound to a region."""
    from noticeboard.accounts.services import create_user
    from noticeboard.regions.services import find_region_by_names

    region = find_region_by_names(*region_path.split("/"))
    if region is None:
        raise click.ClickException(f"区划“{region_path}”不存在")
    try:
        user = create_user(username, password, role, region, display_name)
        db.session.commit()
    except DomainError as error:
        _fail(error)
    click.echo(f"created user {user.username} ({role}) in {region.full_name}")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
def demo_command(if_empty):
    """Load the demo county, townships, villages, cases and accounts."""
    from sqlalchemy import func, select

    from noticeboard.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
    from noticeboard.regions.models import Region

    if db.session.scalar(select(func.count()).select_from(Region)):
        if if_empty:
            click.echo("demo data: database already has data, kept as it is")
        else:
            raise click.ClickException("database already has data; demo data needs an empty one")
    else:
        counts = load_demo()
        click.echo(
            f"demo data loaded: {counts['regions']} regions, {counts['users']} users, "
            f"{counts['cases']} cases"
        )
    click.echo(f"demo accounts (password for all: {DEMO_PASSWORD}):")
    for username, display, role, _ in DEMO_USERS:
        click.echo(f"  {username:<10} {role.label:<6} {display}")


def register_cli(app: Flask) -> None:
    from noticeboard.notices.cli import notices_cli

    app.cli.add_command(notices_cli)
    app.cli.add_command(regions_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(doctor_command)


@click.command("doctor")
def doctor_command():
    """Check what PDF printing needs: CJK fonts, HarfBuzz subsetting, WeasyPrint."""
    from noticeboard.printing.fonts import doctor

    failed = 0
    for name, ok, fix in doctor():
        click.echo(f"[{'OK' if ok else '缺失'}] {name}" + ("" if ok else f"  → 修复：{fix}"))
        failed += not ok
    if failed:
        raise click.ClickException(f"{failed} 项缺失，打印 PDF 会失败或很慢")
    click.echo("打印环境完整")
