"""Statistics benchmark: one month's figures and a 12-month trend of a 100,000-case county.

Usage (from the repository root):

    python bench/stats.py --reuse /work/scale-100k.sqlite3   # a county built by bench/scale.py
    python bench/stats.py --cases 100000                     # build one first (bench/scale.py)
    python bench/stats.py --cases 300 --runs 2               # smoke test (tests/bench/)

A reused database is timed on a copy, after the migrations it lacks: 0017_statistics fills
the benefit history from its cases, as it would on a deployed county (the seconds it takes
are printed). A fresh build inserts its cases with SQL, around the services, so the history
is filled the same way: the build is taken back to 0016 and migrated again.

Timed, each --runs times after one warm-up: `month_report` of the county (every program, the
township breakdown, notices, objections, days to approval) for the current month, and
`trend` for the 12 months up to it; the same for one township. Medians are printed with the
load average beside them (the machine is shared). Targets: a month ≤ 1 s, the trend ≤ 2 s.
The last line is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scale import Shape, build, make_app

TARGETS = {"county month": 1.0, "county trend": 2.0}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", type=Path, help="time a copy of this SQLite database")
    parser.add_argument("--cases", type=int, default=100_000, help="cases to build")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each measurement")
    args = parser.parse_args(argv)
    if args.reuse and not args.reuse.is_file():
        parser.error(f"{args.reuse} is not a file")
    return args


def _timed(function, runs: int) -> tuple[float, float]:
    function()  # warm-up: the page cache and SQLite's statement cache
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), min(seconds)


def measure(app, runs: int) -> dict:
    from sqlalchemy import func, select

    from noticeboard.core.dates import local_today
    from noticeboard.extensions import db
    from noticeboard.regions.models import Region, RegionLevel
    from noticeboard.statistics.figures import month_report, trend
    from noticeboard.statistics.models import BenefitPeriod

    with app.app_context():
        county = db.session.scalar(select(Region).where(Region.level == RegionLevel.COUNTY))
        township = db.session.scalar(
            select(Region).where(Region.level == RegionLevel.TOWNSHIP).order_by(Region.id)
        )
        month = local_today().replace(day=1)
        periods = db.session.scalar(select(func.count()).select_from(BenefitPeriod))
        total = month_report(county, month).total
        paid = sum(cell.households for cell in total.programs.values())
        print(f"benefit periods: {periods}; paid in {month:%Y-%m}: {paid} (households, persons…)")
        cases = {
            "county month": lambda: month_report(county, month),
            "county trend": lambda: trend(county, month),
            "township month": lambda: month_report(township, month),
            "township trend": lambda: trend(township, month),
        }
        results = {}
        for name, function in cases.items():
            load = os.getloadavg()[0]
            median, fastest = _timed(function, runs)
            db.session.rollback()
            results[name] = {"median_s": round(median, 3), "min_s": round(fastest, 3), "load": load}
        return {"periods": periods, "results": results}


def report(results: dict, runs: int) -> bool:
    print("\n| measurement    | runs | median s | min s | load avg | target s | ok  |")
    print("|----------------|-----:|---------:|------:|---------:|---------:|-----|")
    ok = True
    for name, r in results.items():
        target = TARGETS.get(name)
        met = target is None or r["median_s"] <= target
        ok &= met
        print(
            f"| {name:<14} | {runs:>4} | {r['median_s']:>8.3f} | {r['min_s']:>5.3f} "
            f"| {r['load']:>8.2f} | {target if target else '–':>8} | "
            f"{('yes' if met else 'no') if target else '':<3} |"
        )
    return ok


def main(argv=None) -> None:
    args = parse_args(argv)
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    from flask_migrate import downgrade, upgrade

    facts: dict = {"machine_cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="stats-bench-") as tmp:
        timed = Path(tmp) / "timed.sqlite3"
        url = f"sqlite:///{timed}"
        if args.reuse:
            shutil.copyfile(args.reuse, timed)
            print(f"reusing {args.reuse} (timed on a copy)")
        else:
            shape = Shape.for_cases(args.cases)
            print(f"building {shape.cases} cases ({shape.townships} townships)")
            facts["build_s"] = round(build(url, shape), 1)
        app = make_app(url)
        with app.app_context():
            if not args.reuse:
                # so that 0017 fills the history from the cases
                downgrade(revision="0016_approval_delegations")
            started = time.perf_counter()
            upgrade()
            facts["migrate_s"] = round(time.perf_counter() - started, 1)
        print(f"migrations (the benefit history filled from the cases): {facts['migrate_s']} s")
        measured = measure(app, args.runs)
        facts.update(measured)
    ok = report(facts["results"], args.runs)
    print(json.dumps(facts, ensure_ascii=False))
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
