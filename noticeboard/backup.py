"""`flask backup create` and `flask backup restore FILE`.

The stored PDFs live in the database (printing/models.py), so one copy of the database is the
whole backup: the embedded SQLite file copied with SQLite's online backup API (a consistent
copy while the app keeps serving and writing), gzipped; PostgreSQL with `pg_dump` in its
custom format (compressed; `pg_restore` reads it). Backups go to BACKUP_DIR, the newest
BACKUP_KEEP are kept. After a restore, `flask notices verify` proves every published notice
and PDF intact (docs/deploy.md: the restore drill).
"""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

from noticeboard.extensions import db

backup_cli = AppGroup("backup", help="备份与恢复 (backups and restores).")
SQLITE_SUFFIX, PG_SUFFIX = ".sqlite3.gz", ".pgdump"


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _libpq_url() -> str:
    """The database URL as pg_dump and pg_restore read it (no SQLAlchemy driver name)."""
    return _url().set(drivername="postgresql").render_as_string(hide_password=False)


def backup_dir() -> Path:
    return Path(current_app.config["BACKUP_DIR"])


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def create_backup(directory: Path | None = None, keep: int | None = None) -> Path:
    """A new backup file in `directory`; then only the newest `keep` backups stay."""
    directory = Path(directory or backup_dir())
    directory.mkdir(parents=True, exist_ok=True)
    url = _url()
    if url.get_backend_name() == "sqlite":
        target = directory / f"noticeboard-{_stamp()}{SQLITE_SUFFIX}"
        _sqlite_backup(Path(url.database), target)
    elif url.get_backend_name() == "postgresql":
        target = directory / f"noticeboard-{_stamp()}{PG_SUFFIX}"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url()])
    else:
        raise click.ClickException(f"不支持备份该数据库：{url.get_backend_name()}")
    target.chmod(0o600)  # the backup holds every resident's data, as the database does
    rotate(directory, keep if keep is not None else current_app.config["BACKUP_KEEP"])
    return target


def _sqlite_backup(source: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        with sqlite3.connect(source) as live, sqlite3.connect(copy) as out:
            live.backup(out)
        out.close()
        with open(copy, "rb") as plain, gzip.open(target, "wb", compresslevel=6) as packed:
            shutil.copyfileobj(plain, packed)


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (by their names: they sort by time)."""
    backups = sorted(p for p in directory.iterdir() if p.name.endswith((SQLITE_SUFFIX, PG_SUFFIX)))
    gone = backups[: max(len(backups) - keep, 0)]
    for path in gone:
        path.unlink()
    return gone


def restore_backup(path: Path) -> None:
    """Replace the database's whole content with the backup's."""
    path = Path(path)
    if not path.is_file():
        raise click.ClickException(f"备份文件不存在：{path}")
    url = _url()
    # Nothing of this process may hold the database open while it is replaced.
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        if not path.name.endswith(SQLITE_SUFFIX):
            raise click.ClickException(f"这不是 SQLite 备份（{SQLITE_SUFFIX}）：{path.name}")
        _sqlite_restore(path, Path(url.database))
    elif url.get_backend_name() == "postgresql":
        if not path.name.endswith(PG_SUFFIX):
            raise click.ClickException(f"这不是 PostgreSQL 备份（{PG_SUFFIX}）：{path.name}")
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run([*command, f"--dbname={_libpq_url()}", str(path)])
    else:
        raise click.ClickException(f"不支持恢复该数据库：{url.get_backend_name()}")


def _sqlite_restore(path: Path, database: Path) -> None:
    with tempfile.TemporaryDirectory(dir=database.parent) as tmp:
        copy = Path(tmp) / "restore.sqlite3"
        try:
            with gzip.open(path, "rb") as packed, open(copy, "wb") as plain:
                shutil.copyfileobj(packed, plain)
        except (OSError, EOFError) as error:
            raise click.ClickException(f"备份文件已损坏，无法解压：{path.name}") from error
        # The backup API writes the copy into the live file page by page, under SQLite's
        # locks: other processes (a running gunicorn) see the old or the new database whole.
        source, live = sqlite3.connect(copy), sqlite3.connect(database)
        try:
            source.execute("PRAGMA quick_check").fetchone()
            source.backup(live)
        except sqlite3.DatabaseError as error:
            raise click.ClickException(f"备份文件不是完好的 SQLite 数据库：{path.name}") from error
        finally:
            source.close()
            live.close()


def _run(command: list[str]) -> None:
    # The URL with its password goes on the command line only in memory; errors quote stderr.
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode:
        raise click.ClickException(f"{command[0]} 失败：{result.stderr.strip()[-500:]}")


@backup_cli.command("create")
@click.option("--dir", "directory", type=click.Path(file_okay=False), help="默认 BACKUP_DIR")
@click.option("--keep", type=int, help="保留最新的几份（默认 BACKUP_KEEP）")
def create_command(directory, keep):
    """Back up the database (with its stored PDFs) into BACKUP_DIR; nightly from cron/systemd."""
    path = create_backup(Path(directory) if directory else None, keep)
    click.echo(f"backup written: {path} ({path.stat().st_size:,} bytes)")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--yes", is_flag=True, help="不再询问，直接覆盖当前数据库")
def restore_command(file, yes):
    """Replace the whole database with FILE; then run `flask notices verify`."""
    if not yes:
        click.confirm("恢复会用备份覆盖当前数据库的全部内容，继续吗？", abort=True)
    restore_backup(Path(file))
    click.echo(f"restored from {file}; now run: flask notices verify")
