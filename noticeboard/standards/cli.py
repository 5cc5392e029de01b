"""`flask standards list` and `flask reviews due`: the standards history and the reviews due,
for administrators, from the same services as the pages."""

import click
from flask.cli import AppGroup

from noticeboard.regions.cli import region_at
from noticeboard.regions.models import RegionLevel
from noticeboard.standards import reviews, services

standards_cli = AppGroup("standards", help="保障标准 (assistance standards).")
reviews_cli = AppGroup("reviews", help="定期核查 (periodic reviews).")


@standards_cli.command("list")
@click.option("--region", "region_path", required=True, help="县，如 示范县")
def list_standards(region_path):
    """One line per standard: kind, amount, start month (and whether it is in force)."""
    county = region_at(region_path).ancestor(RegionLevel.COUNTY)
    for standard in services.history(county):
        state = "" if standard.is_confirmed else "  待确认"
        click.echo(
            f"{standard.kind.label}\t{standard.amount:.2f} {standard.kind.unit}\t"
            f"{standard.start_month:%Y-%m}{state}"
        )


@reviews_cli.command("due")
@click.option("--region", "region_path", required=True, help="如 示范县/新店镇")
def due_reviews(region_path):
    """The cases whose review is due this month or overdue, with a count line last."""
    lines = reviews.due_reviews(region_at(region_path))
    for line in lines:
        state = "逾期" if line.overdue else "本月到期"
        click.echo(f"{line.reference}\t{line.village}\t{line.due_on}\t{state}")
    overdue = sum(1 for line in lines if line.overdue)
    click.echo(f"共 {len(lines)} 件：本月到期 {len(lines) - overdue} 件，逾期 {overdue} 件")
