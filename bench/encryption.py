"""Personal data at rest at 100,000 cases: how long the migration that encrypts a county in
place takes, and what encryption costs case entry and the staff list.

Usage (from the repository root; the database is copied, never changed):

    python bench/encryption.py --reuse /work/scale-100k.sqlite3 [--create 300]

Steps: the copy is migrated up to 0018 (the last migration before encryption), then the
encryption migration alone is timed, then the rest. Then --create cases are entered through
`cases.services.create_case` with encryption; the county officer's staff list (page 1) and
searches by an ID's last 6 digits and by a whole ID are timed (medians of --repeat runs
through `cases.search.list_cases`); last, --create more cases with the cipher replaced by a
pass-through (the keyed indexes still computed), for the cost of AES-GCM alone.
"""

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import _sqlite_url, make_app, time_create_cases


def _timed(step) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def _median_ms(step, repeat: int) -> float:
    return statistics.median(_timed(step) for _ in range(repeat)) * 1000


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", type=Path, required=True, help="SQLite database to copy")
    parser.add_argument("--create", type=int, default=300, help="cases entered per timing")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each list timing")
    args = parser.parse_args(argv)
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from noticeboard.accounts.models import User
    from noticeboard.cases import search
    from noticeboard.cases.models import Case
    from noticeboard.core import crypto
    from noticeboard.extensions import db

    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="encryption-bench-") as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        shutil.copyfile(args.reuse, copy)
        app = make_app(_sqlite_url(copy))
        with app.app_context():
            before = _timed(lambda: upgrade(revision="0018_standards"))
            cases = db.session.scalar(select(func.count()).select_from(Case))
            db.session.remove()
            encrypting = _timed(lambda: upgrade(revision="0019_encrypted_identifiers"))
            rest = _timed(upgrade)
        print(f"migrations up to 0018: {before:.1f} s")
        print(f"0019 (encrypt {cases} cases, members, audit entries in place): {encrypting:.1f} s")
        print(f"0020 and later: {rest:.1f} s   (load {os.getloadavg()[0]:.2f})")

        rate, statements, _ = time_create_cases(app, args.create)
        print(f"create_case with encryption: {rate:.0f} cases/s, {statements:.1f} statements/case")
        with app.app_context():
            officer = db.session.scalar(select(User).where(User.role == "county"))
            # The staff list shows the newest cases: timed before the pass-through run below
            # leaves clear values that the real cipher cannot read.
            some_id = db.session.scalar(select(Case.applicant_id_number).order_by(Case.id).limit(1))
            page = _median_ms(lambda: search.list_cases(officer, search.CaseFilter()), args.repeat)
            tail = _median_ms(
                lambda: search.list_cases(officer, search.CaseFilter(q=some_id[-6:])), args.repeat
            )
            full = _median_ms(
                lambda: search.list_cases(officer, search.CaseFilter(q=some_id)), args.repeat
            )
        print(f"staff list page 1 (county officer): median {page:.1f} ms")
        print(f"search by the last 6 digits of an ID: median {tail:.1f} ms; whole ID {full:.1f} ms")
        encrypt, decrypt = crypto.KeyRing.encrypt, crypto.KeyRing.decrypt
        crypto.KeyRing.encrypt = lambda self, plain: plain
        # Values written before stay encrypted and readable (the one-person check reads them).
        crypto.KeyRing.decrypt = lambda self, stored: (
            decrypt(self, stored) if stored.partition(":")[0] in self.ciphers else stored
        )
        try:
            plain_rate, _, _ = time_create_cases(app, args.create)
        finally:
            crypto.KeyRing.encrypt, crypto.KeyRing.decrypt = encrypt, decrypt
        print(f"create_case, cipher passed through: {plain_rate:.0f} cases/s")
        with app.app_context():
            ring, value = crypto.keyring(), "350181195603120017"
            sealed = ring.encrypt(value)
            for name, step in (
                ("encrypt", lambda: ring.encrypt(value)),
                ("decrypt", lambda: ring.decrypt(sealed)),
                ("keyed index", lambda: ring.digest("id", value)),
            ):
                each = _timed(lambda step=step: [step() for _ in range(10_000)]) / 10_000
                print(f"   {name} of one ID: {each * 1e6:.1f} µs")
        print(f"   (load {os.getloadavg()[0]:.2f})")

        with app.app_context():
            db.engine.dispose()
        print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
