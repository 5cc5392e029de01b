"""`flask notices verify` and `flask notices prerender`, in the notices group, here since
they are about stored PDFs."""

import time

import click

from noticeboard.notices.cli import notices_cli
from noticeboard.printing.prerender import render_region
from noticeboard.printing.verify import verify_all
from noticeboard.regions.cli import region_at


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


@notices_cli.command("prerender")
@click.option("--region", "region_path", required=True, help="e.g. 示范县 or 示范县/新店镇")
def prerender(region_path):
    """Render the board copy (A4) of every notice in force in a region that has none stored,
    as the job worker does when each is published (after an upgrade or a restore)."""
    region = region_at(region_path)
    start = time.perf_counter()
    notices, rendered = render_region(region)
    click.echo(
        f"{notices} notice(s) in force, {rendered} PDF(s) rendered "
        f"in {time.perf_counter() - start:.1f} s"
    )
