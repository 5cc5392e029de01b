"""`flask cases activate`: approved cases start their benefits (run daily, e.g. from cron);
`flask retention run`: personal data erased after the retention period."""

import click
from flask.cli import AppGroup

from noticeboard.cases.lifecycle import activate_due
from noticeboard.cases.retention import run_retention
from noticeboard.core.dates import local_today

cases_cli = AppGroup("cases", help="案件 (cases).")


@cases_cli.command("activate")
def activate():
    """Approved cases whose first benefit month has come become active (保障中)."""
    today = local_today()
    click.echo(f"{today}: {activate_due(today)} approved case(s) became active")


retention_cli = AppGroup("retention", help="个人信息保存期限 (retention).")


@retention_cli.command("run")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Run as on this day.")
@click.option("--dry-run", is_flag=True, help="Count what is due, change nothing.")
def retention_run(today, dry_run):
    """Erase the personal data of terminated and rejected cases past RETENTION_YEARS."""
    result = run_retention(today.date() if today else None, dry_run=dry_run)
    verb = "would be erased" if dry_run else "erased"
    click.echo(
        f"cases closed before {result.cutoff}: {result.cases} case(s) and {result.members}"
        f" member(s) {verb}"
    )
