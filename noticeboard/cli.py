"""The app's commands: each area's group (regions, users, cases, notices), plus `flask demo`,
`flask doctor` and `flask analyze`. A failed command rolls back whatever it started (Flask
removes the session at the end of the app context without committing)."""

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from noticeboard.accounts.cli import users_cli
from noticeboard.backup import backup_cli
from noticeboard.cases.cli import cases_cli, retention_cli
from noticeboard.core.dates import local_today
from noticeboard.core.planner import refresh_statistics
from noticeboard.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
from noticeboard.extensions import db
from noticeboard.holidays.services import entered_year, year_source
from noticeboard.jobs.cli import jobs_cli
from noticeboard.keys import keys_cli
from noticeboard.notices.cli import notices_cli
from noticeboard.printing import cli as _printing_cli  # noqa: F401  (flask notices verify)
from noticeboard.printing.fonts import doctor
from noticeboard.regions.cli import region_at, regions_cli
from noticeboard.regions.delegation import confirmers, limit_label
from noticeboard.regions.models import Region
from noticeboard.regions.termination import dibao_termination
from noticeboard.spreadsheets import cli as spreadsheets_cli  # noqa: F401 (its cases commands)
from noticeboard.standards.cli import reviews_cli, standards_cli


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
def demo_command(if_empty):
    """Load the demo county, townships, villages, cases and accounts."""
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


@click.command("doctor")
def doctor_command():
    """Check what PDF printing needs: CJK fonts, HarfBuzz subsetting, WeasyPrint."""
    failed = 0
    for name, ok, fix in doctor():
        click.echo(f"[{'OK' if ok else '缺失'}] {name}" + ("" if ok else f"  → 修复：{fix}"))
        failed += not ok
    if failed:
        raise click.ClickException(f"{failed} 项缺失，打印 PDF 会失败或很慢")
    click.echo("打印环境完整")


@click.command("settings")
@click.argument("action", type=click.Choice(["show"]))
@click.option("--region", "region_path", required=True, help="县/区，如 示范县")
def settings_command(action, region_path):
    """`flask settings show --region 示范县`: the county's rules (issue 17), one per line."""
    county = region_at(region_path)
    if county.parent_id is not None:
        raise click.ClickException(f"“{region_path}”不是县/区，请写县/区的名称，如 示范县")
    for program, confirmer in confirmers(county.id).items():
        click.echo(f"approval.{program} = {confirmer.value}  # {confirmer.label}")
    limit = county.linshi_township_limit
    click.echo(
        f"linshi.township_limit = {'none' if limit is None else limit}"
        f"  # 乡镇审批临时救助的最高金额，超过的由县级审批：{limit_label(limit)}"
    )
    days = current_app.config["DECISION_WORKING_DAYS"]
    click.echo(f"decision.working_days = {days}  # 录入后应作出审核确认决定的工作日数")
    days = current_app.config["REFUSAL_LETTER_WORKING_DAYS"]
    click.echo(f"refusal_letter.working_days = {days}  # 不予确认后书面告知申请人的工作日数")
    days = current_app.config["RENOTICE_WORKING_DAYS"]
    click.echo(f"renotice.working_days = {days}  # 特困异议成立后重新公示的工作日数")
    working = bool(county.working_day_notices)
    click.echo(f"notice.working_days = {str(working).lower()}  # 7 天公示按工作日计算（县级默认）")
    for year in range(local_today().year, local_today().year + 2):
        source = year_source(year, entered_year(year) is not None)
        click.echo(f"holidays.{year} = {source.value}  # {source.label}")
    path = dibao_termination(county.id)
    click.echo(f"termination.dibao = {path.value}  # {path.label}（特困一律先终止公示）")
    column = county.near_relatives_shown
    click.echo(f"near_relatives.column = {column.value}  # 公示中的近亲属备案栏：{column.label}")
    days = current_app.config["EMERGENCY_PAPERWORK_WORKING_DAYS"]
    click.echo(f"emergency.paperwork_working_days = {days}  # 先行救助发放后补办手续的工作日数")


@click.command("analyze")
def analyze_command():
    """Refresh the database's statistics for its query planner (at start and daily)."""
    refresh_statistics()
    click.echo("statistics refreshed")


def register_cli(app: Flask) -> None:
    commands = (
        regions_cli,
        users_cli,
        cases_cli,
        notices_cli,
        jobs_cli,
        backup_cli,
        keys_cli,
        retention_cli,
        standards_cli,
        reviews_cli,
        demo_command,
        doctor_command,
        analyze_command,
        settings_command,
    )
    for command in commands:
        app.cli.add_command(command)
