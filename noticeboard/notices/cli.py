"""`flask notices expire`: housekeeping that the date-derived states do not need, but help."""

import click
from flask.cli import AppGroup

from noticeboard.core.dates import local_today

notices_cli = AppGroup("notices", help="公示 (notices).")


@notices_cli.command("expire")
def expire():
    """Activate approved cases whose first benefit month has come; report notices ending.

    Notice states are derived from their dates, so a notice ends at the end of its last day
    whether or not this runs; run it daily (cron) to keep case statuses current.
    """
    from noticeboard.notices.services import activate_due, ended_on

    today = local_today()
    activated = activate_due(today)
    ended = ended_on(today)
    click.echo(
        f"{today}: {activated} approved case(s) became active; "
        f"{len(ended)} notice(s) ended yesterday"
    )
