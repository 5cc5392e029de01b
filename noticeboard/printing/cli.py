"""`flask notices verify`, in the notices group, here since it checks stored PDFs too."""

import click

from noticeboard.notices.cli import notices_cli
from noticeboard.printing.verify import verify_all


@notices_cli.command("verify")
def verify():
    """Recompute every published snapshot's SHA-256 and every stored PDF's; exit 1 on any
    mismatch (after a restore: the restore drill)."""
    result = verify_all()
    for problem in result.problems:
        click.echo(problem, err=True)
    click.echo(
        f"{result.notices} published notice(s), {result.pdfs} stored PDF(s) checked: "
        f"{len(result.problems) or 'no'} mismatch(es)"
    )
    if result.problems:
        raise SystemExit(1)
