"""Benchmark of importing a township's spreadsheet: check (upload → preview) and import
(confirm) of 10,000 rows, about 4,000 低保 households with their members, as 在保对象.

Usage (from the repository root):

    .venv/bin/python bench/excel.py                 # 10,000 rows, 3 runs, SQLite
    .venv/bin/python bench/excel.py --rows 20000 --runs 1
    .venv/bin/python bench/excel.py --database-url postgresql://…   # an empty database

Each run builds a fresh database through the migrations (one county, one township with 20
villages, a clerk and a reviewer), then times the service calls the pages make: the clerk's
upload with its whole check, and the reviewer's confirmation, which reads and checks the
stored file again, writes every case with its audit entry and publishes the 20 rosters.
Peak memory is the maximum RSS of the process that ran the import (the app alone, WeasyPrint
loaded, is ~145 MB). Each run gets a fresh process, as each upload and confirmation would in
a server worker that has just started: three runs in one process measured what the earlier
runs left behind (277 MB after one run, 311 MB after three), not the import's own peak.
Targets (issue 10, 2-core machine): check ≤ 5 s, import ≤ 15 s, RSS ≤ 300 MB.
"""

import argparse
import io
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

VILLAGES = ["东风村", "红星村", "向阳村", "青山村", "石门村", "大坪村", "长乐村", "黄土村",
            "白沙村", "金盘村", "银湖村", "桃源村", "柳溪村", "杨梅村", "龙井村", "凤凰村",
            "古城村", "南岭村", "北山村", "溪口村"]  # fmt: skip
HEADER = ["村/社区", "组", "户主身份证号", "姓名", "身份证号", "与户主关系", "纳入保障",
          "保障人数", "联系电话", "城乡类别", "月保障金额", "享受起始年月"]  # fmt: skip
TARGETS = {"check": 5.0, "import": 15.0, "rss": 300.0}


def resident_ids():
    """Valid, distinct resident IDs (checksum and birth date), as many as asked for."""
    from stdnum.cn import ric

    serial = 0
    while True:
        serial += 1
        born = f"19{40 + serial % 60:02d}{1 + serial % 12:02d}{1 + serial % 28:02d}"
        body = f"{110101 + (serial // 1000) % 50:06d}{born}{serial % 1000:03d}"
        yield body + ric.calc_check_digit(body + "0")


def workbook(rows: int) -> tuple[bytes, int]:
    """`rows` rows of households of 1 to 4 persons (2.5 on average); the household count."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("低保名单")
    sheet.append(HEADER)
    ids = resident_ids()
    written = households = 0
    while written < rows:
        size = min(1 + households % 4, rows - written)
        head = next(ids)
        village = VILLAGES[households % len(VILLAGES)]
        sheet.append([village, f"{1 + households % 9}组", head, "张三丰", head, "户主", "是",
                      size, "13800138000", "农村", 680.0 * size, "2024-03"])  # fmt: skip
        for member in range(size - 1):
            relation = "配偶" if member == 0 else "子女"
            sheet.append([village, None, head, "李秀英", next(ids), relation, "是"])
        written += size
        households += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), households


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(url: str | None, content: bytes, warm_fonts: bool) -> tuple[float, float, int]:
    # The two bench accounts are hashed cheaply: argon2's 64 MiB per hash is login's peak,
    # not the import's.
    from argon2 import PasswordHasher, profiles
    from flask_migrate import upgrade

    from noticeboard import create_app
    from noticeboard.accounts import passwords
    from noticeboard.accounts.models import Role
    from noticeboard.accounts.services import create_user
    from noticeboard.extensions import db
    from noticeboard.regions.models import RegionLevel
    from noticeboard.regions.services import create_region
    from noticeboard.spreadsheets import imports

    passwords._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{tmp}/bench.sqlite3"}
        )
        with app.app_context():
            upgrade()
            county = create_region("示范县", RegionLevel.COUNTY)
            township = create_region("新店镇", RegionLevel.TOWNSHIP, county)
            for name in VILLAGES:
                create_region(name, RegionLevel.VILLAGE, township)
            clerk = create_user("clerk", "bench-password-1", Role.CLERK, township, "林经办")
            reviewer = create_user(
                "reviewer", "bench-password-1", Role.REVIEWER, township, "黄审核"
            )
            db.session.commit()
            print(f"  peak RSS before the check: {rss_mb():.0f} MB")
            if warm_fonts:
                from noticeboard.printing.fonts import covered_codepoints

                covered_codepoints()
                print(f"  peak RSS with the fonts' character maps loaded: {rss_mb():.0f} MB")
            start = time.perf_counter()
            upload = imports.upload(clerk, township.id, "dibao", "active", "名单.xlsx", content)
            check = time.perf_counter() - start
            assert upload.problems == 0, upload.report["problems"][:5]
            print(f"  peak RSS after the check: {rss_mb():.0f} MB")
            start = time.perf_counter()
            done = imports.confirm_import(reviewer, upload.id)
            imported = time.perf_counter() - start
            cases = done.cases_created
            db.session.remove()
            db.engine.dispose()
    return check, imported, cases


def fresh_run(url: str | None, content: bytes, warm_fonts: bool) -> tuple[float, float, int, float]:
    """One run in a process of its own; its figures and that process's peak RSS (MB)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        check, imported, cases, peak = pool.apply(_run_and_measure, (url, content, warm_fonts))
    return check, imported, cases, peak


def _run_and_measure(url, content, warm_fonts):
    return (*run(url, content, warm_fonts), rss_mb())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument(
        "--warm-fonts",
        action="store_true",
        help="load the printing fonts' character maps first, as a server that has published"
        " any notice holds them (publishing the rosters checks every character)",
    )
    args = parser.parse_args()
    content, households = workbook(args.rows)
    print(f"{args.rows} rows, {households} households, {len(content) / 1024:.0f} KiB .xlsx")
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    checks, imports_, peaks = [], [], []
    for number in range(1, args.runs + 1):
        check, imported, cases, peak = fresh_run(args.database_url, content, args.warm_fonts)
        checks.append(check)
        imports_.append(imported)
        peaks.append(peak)
        print(
            f"run {number}: check {check:.2f} s, import {imported:.2f} s ({cases} cases), "
            f"peak RSS {peak:.0f} MB"
        )
    peak = max(peaks)  # the worst run, not the median: memory is a limit, not an average
    figures = {"check": statistics.median(checks), "import": statistics.median(imports_)}
    figures["rss"] = peak
    print(
        f"median: check {figures['check']:.2f} s, import {figures['import']:.2f} s; "
        f"peak RSS {peak:.0f} MB"
    )
    missed = [name for name, target in TARGETS.items() if figures[name] > target]
    print(
        "targets: check ≤ 5 s, import ≤ 15 s, RSS ≤ 300 MB: "
        + ("ok" if not missed else "MISSED " + ", ".join(missed))
    )
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
