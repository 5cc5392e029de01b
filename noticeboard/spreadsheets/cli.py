"""`flask cases import` and `flask cases export`: the same checks and writes as the pages,
for administrators at the server."""

from pathlib import Path

import click
from sqlalchemy import select

from noticeboard.accounts.models import User
from noticeboard.cases.cli import cases_cli
from noticeboard.cases.models import Program
from noticeboard.cases.search import CaseFilter
from noticeboard.core.errors import AccessRefused, DomainError
from noticeboard.extensions import db
from noticeboard.regions.cli import region_at
from noticeboard.spreadsheets import exports, imports
from noticeboard.spreadsheets.models import Purpose
from noticeboard.spreadsheets.reading import problem_line


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"用户“{username}”不存在")
    return user


@cases_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", "region_path", required=True, help="乡镇，如 示范县/新店镇")
@click.option("--purpose", type=click.Choice([p.value for p in Purpose]), required=True)
@click.option("--program", type=click.Choice([p.value for p in Program]), default="dibao")
@click.option("--user", "username", required=True, help="以哪个账号上传（记入操作日志）")
@click.option("--commit", is_flag=True, help="核对无误时写入；不加只核对")
def import_command(file, region_path, purpose, program, username, commit):
    """Check a spreadsheet of cases (and with --commit import it); exit 1 when a row is bad.
    The last line is the number of rows imported.
    在保对象 of 低保/特困 are confirmed by a second person: `flask cases confirm-import`."""
    user = _user(username)
    township = region_at(region_path)
    try:
        case_import = imports.upload(
            user, township.id, program, purpose, file.name, file.read_bytes()
        )
    except (DomainError, AccessRefused) as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    report = case_import.report
    click.echo(f"导入 {case_import.id} 号：{file.name}，{case_import.rows} 行")
    for village, cases, persons in report["counts"]:
        click.echo(f"  {village}：{cases} 个案件，{persons} 人")
    for note in report["notes"]:
        click.echo(f"注意：{note}")
    if report["extra_columns"]:
        click.echo("未读取的列：" + "、".join(report["extra_columns"]))
    for problem in report["problems"]:
        click.echo(problem_line(*problem))
    if report["problems"]:
        click.echo(f"发现 {len(report['problems'])} 处问题，未导入任何一行")
        click.echo("imported: 0")
        raise SystemExit(1)
    if commit and imports.needs_checker(case_import):
        click.echo(
            f"核对无误；在保对象须由另一位审核人确认：flask cases confirm-import {case_import.id}"
            " --user <审核人>"
        )
        click.echo("imported: 0")
    elif commit:
        _confirm(user, case_import.id)
    else:
        click.echo("核对无误（未写入；加 --commit 导入）")
        click.echo("imported: 0")


def _confirm(user, import_id: int) -> None:
    try:
        case_import = imports.confirm_import(user, import_id)
    except (DomainError, AccessRefused) as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(f"{case_import.cases_created} 个案件已写入")
    click.echo(f"imported: {case_import.rows}")


@cases_cli.command("confirm-import")
@click.argument("import_id", type=int)
@click.option("--user", "username", required=True, help="确认人（不能是上传人）")
def confirm_import_command(import_id, username):
    """Import a checked upload (在保对象: by a reviewer who did not upload it)."""
    _confirm(_user(username), import_id)


@cases_cli.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--region", "region_path", required=True, help="如 示范县/新店镇")
@click.option("--program", type=click.Choice([p.value for p in Program]), default=None)
@click.option("--user", "username", required=True, help="以哪个账号导出（记入操作日志）")
@click.option("--purpose", required=True, help="导出用途（记入个人信息查阅记录）")
def export_command(out, region_path, program, username, purpose):
    """The cases of a region as .xlsx (or .csv, by OUT's suffix)."""
    user = _user(username)
    region = region_at(region_path)
    if not region.path.startswith(user.region.path):
        raise click.ClickException(f"{user.username} 的范围不含 {region_path}")
    fmt = "csv" if out.suffix.lower() == ".csv" else "xlsx"
    # The user's own scope, narrowed to the region through a scoped copy of the user.
    scoped = _Scoped(user, region)
    try:
        result = exports.export_cases(scoped, CaseFilter(program=program), fmt, purpose)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    out.write_bytes(result.content)
    click.echo(f"exported: {result.rows} rows to {out}")


class _Scoped:
    """`user` as seen by the scope filter when narrowed to `region` (inside their scope)."""

    def __init__(self, user, region):
        self._user, self.region, self.region_id = user, region, region.id

    def __getattr__(self, name):
        return getattr(self._user, name)
