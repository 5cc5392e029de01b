"""Benchmark of the access log (issue 14): what a logged reveal adds to the case page, and
the access log page searched by staff member and by case, in the 100,000-case county with
an access log of 300,000 entries (a year of a busy county: 40 accounts, ~30 a working day).

Usage (from the repository root):

    .venv/bin/python bench/access_log.py        # on a copy of /work/scale-100k.sqlite3
    .venv/bin/python bench/access_log.py --reuse path/to/scale.sqlite3 --runs 30

The copy is brought up to date by the migrations; the entries are written in bulk (not
timed). Then timed through the app: a township clerk opens a case page (masked) and reveals
it (one insert and the hour's sum for the alert), the county officer opens the access log
by case and by staff member, and the administrator's 工作台 (with the alert count). Medians
of the runs, with the load average beside them: the machine is shared.
"""

import argparse
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ENTRIES = 300_000
PASSWORD = "scale-bench-2026"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def fill_log(app) -> tuple[int, int]:
    """ENTRIES reveals and views spread over a year; (a case of clerk01, clerk01's id)."""
    from sqlalchemy import insert, select

    from noticeboard.accounts.models import User
    from noticeboard.audit.models import DataAccess
    from noticeboard.cases.models import Case
    from noticeboard.extensions import db
    from noticeboard.regions.models import Region

    with app.app_context():
        users = db.session.execute(
            select(User.id, User.display_name, User.region_id).where(User.role != "admin")
        ).all()
        clerk = db.session.scalar(select(User).where(User.username == "clerk01"))
        township = db.session.get(Region, clerk.region_id)
        cases = db.session.execute(select(Case.id, Case.village_id).order_by(Case.id)).all()
        mine = db.session.scalar(
            select(Case.id)
            .join(Region, Region.id == Case.village_id)
            .where(Region.path.startswith(township.path))
            .order_by(Case.id)
        )
        now = datetime.now(UTC)
        rows = []
        for n in range(ENTRIES):
            user = users[n % len(users)]
            case_id, village_id = cases[(n * 7919) % len(cases)]
            rows.append(
                {
                    "at": now - timedelta(minutes=(ENTRIES - n) * 1.75),
                    "user_id": user.id,
                    "actor": user.display_name,
                    "kind": "reveal" if n % 3 else "view",
                    "case_id": case_id,
                    "region_id": village_id,
                    "fields": ["id_number", "phone"],
                    "identifiers": 2,
                    "client_address": "10.0.0.1",
                }
            )
            if len(rows) == 10_000:
                db.session.execute(insert(DataAccess), rows)
                rows = []
        db.session.commit()
        return mine, clerk.id


def login(client, username: str) -> None:
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, username


def timed(request, runs: int) -> float:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        response = request()
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.median(seconds)


def time_alerts(app, runs: int) -> float:
    """The 工作台's line of access alerts alone (audit.access.recent_alerts)."""
    from sqlalchemy import select

    from noticeboard.accounts.models import User
    from noticeboard.audit.access import recent_alerts
    from noticeboard.extensions import db

    with app.test_request_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            recent_alerts(admin)
            seconds.append(time.perf_counter() - started)
        db.session.remove()
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", type=Path, default=Path("/work/scale-100k.sqlite3"))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if not args.reuse.is_file():
        parser.error(f"{args.reuse} is not a file: build it with bench/scale.py --keep")
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    from flask_migrate import upgrade

    from noticeboard import create_app

    with tempfile.TemporaryDirectory(prefix="access-bench-") as tmp:
        copy = Path(tmp) / "access.sqlite3"
        shutil.copyfile(args.reuse, copy)
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}", "SECRET_KEY": secrets.token_hex(32)}
        )
        with app.app_context():
            upgrade()
        case_id, clerk_id = fill_log(app)
        clerk, county, admin = app.test_client(), app.test_client(), app.test_client()
        login(clerk, "clerk01")
        login(county, "county")
        login(admin, "admin")
        token = CSRF.search(clerk.get("/staff/").get_data(as_text=True)).group(1)
        figures = {
            "case page (masked)": timed(lambda: clerk.get(f"/staff/cases/{case_id}"), args.runs),
            "reveal (logged)": timed(
                lambda: clerk.post(f"/staff/cases/{case_id}/reveal", data={"csrf_token": token}),
                args.runs,
            ),
            "access log by case": timed(
                lambda: county.get(f"/staff/audit/access?case={case_id}"), args.runs
            ),
            "access log by staff member": timed(
                lambda: county.get(f"/staff/audit/access?user={clerk_id}"), args.runs
            ),
            "access log, all": timed(lambda: county.get("/staff/audit/access"), args.runs),
            "工作台 (administrator)": timed(lambda: admin.get("/staff/home"), args.runs),
        }
        figures["of which: the alert line"] = time_alerts(app, args.runs)
    load = os.getloadavg()
    print(f"100,000 cases, {ENTRIES:,} access log entries; medians of {args.runs} requests")
    for name, seconds in figures.items():
        print(f"  {name:<28} {seconds * 1000:8.1f} ms")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 CPUs, shared)")


if __name__ == "__main__":
    main()
