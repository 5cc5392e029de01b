"""Benchmark of a standard change (保障标准调整) over 30,000 active cases: its preview and
its confirmation, which re-calculates every amount in one transaction, writes one audit
entry per case and publishes one new roster version per affected village.

Usage (from the repository root):

    .venv/bin/python bench/standards.py                                  # /work/scale-100k.sqlite3
    .venv/bin/python bench/standards.py --reuse path/to/scale.sqlite3 --runs 3

The county is the 100,000-case database `bench/scale.py --keep` builds (1 county, 20
townships, 500 villages; 42,475 rural 低保 households on the rosters). Each run works on a
fresh copy, brought up to date by the migrations. Set-up (not timed): the rural 低保
standard of 2025 in force at 700 元, and an income per person recorded for 30,000 of the
rural households on the rosters (the others have none and are listed for manual review, as
the preview must). Then timed: the county officer proposes 760 元 from 2026-01; the preview
(service call, and the preview page through the app) and the administrator's confirmation.
Targets (issue 15, this 2-core machine): preview ≤ 3 s, apply ≤ 30 s. Medians of the runs,
with the load average beside them: the machine is shared.
"""

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

AFFECTED = 30_000
TARGETS = {"preview": 3.0, "page": 3.0, "apply": 30.0}


def set_up(app) -> None:
    """The standard in force and the recorded incomes the timed change starts from."""
    from sqlalchemy import select, update

    from noticeboard.accounts.models import User
    from noticeboard.cases.models import ROSTER_STATUSES, Case, Program
    from noticeboard.cases.standards import AssistanceStandard
    from noticeboard.core.types import utcnow
    from noticeboard.extensions import db
    from noticeboard.regions.models import Region, RegionLevel

    with app.app_context():
        county = db.session.scalar(select(Region).where(Region.level == RegionLevel.COUNTY))
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        db.session.add(
            AssistanceStandard(
                county_id=county.id,
                kind="dibao_rural",
                amount=700,
                start_month=date(2025, 1, 1),
                confirmed_at=utcnow(),
                confirmed_by_id=admin.id,
            )
        )
        ids = db.session.scalars(
            select(Case.id)
            .where(Case.program == Program.DIBAO, Case.dibao_area == "rural")
            .where(Case.status.in_(ROSTER_STATUSES))
            .order_by(Case.id)
            .limit(AFFECTED)
        ).all()
        db.session.execute(update(Case).where(Case.id.in_(ids)).values(income_per_person=100))
        db.session.commit()


def one_run(source: Path, tmp: Path) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from noticeboard import create_app
    from noticeboard.accounts.models import User
    from noticeboard.extensions import db
    from noticeboard.standards import recalculation, services

    copy = tmp / "standards.sqlite3"
    shutil.copyfile(source, copy)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}", "SECRET_KEY": secrets.token_hex(32)}
    )
    with app.app_context():
        upgrade()
    set_up(app)
    figures = {}
    with app.app_context():
        county = db.session.scalar(select(User).where(User.username == "county"))
        standard = services.propose_standard(county, "dibao_rural", "760.00", "2026-01")
        started = time.perf_counter()
        preview = recalculation.preview(county, standard.id)
        figures["preview"] = time.perf_counter() - started
        figures["changed"] = len(preview.lines)
        figures["manual"] = len(preview.manual)
        figures["villages"] = len(preview.villages)
        standard_id = standard.id
        db.session.remove()
    figures["page"] = time_page(app, standard_id)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        started = time.perf_counter()
        recalculation.confirm(admin, standard_id)
        figures["apply"] = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    copy.unlink()
    return figures


def time_page(app, standard_id: int) -> float:
    """The preview page as the county officer opens it (logged in through the form)."""
    import re

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"username": "county", "password": "scale-bench-2026", "csrf_token": token}
    )
    started = time.perf_counter()
    response = client.get(f"/staff/standards/{standard_id}")
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", type=Path, default=Path("/work/scale-100k.sqlite3"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.reuse.is_file():
        parser.error(f"{args.reuse} is not a file: build it with bench/scale.py --keep")
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    runs = []
    with tempfile.TemporaryDirectory(prefix="standards-bench-") as tmp:
        for number in range(1, args.runs + 1):
            load = os.getloadavg()
            figures = one_run(args.reuse, Path(tmp))
            runs.append(figures)
            print(
                f"run {number}: preview {figures['preview']:.2f} s, page {figures['page']:.2f} s,"
                f" apply {figures['apply']:.2f} s ({figures['changed']} cases changed in "
                f"{figures['villages']} villages, {figures['manual']} for manual review); "
                f"load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
            )
    print(f"uptime: {os.popen('uptime').read().strip()}")
    failed = False
    for key, target in TARGETS.items():
        median = statistics.median(run[key] for run in runs)
        ok = median <= target
        failed |= not ok
        print(f"{key}: median {median:.2f} s (target ≤ {target:.0f} s) {'OK' if ok else 'SLOW'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
