"""Key rotation: every value stays readable while it runs, after an interruption and after
it; running it again finishes the job."""

import json

import pytest
from sqlalchemy import select

from noticeboard import keys
from noticeboard.audit.models import AuditEntry
from noticeboard.cases import services
from noticeboard.cases.models import Case, Program
from noticeboard.core.crypto import init_keys, keyring, new_key
from noticeboard.extensions import db


@pytest.fixture
def use_keys(app):
    """use_keys([data keys, current first]) for the rest of the test, with the app's own index
    key; the app's keys come back after."""
    kept = app.config["DATA_KEYS"]

    def use(data: list[str]) -> str:
        app.config["DATA_KEYS"] = (data, kept[1])
        init_keys(app)
        return keyring().current_id

    yield use
    db.session.rollback()
    app.config["DATA_KEYS"] = kept
    init_keys(app)


def everything_as_read() -> list:
    """Every encrypted value, read through the models (fresh from the database)."""
    db.session.expire_all()
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    values = [
        (c.applicant_id_number, c.applicant_phone, c.address, [m.id_number for m in c.members])
        for c in cases
    ]
    return values + [
        e.changes for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    ]


def test_rotation_is_resumable_and_keeps_every_value_readable(app, world, factory, use_keys):
    old_key, new_key_ = new_key(), new_key()
    old_id = use_keys([old_key])
    for n in range(6):
        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a, address=f"东风村{n}号")
        data = services.form_data(case) | {"applicant_phone": f"1390000000{n}"}
        services.update_case(world.clerk_a, case.id, data, case.version)
    before = everything_as_read()
    assert set(keys.key_use()) == {old_id}
    new_id = use_keys([new_key_, old_key])

    rewritten = keys.rotate(batch_size=2, max_batches=2)  # stopped half-way
    assert sum(rewritten.values()) == 4
    assert everything_as_read() == before
    assert set(keys.key_use()) == {old_id, new_id}

    result = app.test_cli_runner().invoke(args=["keys", "rotate", "--batch-size", "3"])
    assert result.exit_code == 0, result.output
    assert f"all values under key {new_id}" in result.output
    assert set(keys.key_use()) == {new_id}
    assert everything_as_read() == before
    # The old key can go now: nothing needs it.
    use_keys([new_key_])
    assert everything_as_read() == before
    status = app.test_cli_runner().invoke(args=["keys", "status"])
    assert f"current data key: {new_id}" in status.output


def test_a_value_under_a_missing_key_fails_loudly_and_the_status_says_so(
    app, world, factory, use_keys
):
    factory.case(world.clerk_a, Program.TEKUN, world.village_a)
    use_keys([new_key()])
    db.session.expire_all()
    with pytest.raises(LookupError, match="flask keys rotate"):
        db.session.scalars(select(Case)).all()
    status = app.test_cli_runner().invoke(args=["keys", "status"])
    assert "under a key that is missing" in status.output


def test_a_new_key_goes_first_in_the_key_file_and_the_old_one_stays(
    app, monkeypatch, tmp_path, use_keys
):
    old = new_key()
    old_id = use_keys([old])
    monkeypatch.setattr(keys, "DATA_KEY_FILE", tmp_path / "data_keys.json")
    monkeypatch.delenv("NOTICEBOARD_DATA_KEY", raising=False)
    result = app.test_cli_runner().invoke(args=["keys", "add"])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "data_keys.json").read_text())
    assert written["data"][1:] == [old] and written["index"] == app.config["DATA_KEYS"][1]
    assert keyring().current_id != old_id and set(keyring().ciphers) >= {old_id}
    # With the keys in the environment, the file is not the place: the command says what to do.
    monkeypatch.setenv("NOTICEBOARD_DATA_KEY", old)
    refused = app.test_cli_runner().invoke(args=["keys", "add"])
    assert refused.exit_code != 0 and "NOTICEBOARD_DATA_KEY" in refused.output
