"""`flask cases activate`: approved cases start their benefits (run daily, e.g. from cron)."""

import click
from flask.cli import AppGroup

from noticeboard.cases.lifecycle import activate_due
from noticeboard.core.dates import local_today

cases_cli = AppGroup("cases", help="案件 (cases).")


@cases_cli.command("activate")
def activate():
    """Approved cases whose first benefit month has come become active (保障中)."""
    today = local_today()
    click.echo(f"{today}: {activate_due(today)} approved case(s) became active")
