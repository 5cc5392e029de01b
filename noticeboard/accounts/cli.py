"""`flask users create`: staff accounts from the command line."""

import click
from flask.cli import AppGroup

from noticeboard.accounts.roles import Role
from noticeboard.accounts.services import create_user
from noticeboard.core.errors import DomainError
from noticeboard.regions.services import find_region_by_names

users_cli = AppGroup("users", help="用户管理 (staff accounts).")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--region", "region_path", required=True, help="区划名称路径，如 示范县/新店镇")
@click.option("--name", "display_name", default="", help="显示姓名")
@click.password_option()
def create_user_command(username, role, region_path, display_name, password):
    """Create a staff account bound to a region."""
    region = find_region_by_names(*region_path.split("/"))
    if region is None:
        raise click.ClickException(f"区划“{region_path}”不存在")
    try:
        user = create_user(username, password, role, region, display_name)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"created user {user.username} ({role}) in {region.full_name}")
