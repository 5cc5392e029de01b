"""The restore drill: create data, back up, wipe, restore, verify: every notice verifies and
every count matches (on SQLite and on PostgreSQL, whichever the suite runs on)."""

import gzip

import pytest
from sqlalchemy import func, select, text

from noticeboard.backup import create_backup, rotate
from noticeboard.cases.models import Program
from noticeboard.extensions import db
from noticeboard.masking.rules import Channel
from noticeboard.notices import pre_approval
from noticeboard.notices.models import Notice
from noticeboard.printing import services as printing
from noticeboard.printing.models import RenderedPdf


def _publish(world, factory, village):
    case = factory.case(world.clerk_a, Program.DIBAO, village)
    draft = pre_approval.prepare_notice(world.clerk_a, village.id, "dibao", [case.id])
    return pre_approval.publish_notice(world.reviewer_a, draft.id)


def _counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _wipe() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def _verify(app):
    return app.test_cli_runner().invoke(args=["notices", "verify"])


def test_back_up_wipe_restore_and_everything_verifies(app, world, factory, tmp_path):
    notices = [_publish(world, factory, v) for v in (world.village_a, world.village_a2)]
    for notice in notices:
        printing.notice_pdf(notice, Channel.ONLINE, "A4-portrait")
        printing.notice_pdf(db.session.get(Notice, notice.id), Channel.BOARD, "A4-landscape")
    before = _counts()
    assert before["rendered_pdfs"] == 4 and before["notices"] == 2

    result = app.test_cli_runner().invoke(args=["backup", "create", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (backup,) = tmp_path.iterdir()
    _wipe()
    assert _counts()["notices"] == 0
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output

    assert _counts() == before
    verified = _verify(app)
    assert verified.exit_code == 0, verified.output
    assert "2 published notice(s), 4 stored PDF(s) checked: no mismatch(es)" in verified.output
    pdf = db.session.scalars(select(RenderedPdf)).first()
    assert pdf.data.startswith(b"%PDF")


def test_verify_catches_a_tampered_snapshot_and_a_tampered_pdf(app, world, factory):
    notice = _publish(world, factory, world.village_a)
    pdf = printing.notice_pdf(notice, Channel.ONLINE, "A4-portrait")
    assert _verify(app).exit_code == 0
    # Someone edits the database by hand: one amount in the published snapshot.
    db.session.execute(
        text("UPDATE notices SET snapshot_online = replace(snapshot_online, '0', '9')"
             " WHERE id = :id"),
        {"id": notice.id},
    )  # fmt: skip
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"notice {notice.id}: online snapshot does not match its SHA-256" in result.output
    db.session.execute(
        text("UPDATE rendered_pdfs SET data = :data WHERE id = :id"),
        {"data": b"%PDF-1.7 forged", "id": pdf.id},
    )
    db.session.commit()
    assert f"PDF {pdf.id} " in _verify(app).output


def test_rotation_keeps_the_newest_backups(app, tmp_path):
    paths = [create_backup(tmp_path, keep=100) for _ in range(4)]
    assert rotate(tmp_path, 2) == paths[:2]
    assert sorted(tmp_path.iterdir()) == paths[2:]


def test_a_damaged_backup_is_refused_with_a_clear_message(app, world, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("pg_restore gives its own message; this checks the SQLite path")
    broken = tmp_path / "noticeboard-20260101T000000000000Z.sqlite3.gz"
    broken.write_bytes(gzip.compress(b"not a database at all" * 100))
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(broken), "--yes"])
    assert result.exit_code == 1 and "不是完好的 SQLite 数据库" in result.output
    assert _counts()["users"] > 0  # nothing was overwritten
