"""Bytes a resident's phone downloads: the home page and a 50-row notice, HTML + CSS, plain
and gzipped, as the app sends them to a browser that accepts gzip.

Usage (from the repository root):

    .venv/bin/python bench/page_weight.py

Builds a throwaway SQLite database through the migrations with one county, two townships and
a 50-household 低保 notice whose names, amounts and groups vary as in real data (repeated
names would compress better than real ones), then fetches the pages through the app.
"""

import random
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BUDGET = 60_000
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def build() -> int:
    from stdnum.cn import ric

    from noticeboard.accounts.models import Role
    from noticeboard.accounts.services import create_user
    from noticeboard.cases import services as cases
    from noticeboard.cases.models import Program
    from noticeboard.demo import COMPOUND, GIVEN, MINORITY, SURNAMES
    from noticeboard.extensions import db
    from noticeboard.notices import pre_approval
    from noticeboard.regions.models import RegionLevel
    from noticeboard.regions.services import create_region

    rng = random.Random(2026)
    county = create_region("示范县", RegionLevel.COUNTY, phone="0591-87650000")
    township = create_region("新店镇", RegionLevel.TOWNSHIP, county, "0591-83210000")
    create_region("城关街道", RegionLevel.TOWNSHIP, county, "0591-83330000")
    village = create_region("东风村", RegionLevel.VILLAGE, township)
    clerk = create_user("clerk", "bench-password-1", Role.CLERK, township, "林经办")
    reviewer = create_user("reviewer", "bench-password-1", Role.REVIEWER, township, "黄审核")

    def resident_id(serial: int) -> str:
        born = date(1940 + serial % 60, 1 + serial % 12, 1 + serial % 28)
        body = f"350181{born:%Y%m%d}{serial % 1000:03d}"
        return body + ric.calc_check_digit(body + "0")

    def name() -> str:
        if rng.random() < 0.05:
            return rng.choice(MINORITY)
        surname = rng.choice(COMPOUND) if rng.random() < 0.05 else rng.choice(SURNAMES)
        return surname + "".join(rng.sample(GIVEN, rng.choice((1, 2))))

    ids = []
    for serial in range(50):
        case = cases.create_case(
            clerk,
            Program.DIBAO,
            {
                "village_id": village.id,
                "group_name": f"{rng.randint(1, 9)}组",
                "applicant_name": name(),
                "applicant_id_number": resident_id(serial),
                "dibao_area": "rural",
                "dibao_category": rng.choice(["A类", "B类", "C类"]),
                "monthly_amount": f"{rng.randint(300, 2400)}.{rng.randint(0, 99):02d}",
                "members": [],
            },
        )
        ids.append(case.id)
    draft = pre_approval.prepare_notice(clerk, village.id, Program.DIBAO, ids)
    notice = pre_approval.publish_notice(reviewer, draft.id)
    db.session.commit()
    return notice.id


def main() -> None:
    from flask_migrate import upgrade

    from noticeboard import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3"}
        )
        with app.app_context():
            upgrade()
            notice_id = build()
        client = app.test_client()
        css = ("/static/style.css",)
        pages = {"home page": ("/", *css), "50-row notice": (f"/notices/{notice_id}", *css)}
        ok = True
        for label, urls in pages.items():
            total_plain = total_gzip = 0
            for url in urls:
                plain = len(client.get(url).data)
                zipped = client.get(url, headers=GZIP)
                assert zipped.headers.get("Content-Encoding") == "gzip", url
                total_plain, total_gzip = total_plain + plain, total_gzip + len(zipped.data)
                print(f"  {url:28} {plain:>7} B plain {len(zipped.data):>6} B gzip")
            ok &= total_gzip <= BUDGET
            print(f"{label}: HTML + CSS {total_plain} B plain, {total_gzip} B gzip")
        print(f"budget: {BUDGET} B gzip for the 50-row notice: {'ok' if ok else 'MISSED'}")
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
