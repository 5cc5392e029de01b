"""`flask keys`: the data keys of personal data at rest (core/crypto.py): which key holds how
many values, a new key, and the rotation that re-encrypts every value with the current key.

A rotation goes table by table in batches of rows, each batch its own transaction: stopped
at any point (a crash, Ctrl-C, --max-batches), every value is still readable with the old
key or the new one, and running it again carries on where the values still name an old key.
The keyed lookup indexes stay as they are (the index key is not rotated), so searches and
the one-person-one-case check keep working throughout.
"""

import os
from collections import Counter
from collections.abc import Iterator

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import Column, Table, Text, column, func, select, table, update

from noticeboard.config import DATA_KEY_FILE, write_data_keys
from noticeboard.core.crypto import Encrypted, init_keys, keyring, new_key
from noticeboard.extensions import db

keys_cli = AppGroup("keys", help="个人信息加密密钥 (data keys).")


def encrypted_columns() -> Iterator[tuple[Table, list[Column]]]:
    """Every table with encrypted columns, found from the models' own column types."""
    for model_table in db.metadata.sorted_tables:
        found = [c for c in model_table.columns if isinstance(c.type, Encrypted)]
        if found:
            yield model_table, found


def _raw(model_table: Table, columns: list[Column]):
    """The same table read and written as plain text: the ciphertext as stored."""
    return table(model_table.name, column("id"), *(column(c.name, Text) for c in columns))


def key_use() -> Counter:
    """How many stored values each data key id holds."""
    counts: Counter = Counter()
    for model_table, columns in encrypted_columns():
        raw = _raw(model_table, columns)
        for c in columns:
            kid = func.substr(raw.c[c.name], 1, 8)
            query = select(kid, func.count()).where(raw.c[c.name].is_not(None)).group_by(kid)
            counts.update(dict(db.session.execute(query).all()))
    return counts


def rotate(batch_size: int = 1000, max_batches: int | None = None) -> dict[str, int]:
    """Re-encrypt with the current key every value that names another one; committed batch
    by batch. Returns the rows rewritten per table; stops after `max_batches` batches."""
    ring = keyring()
    rewritten: dict[str, int] = {}
    batches = 0
    for model_table, columns in encrypted_columns():
        raw = _raw(model_table, columns)
        last_id = 0
        while max_batches is None or batches < max_batches:
            rows = db.session.execute(
                select(raw).where(raw.c.id > last_id).order_by(raw.c.id).limit(batch_size)
            ).all()
            if not rows:
                break
            last_id = rows[-1].id
            changes = []
            for row in rows:
                stale = {
                    c.name: ring.encrypt(ring.decrypt(value))
                    for c in columns
                    if (value := getattr(row, c.name)) is not None
                    and not value.startswith(ring.current_id + ":")
                }
                if stale:
                    changes.append((row.id, stale))
            for row_id, values in changes:
                db.session.execute(update(raw).where(raw.c.id == row_id).values(**values))
            db.session.commit()
            batches += 1
            rewritten[model_table.name] = rewritten.get(model_table.name, 0) + len(changes)
    return rewritten


@keys_cli.command("status")
def status_command():
    """The current key and how many stored values each key holds."""
    ring, use = keyring(), key_use()
    click.echo(f"current data key: {ring.current_id}")
    for kid in ring.ciphers:
        click.echo(f"  {kid}: {use.get(kid, 0)} value(s)")
    for kid in sorted(use.keys() - ring.ciphers.keys()):
        click.echo(f"  {kid}: {use[kid]} value(s) under a key that is missing: they cannot be read")


@keys_cli.command("add")
def add_command():
    """A new data key, current from now on; the older ones stay to read what they hold."""
    if os.environ.get("NOTICEBOARD_DATA_KEY"):
        raise click.ClickException(
            "keys come from NOTICEBOARD_DATA_KEY: put this new key first in it, keep the old "
            f"ones after it (comma-separated), restart, then run `flask keys rotate`: {new_key()}"
        )
    data, index = current_app.config["DATA_KEYS"]
    data = [new_key(), *data]
    write_data_keys({"data": data, "index": index}, DATA_KEY_FILE)
    current_app.config["DATA_KEYS"] = (data, index)
    init_keys(current_app)
    click.echo(
        f"new data key {keyring().current_id} written to {DATA_KEY_FILE}; restart the app and"
        " the job worker, then run `flask keys rotate`"
    )


@keys_cli.command("rotate")
@click.option("--batch-size", default=1000, show_default=True, help="Rows per transaction.")
@click.option("--max-batches", type=int, help="Stop after this many batches (run again later).")
def rotate_command(batch_size, max_batches):
    """Re-encrypt every value under the current key; run again to continue after a stop."""
    rewritten = rotate(batch_size, max_batches)
    for name, count in rewritten.items():
        click.echo(f"{name}: {count} row(s) re-encrypted")
    left = sum(n for kid, n in key_use().items() if kid != keyring().current_id)
    click.echo(
        f"all values under key {keyring().current_id}"
        if not left
        else f"{left} value(s) still under older keys: run `flask keys rotate` again"
    )
