"""`flask notices ended`: the daily report of 7-day notices that ended yesterday.

Notice states are derived from their dates, so a notice ends at the end of its last day
whether or not anything runs; the report tells staff which notices can go to approval.
"""

import click
from flask.cli import AppGroup

from noticeboard.cases.cli import activate
from noticeboard.core.dates import local_today
from noticeboard.notices.state import ended_on

notices_cli = AppGroup("notices", help="公示 (notices).")


@notices_cli.command("ended")
def ended():
    """List the 7-day notices whose last day was yesterday."""
    today = local_today()
    notices = ended_on(today)
    click.echo(f"{today}: {len(notices)} notice(s) ended yesterday")
    for notice in notices:
        click.echo(f"  {notice.id} {notice.title}")


@notices_cli.command("expire", hidden=True)
@click.pass_context
def expire(context):
    """Old name of the daily job: `flask cases activate`, then `flask notices ended`."""
    context.invoke(activate)
    context.invoke(ended)
