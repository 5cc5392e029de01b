"""Scale benchmark: a county of 100,000 cases, timed page by page through the real app.

Usage (from the repository root):

    python bench/scale.py                                    # build into a temp SQLite file, time
    python bench/scale.py --keep /work/scale-100k.sqlite3    # ... and keep the built database
    python bench/scale.py --reuse /work/scale-100k.sqlite3   # time a kept database (on a copy)
    python bench/scale.py --database-url postgresql://u:p@host/db   # build into empty PostgreSQL
    python bench/scale.py --cases 300 --requests 2           # smoke test (tests/bench/)

The build makes 1 county, 20 townships, 500 villages and 100,000 cases (fewer townships and
villages for a smaller --cases) in a database created by the migrations. The bulk goes in
with SQLAlchemy Core inserts, but every value is the app's own: case fields are cleaned by
`cases.validation.clean_case_data`, snapshots are built by `notices.snapshots.build_snapshot`
and hashed as `freeze` does, audit entries carry `cases.services.audit_view`. The dates follow
the real clock: 7-day notices in force today, ended ones awaiting approval (some blocked by
open objections), rosters (长期公示) with superseded versions, monthly 临时救助 lists. Then a
short story per township runs through the real services (enter cases, prepare and publish
notices, approve, object, resolve, propose a change, terminate, publish a 临时救助 list).

The timing logs in through /login (CSRF token from the form) and requests, in-process with
Flask's test client, every GET route of `app.url_map` (plus query-string variants that
matter at scale) as a township clerk and as the county officer (pages neither may open: as
the reviewer or the administrator), every public page and the API anonymously. Each page gets
1 warm-up request, then --rounds x --requests timed ones (rounds walk all pages in turn); a
page slower than --page-budget allows gets fewer requests (column n). SQL statements are
counted per request on the engine (`before_cursor_execute`). Last, --create-windows windows
of --create cases each are entered one by one through `cases.services.create_case`
(validation, one person one case, audit), each after CREATE_WARM_UP untimed ones, as each
page has its warm-up request; cases/s is the windows' median, as p50 and p95 are for pages.
The service is timed as the form's request calls it (time_create_cases, `as_requested`);
windows of a plain loop, which also times reading the clerk and the villages again after
each commit, alternate with them and are reported beside them.

The last line printed is a JSON summary with the keys staff_p95_ms, public_p95_ms (the API
included), create_cases_per_s and statements.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import re
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from machine_speed import python_loop_ms  # bench/ is the script's directory

FULL_CASES, FULL_TOWNSHIPS, FULL_VILLAGES = 100_000, 20, 500
# Shares of the programs among cases; 低保 households have 1.29 members on average (≈ 90,000).
SHARES = {"dibao": 0.70, "tekun": 0.15, "linshi": 0.15}
MEMBER_COUNT_WEIGHTS = (0.27, 0.31, 0.28, 0.14)  # 0, 1, 2, 3 members besides the head
PASSWORD = "scale-bench-2026"
BATCH = 5000
# Targets of issue 13 (p95, ms) and of entering cases (per second).
TARGET_MS = {"clerk": 150, "reviewer": 150, "county": 300, "admin": 300, None: 100}
TARGET_CASES_PER_S = 300
EXPORT_TARGET_MS = 10_000

TOWNSHIP_NAMES = (
    "新店镇", "城关街道", "白沙镇", "青口镇", "尚干镇", "祥谦镇", "南通镇", "上街镇", "南屿镇",
    "荆溪镇", "竹岐乡", "鸿尾乡", "洋里乡", "大湖乡", "廷坪乡", "小箬乡", "凤山街道", "吴航街道",
    "潭头镇", "梅花镇",
)  # fmt: skip
VILLAGE_STEMS = (
    "东风", "红星", "向阳", "青山", "前进", "胜利", "光明", "和平", "新华", "建设", "团结", "幸福",
    "友谊", "长乐", "永安", "富强", "兴旺", "丰收", "太平", "福田", "石门", "桥头", "山边", "溪口",
    "塘下", "岭上", "洋中", "后坂", "埔头", "霞浦",
)  # fmt: skip
AREA_CODES = ("350181", "350121", "350122", "350123", "350124", "350125", "350128", "350102")
PANEL = "陈建国\n刘淑珍\n黄志强\n林秀英\n郑德明"
TERMINATION_REASONS = (
    "家庭成员外出务工，家庭人均收入已超过当地低保标准",
    "保障对象死亡",
    "家庭经济状况好转，本人申请退出",
    "户籍迁出本县",
)
REJECTION_REASONS = (
    "经入户调查，家庭人均收入高于当地低保标准",
    "家庭拥有机动车辆（残疾人功能性补偿代步机动车辆除外），不符合认定条件",
)
OBJECTION_TEXTS = (
    "该户的儿子在县城开了一家超市，家里还买了小轿车，请核实。",
    "这户家里新盖了两层楼房，请核实。",
    "该户户主长期在外打零工，每月有收入，保障金额偏高。",
)
INVESTIGATIONS = {
    "not_upheld": "经入户核查并由村委会出具证明，反映情况与事实不符，异议不成立，已告知反映人。",
    "upheld": "经入户核查，户主经营小卖部，月均净收入约 300 元，申请时未申报。异议成立。",
}
WITHDRAWAL_REASON = "公示表中该户保障人数有误，撤回核实后重新公示"


# ----------------------------------------------------------------------------- the shape


@dataclass(frozen=True)
class Shape:
    """How many townships and villages a county of `cases` cases has (20 and 500 at 100,000)."""

    cases: int
    townships: int
    villages_per_township: int

    @classmethod
    def for_cases(cls, cases: int) -> Shape:
        scale = cases / FULL_CASES
        townships = max(2, round(FULL_TOWNSHIPS * scale))
        villages = max(2 * townships, round(FULL_VILLAGES * scale))
        return cls(cases, townships, villages // townships)


def township_name(index: int) -> str:
    base = TOWNSHIP_NAMES[index % len(TOWNSHIP_NAMES)]
    return base if index < len(TOWNSHIP_NAMES) else f"{base[:-1]}{index}{base[-1]}"


def village_name(township: str, index: int) -> str:
    stem = VILLAGE_STEMS[index % len(VILLAGE_STEMS)]
    if index >= len(VILLAGE_STEMS):
        stem += str(index // len(VILLAGE_STEMS) + 1)
    urban = township.endswith("街道") or index % 6 == 5
    return stem + ("社区" if urban else "村")


# ----------------------------------------------------------------------------- people


class People:
    """Names, phones and resident IDs (GB 11643, valid check digit, never twice)."""

    def __init__(self, rng: random.Random, today: date):
        from noticeboard.demo import COMPOUND, GIVEN, MINORITY, SURNAMES

        self.rng, self.today = rng, today
        self.surnames, self.compound, self.given, self.minority = (
            SURNAMES,
            COMPOUND,
            GIVEN,
            MINORITY,
        )
        self.used: set[str] = set()

    def name(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.02:
            return rng.choice(self.minority)
        surname = rng.choice(self.compound) if roll < 0.05 else rng.choice(self.surnames)
        return surname + "".join(rng.choice(self.given) for _ in range(rng.choice((1, 2, 2))))

    def resident_id(self, youngest: int, oldest: int) -> str:
        from stdnum.cn import ric

        rng = self.rng
        while True:
            born = date(self.today.year - rng.randint(youngest, oldest), rng.randint(1, 12), 1)
            body = f"{rng.choice(AREA_CODES)}{born:%Y%m}{rng.randint(1, 28):02d}"
            body += f"{rng.randint(0, 999):03d}"
            value = body + ric.calc_check_digit(body + "0")  # it ignores the last character
            if value not in self.used:
                self.used.add(value)
                return value

    def phone(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randint(0, 999_999_999):09d}"

    def form(self, program: str, village, paid_on: date | None = None) -> dict:
        """A case as a clerk enters it: the data `create_case` takes."""
        rng = self.rng
        rural = village.name.endswith("村")
        data = {
            "village_id": village.id,
            "group_name": f"{rng.randint(1, 9)}组" if rural else None,
            "applicant_name": self.name(),
            "applicant_phone": self.phone() if rng.random() < 0.8 else "",
            "address": (
                f"{village.name}{rng.randint(1, 9)}组{rng.randint(1, 99)}号"
                if rural
                else f"{village.name}{rng.randint(1, 30)}栋{rng.randint(101, 1804)}室"
            ),
        }
        if program == "dibao":
            count = rng.choices(range(4), MEMBER_COUNT_WEIGHTS)[0]
            relations = rng.sample(["配偶", "子女", "子女", "父母"], count)
            ages = {"配偶": (30, 70), "子女": (18, 30), "父母": (60, 90)}
            members = [
                {
                    "name": self.name(),
                    "id_number": self.resident_id(*ages[relation]),
                    "relation": relation,
                    "covered": rng.random() > 0.1,
                }
                for relation in relations
            ]
            per_person = rng.choice([620, 680, 740] if rural else [860, 900, 950])
            covered = 1 + sum(m["covered"] for m in members)
            data |= {
                "applicant_id_number": self.resident_id(30, 80),
                "dibao_area": "rural" if rural else "urban",
                "dibao_category": rng.choice(["A类", "B类", "C类", ""]),
                "monthly_amount": f"{per_person * covered}.00",
                "members": members,
            }
        elif program == "tekun":
            from noticeboard.demo import CARE_AMOUNTS

            self_care = rng.choice(["full", "full", "partial", "none"])
            data |= {
                "applicant_id_number": self.resident_id(60, 95),
                "tekun_mode": rng.choice(["dispersed", "dispersed", "centralised"]),
                "self_care": self_care,
                "basic_amount": "1170.00",
                "care_amount": CARE_AMOUNTS[self_care],
            }
        else:
            from noticeboard.cases.models import LINSHI_REASONS

            kind = rng.choice(["emergency", "expenditure"])
            data |= {
                "applicant_id_number": self.resident_id(20, 80),
                "linshi_type": kind,
                "reason_category": rng.choice(
                    LINSHI_REASONS[:5] if kind == "emergency" else LINSHI_REASONS[5:]
                ),
                "amount": f"{rng.randint(5, 60) * 100}.00",
                "paid_on": (paid_on or self.today).isoformat(),
            }
        return data


def form_of(case) -> dict:
    """The data of a stored 低保 case as its edit form posts it."""
    return {
        "village_id": case.village_id,
        "group_name": case.group_name,
        "applicant_name": case.applicant_name,
        "applicant_id_number": case.applicant_id_number,
        "applicant_phone": case.applicant_phone or "",
        "address": case.address or "",
        "dibao_area": case.dibao_area,
        "dibao_category": case.dibao_category or "",
        "monthly_amount": str(case.monthly_amount),
        "members": [
            {"name": m.name, "id_number": m.id_number, "relation": m.relation, "covered": m.covered}
            for m in case.members
        ],
    }


# ----------------------------------------------------------------------------- the plan


@dataclass(eq=False)
class Staff:
    clerk: object
    reviewer: object


@dataclass(eq=False)
class CaseSpec:
    """One case to insert: its cleaned values, status and the days its life happened on."""

    row: dict
    members: list
    village: object
    staff: Staff
    status: str
    created: datetime
    approved_on: date | None = None
    closed_on: date | None = None  # terminated or rejected
    notice: NoticePlan | None = None  # the 7-day notice it was (last) listed on
    withdrawn_from: NoticePlan | None = None
    upheld: ObjectionPlan | None = None
    id: int = 0
    model: object = None  # a transient Case, for build_snapshot and audit_view


@dataclass(eq=False)
class ObjectionPlan:
    line: int | None
    channel: str
    text: str
    created: datetime
    recorded_by: object = None
    outcome: str | None = None
    resolved: datetime | None = None
    resolved_by: object = None
    contact: tuple[str | None, str | None] = (None, None)
    receipt: str = ""


@dataclass(eq=False)
class NoticePlan:
    kind: str
    program: str
    region: object
    title: str
    cases: list[CaseSpec]
    created: datetime
    published: datetime | None
    prepared_by: object
    published_by: object
    start: date | None = None
    end: date | None = None
    month: date | None = None
    supersedes: NoticePlan | None = None
    reason: str | None = None
    withdrawn: datetime | None = None
    withdrawn_by: object = None
    objections: list[ObjectionPlan] = field(default_factory=list)
    id: int = 0

    @property
    def moment(self) -> datetime:
        return self.published or self.created


@contextmanager
def gc_paused():
    """Hundreds of thousands of live objects make the cyclic collector rescan them again and
    again (bench/pdf.py saw the same); reference counting still frees memory."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class CountyBuilder:
    """Builds the county into the app's (empty, migrated) database."""

    def __init__(self, shape: Shape, seed: int = 2026):
        from noticeboard.core.dates import CHINA, local_today

        self.shape = shape
        self.rng = random.Random(seed)
        self.today = local_today()
        self.now = datetime.now(CHINA)
        self.china = CHINA
        self.people = People(self.rng, self.today)
        self.counts: dict[str, int] = {}

    # --------------------------------------------------------------- helpers

    def moment(self, day: date, hour: int = 9, minute: int = 0) -> datetime:
        """That day at that hour in Beijing, but never in the future."""
        at = datetime.combine(day, clock(hour, minute), self.china)
        return min(at, self.now - timedelta(minutes=1))

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def period_end(self, village, start: date) -> date:
        from noticeboard.notices.periods import notice_period_end, uses_working_days

        return notice_period_end(start, uses_working_days(village))

    def ended_start(self, village, days_ago: int) -> date:
        """A start `days_ago` days back or earlier, whose 7-day period ended before today."""
        start = self.today - timedelta(days=days_ago)
        while self.period_end(village, start) >= self.today:
            start -= timedelta(days=1)
        return start

    def insert(self, model, rows: list[dict]) -> None:
        from sqlalchemy import insert

        from noticeboard.extensions import db

        table = model.__table__
        for start in range(0, len(rows), BATCH):
            db.session.execute(insert(table), rows[start : start + BATCH])
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    # --------------------------------------------------------------- build

    def build(self) -> dict[str, int]:
        from noticeboard.cases import name_grams
        from noticeboard.extensions import db

        with gc_paused():
            self.regions_and_users()
            specs = self.cases()
            plans = self.notices(specs)
            self.write(specs, plans)
            # The bulk went in without the ORM, so without the flush that keeps the name index.
            name_grams.rebuild(db.session)
            db.session.commit()
            self.fix_sequences()
        return self.counts

    def regions_and_users(self) -> None:
        from sqlalchemy import select

        from noticeboard.accounts.models import User
        from noticeboard.accounts.passwords import hash_password
        from noticeboard.extensions import db
        from noticeboard.regions.models import Region

        shape = self.shape
        rows = [_region(1, "示范县", "county", None, "/1/", "0591-87650000")]
        next_id = 2
        township_ids = []
        for t in range(shape.townships):
            name = township_name(t)
            township = _region(
                next_id, name, "township", 1, f"/1/{next_id}/", f"0591-8{3200000 + 1000 * t:07d}"
            )
            township["assessment_panel"] = PANEL if t % 2 == 0 else None
            # One township counts 7 working days (official holiday calendar).
            township["working_day_notices"] = True if t == 2 else None
            rows.append(township)
            township_ids.append(next_id)
            parent_path = township["path"]
            next_id += 1
            for v in range(shape.villages_per_township):
                rows.append(
                    _region(
                        next_id,
                        village_name(name, v),
                        "village",
                        township["id"],
                        f"{parent_path}{next_id}/",
                    )
                )
                next_id += 1
        self.insert(Region, rows)

        password_hash = hash_password(PASSWORD)  # argon2 once; every account shares it
        users = [
            _user(1, "county", "县民政局 陈科长", "county", 1, password_hash),
            _user(2, "admin", "管理员", "admin", 1, password_hash),
        ]
        for t, township_id in enumerate(township_ids):
            users.append(
                _user(
                    3 + 2 * t,
                    f"clerk{t + 1:02d}",
                    f"{township_name(t)} 林经办",
                    "clerk",
                    township_id,
                    password_hash,
                )
            )
            users.append(
                _user(
                    4 + 2 * t,
                    f"reviewer{t + 1:02d}",
                    f"{township_name(t)} 黄审核",
                    "reviewer",
                    township_id,
                    password_hash,
                )
            )
        self.insert(User, users)

        regions = {r.id: r for r in db.session.scalars(select(Region))}
        accounts = {u.id: u for u in db.session.scalars(select(User))}
        self.county_officer = accounts[1]
        self.townships = [regions[i] for i in township_ids]
        self.staff = {
            t.id: Staff(accounts[3 + 2 * i], accounts[4 + 2 * i])
            for i, t in enumerate(self.townships)
        }
        self.villages = [v for t in self.townships for v in sorted(t.children, key=_by_id)]

    # --------------------------------------------------------------- cases

    def cases(self) -> list[CaseSpec]:
        """Every case with its life: most on the rosters, some drafts, some in notice, some
        approved this month, terminated or rejected; then ids in the order they were made."""
        specs: list[CaseSpec] = []
        self.schedules = {}
        total, villages = self.shape.cases, len(self.villages)
        for i, village in enumerate(self.villages):
            count = total // villages + (1 if i < total % villages else 0)
            self.schedules[village.id] = schedule = self.schedule(i, village)
            specs += self.village_cases(i, village, count, schedule)
        specs.sort(key=lambda s: s.created)
        for number, spec in enumerate(specs, 1):
            spec.id = spec.row["id"] = number
        return specs

    def schedule(self, i: int, village) -> dict:
        """The notice days of village number i (the pattern repeats over the villages)."""
        today = self.today
        dibao_ended = i % 3 == 0
        schedule = {
            "dibao_ended": dibao_ended,
            "dibao_start": self.ended_start(village, 8 + i % 5)
            if dibao_ended
            else today - timedelta(days=i % 7),
            "tekun_start": None,
        }
        if i % 10 == 0:
            schedule["tekun_start"] = (
                today - timedelta(days=i % 7) if i % 20 == 0 else self.ended_start(village, 9)
            )
        approved_start = self.ended_start(village, 12 + i % 6)
        end = self.period_end(village, approved_start)
        schedule["approved_start"] = approved_start
        schedule["approved_on"] = min(
            today, max(today.replace(day=1), end + timedelta(days=1 + i % 3))
        )
        return schedule

    def statuses(self, i: int, program: str, count: int) -> list[str]:
        if program == "linshi":
            return ["draft"] * count
        if program == "dibao":
            fixed = {
                "in_notice": 2 + i % 3,
                "approved": 4 if i % 4 == 0 else 0,
                "investigating": 1 if i % 10 == 0 else 0,
                "draft": max(4, round(0.04 * count)),
            }
            shares = {"rejected": 0.025, "terminated": 0.06}
        else:
            fixed = {
                "in_notice": 1 if i % 10 == 0 else 0,
                "approved": 1 if i % 16 == 0 else 0,
                "draft": round(0.03 * count),
            }
            shares = {"rejected": 0.01, "terminated": 0.06}
        counts = fixed | {status: round(share * count) for status, share in shares.items()}
        statuses = [status for status, n in counts.items() for _ in range(n)][:count]
        return statuses + ["active"] * (count - len(statuses))

    def village_cases(self, i: int, village, count: int, schedule: dict) -> list[CaseSpec]:
        from noticeboard.cases.validation import clean_case_data

        rng, today = self.rng, self.today
        staff = self.staff[village.parent_id]
        dibao = round(count * SHARES["dibao"])
        tekun = round(count * SHARES["tekun"])
        programs = {"dibao": dibao, "tekun": tekun, "linshi": count - dibao - tekun}
        five_months_back = _months_before(today.replace(day=1), 5)
        specs = []
        for program, n in programs.items():
            for status in self.statuses(i, program, n):
                paid_on = None
                if program == "linshi":
                    paid_on = five_months_back + timedelta(
                        days=rng.randint(0, (today - five_months_back).days)
                    )
                form = self.people.form(program, village, paid_on)
                values, members = clean_case_data(staff.clerk, program, form)
                spec = CaseSpec(
                    row=_case_row(values),
                    members=members,
                    village=village,
                    staff=staff,
                    status=status,
                    created=self.now,
                )
                self.life(spec, schedule, paid_on)
                specs.append(spec)
        return specs

    def life(self, spec: CaseSpec, schedule: dict, paid_on: date | None) -> None:
        """The days the case was entered, approved and closed, as its status implies."""
        from noticeboard.cases.models import CaseStatus, review_anchor
        from noticeboard.core.dates import first_of_next_month

        rng, today = self.rng, self.today
        program, status = spec.row["program"], spec.status
        start = schedule["tekun_start" if program == "tekun" else "dibao_start"]
        if status == "active":
            spec.approved_on = self.days_ago(35, 1800)  # before this month: benefits started
            created = spec.approved_on - timedelta(days=rng.randint(20, 45))
        elif status == "terminated":
            spec.approved_on = self.days_ago(120, 1800)
            spec.closed_on = min(
                today - timedelta(days=1), spec.approved_on + timedelta(days=rng.randint(60, 900))
            )
            created = spec.approved_on - timedelta(days=rng.randint(20, 45))
        elif status == "approved":
            spec.approved_on = schedule["approved_on"]
            created = schedule["approved_start"] - timedelta(days=rng.randint(10, 40))
        elif status in ("in_notice", "investigating"):
            created = start - timedelta(days=rng.randint(5, 40))
        elif status == "rejected":
            created = self.days_ago(60, 700)
            spec.closed_on = created + timedelta(days=rng.randint(20, 50))
        elif paid_on is not None:  # 临时救助: entered when paid
            created = paid_on - timedelta(days=rng.randint(0, 7))
        else:
            created = self.days_ago(0, 45)
        spec.created = self.moment(created, rng.randint(8, 16), rng.randint(0, 59))
        row = spec.row
        if spec.approved_on is not None:
            row["benefit_start"] = first_of_next_month(spec.approved_on)
            row["decided_at"] = self.moment(spec.approved_on, 15)
            row["decided_by_id"] = self.county_officer.id
        if status == "terminated":
            row["closing_reason"] = rng.choice(TERMINATION_REASONS)
        elif status == "rejected":
            row["closing_reason"] = rng.choice(REJECTION_REASONS)
            row["decided_at"] = self.moment(spec.closed_on, 15)
            row["decided_by_id"] = self.county_officer.id
        row["status"] = CaseStatus(status)
        row["created_at"] = spec.created
        row["created_by_id"] = row["updated_by_id"] = spec.staff.clerk.id
        # Written by the ORM on every save; these rows go in with Core inserts.
        row["review_anchor"] = review_anchor(
            None, row.get("decided_at"), row.get("benefit_start"), spec.created
        )

    # --------------------------------------------------------------- notices

    def notices(self, specs: list[CaseSpec]) -> list[NoticePlan]:
        """Every notice: rosters with superseded versions, 7-day notices in force, ended,
        withdrawn and drafts, with objections; the townships' monthly 临时救助 lists."""
        by_village: dict[int, list[CaseSpec]] = defaultdict(list)
        for spec in specs:
            by_village[spec.village.id].append(spec)
        plans: list[NoticePlan] = []
        for i, village in enumerate(self.villages):
            plans += self.village_notices(i, village, by_village[village.id])
        for township in self.townships:
            linshi = [
                s
                for v in township.children
                for s in by_village[v.id]
                if s.row["program"] == "linshi"
            ]
            plans += self.linshi_lists(township, linshi)
        plans.sort(key=lambda p: p.moment)
        for number, plan in enumerate(plans, 1):
            plan.id = number
        return plans

    def village_notices(self, i: int, village, specs: list[CaseSpec]) -> list[NoticePlan]:
        schedule = self.schedules[village.id]
        staff = self.staff[village.parent_id]
        of = defaultdict(list)
        for spec in specs:
            of[(spec.row["program"], spec.status)].append(spec)
        plans = []
        for program in ("dibao", "tekun"):
            versions = (1, 2, 1, 2)[i % 4] if program == "dibao" else 1 + (i % 16 == 0)
            plans += self.roster_versions(village, program, specs, versions)
            approved = of[(program, "approved")]
            if approved:
                plans.append(
                    self.seven_day(village, program, approved, schedule["approved_start"], staff)
                )
        listed = of[("dibao", "in_notice")] + of[("dibao", "investigating")]
        current = self.seven_day(village, "dibao", listed, schedule["dibao_start"], staff)
        plans.append(current)
        self.objections(i, current, staff, ended=schedule["dibao_ended"])
        if of[("tekun", "in_notice")]:
            plans.append(
                self.seven_day(
                    village, "tekun", of[("tekun", "in_notice")], schedule["tekun_start"], staff
                )
            )
        drafts = of[("dibao", "draft")]
        if i % 25 == 12:
            withdrawn = self.seven_day(
                village, "dibao", drafts[:1], self.today - timedelta(days=5), staff
            )
            withdrawn.withdrawn = self.moment(self.today - timedelta(days=4), 11)
            withdrawn.withdrawn_by = staff.reviewer
            withdrawn.reason = WITHDRAWAL_REASON
            for spec in withdrawn.cases:
                spec.withdrawn_from, spec.notice = withdrawn, None
            plans.append(withdrawn)
        if i % 7 == 3:  # prepared by the clerk, waiting for the reviewer
            draft = self.seven_day(village, "dibao", drafts[1:3], self.today, staff)
            draft.created = self.moment(self.today, 8, 30)
            draft.published = draft.published_by = None
            for spec in draft.cases:
                spec.notice = None
            plans.append(draft)
        return plans

    def seven_day(self, village, program, cases, start: date, staff: Staff) -> NoticePlan:
        from noticeboard.notices.snapshots import title_for

        cases = sorted(cases, key=_line_order)
        plan = NoticePlan(
            kind="pre_approval",
            program=program,
            region=village,
            title=title_for("pre_approval", program, village, start),
            cases=cases,
            created=self.moment(start - timedelta(days=1), 16),
            published=self.moment(start, 9),
            prepared_by=staff.clerk,
            published_by=staff.reviewer,
            start=start,
            end=self.period_end(village, start),
        )
        for spec in cases:
            spec.notice = plan
        return plan

    def objections(self, i: int, notice: NoticePlan, staff: Staff, ended: bool) -> None:
        """Open objections (some blocking approval), resolved ones, and an upheld one that
        sent a case back to investigation."""
        rng = self.rng
        raised = self.moment(min(notice.start + timedelta(days=1), self.today), 10)
        resolved = self.moment(min(notice.start + timedelta(days=2), self.today), 16)

        def objection(line, channel="online", outcome=None):
            recorded = staff.clerk if channel != "online" else None
            contact = ("王建国", "13905910000") if channel != "online" else (None, None)
            found = ObjectionPlan(
                line=line,
                channel=channel,
                text=rng.choice(OBJECTION_TEXTS),
                created=raised,
                recorded_by=recorded,
                outcome=outcome,
                contact=contact,
                resolved=resolved if outcome else None,
                resolved_by=staff.reviewer if outcome else None,
            )
            notice.objections.append(found)
            return found

        if not ended and i % 4 == 1:
            objection(1)
        if not ended and i % 5 == 2:
            objection(None, "phone", "not_upheld")
        if ended and i % 6 == 0:
            objection(None, "phone")  # names no line: blocks every case of the notice
        if ended and i % 9 == 3:
            objection(1)
        for line, spec in enumerate(notice.cases, 1):
            if spec.status == "investigating":
                spec.upheld = objection(line, "online", "upheld")

    def roster_versions(self, village, program: str, specs, versions: int) -> list[NoticePlan]:
        """The last `versions` versions of the roster: one per day a case joined or left."""
        from noticeboard.notices.rosters import ROSTER_REASONS
        from noticeboard.notices.snapshots import title_for

        on_roster = [
            s
            for s in specs
            if s.row["program"] == program and s.status in ("active", "approved", "terminated")
        ]
        days = {s.approved_on for s in on_roster} | {
            s.closed_on for s in on_roster if s.status == "terminated"
        }
        plans: list[NoticePlan] = []
        previous: set[int] = set()
        staff = self.staff[village.parent_id]
        for day in sorted(days)[-versions:]:
            listed = sorted(
                (
                    s
                    for s in on_roster
                    if s.approved_on <= day
                    and not (s.status == "terminated" and s.closed_on <= day)
                ),
                key=_line_order,
            )
            ids = {s.id for s in listed}
            change = "approved" if ids - previous or not plans else "terminated"
            publisher = self.county_officer if change == "approved" else staff.clerk
            plans.append(
                NoticePlan(
                    kind="roster",
                    program=program,
                    region=village,
                    title=title_for("roster", program, village, day),
                    cases=listed,
                    created=self.moment(day, 10),
                    published=self.moment(day, 10),
                    prepared_by=publisher,
                    published_by=publisher,
                    start=day,
                    supersedes=plans[-1] if plans else None,
                    reason=ROSTER_REASONS[change] if plans else None,
                )
            )
            previous = ids
        return plans

    def linshi_lists(self, township, specs: list[CaseSpec]) -> list[NoticePlan]:
        """The township-wide 临时救助 lists of 2 to 5 months ago, each published on the 3rd of
        the month after (last month's is published by the real service in the story)."""
        from noticeboard.notices.snapshots import title_for

        staff = self.staff[township.id]
        this_month = self.today.replace(day=1)
        plans = []
        for back in (5, 4, 3, 2):
            month = _months_before(this_month, back)
            following = _months_before(this_month, back - 1)
            paid = sorted(
                (s for s in specs if month <= s.row["paid_on"] < following),
                key=lambda s: (s.row["paid_on"], s.id),
            )
            if not paid:
                continue
            published = self.moment(following + timedelta(days=2), 9)
            plans.append(
                NoticePlan(
                    kind="linshi_list",
                    program="linshi",
                    region=township,
                    title=title_for("linshi_list", "linshi", township, month),
                    cases=paid,
                    created=published,
                    published=published,
                    prepared_by=staff.reviewer,
                    published_by=staff.reviewer,
                    start=published.date(),
                    month=month,
                )
            )
        return plans

    # --------------------------------------------------------------- rows

    def write(self, specs: list[CaseSpec], plans: list[NoticePlan]) -> None:
        from noticeboard.audit.models import AuditEntry
        from noticeboard.cases.models import Case, CaseMember
        from noticeboard.notices.models import Notice, NoticeEntry, Objection

        audits: list[dict] = []
        members = []
        for spec in specs:
            spec.model = self.case_model(spec, members)
        self.insert(Case, [s.row for s in specs])
        self.insert(CaseMember, members)
        del members

        notices, entries, objections = [], [], []
        receipts: set[str] = set()
        for plan in plans:
            notices.append(self.notice_row(plan))
            entries += [
                {"id": len(entries) + n, "notice_id": plan.id, "case_id": s.id, "line": n}
                for n, s in enumerate(plan.cases, 1)
            ]
            audits += self.notice_audits(plan, notices[-1])
            for objection in plan.objections:
                objection.receipt = _receipt(self.rng, receipts)
                objections.append(self.objection_row(objection, plan, len(objections) + 1))
                audits += self.objection_audits(objection, plan, objections[-1])
        self.insert(Notice, notices)
        for number, entry in enumerate(entries, 1):
            entry["id"] = number
        self.insert(NoticeEntry, entries)
        self.insert(Objection, objections)
        del notices, entries

        for spec in specs:
            audits += self.case_audits(spec)
        audits.sort(key=lambda a: a["at"])
        for number, entry in enumerate(audits, 1):
            entry["id"] = number
        self.insert(AuditEntry, audits)

    def case_model(self, spec: CaseSpec, member_rows: list[dict]):
        """A transient Case (never added to the session), as the services would have it."""
        from noticeboard.cases.models import Case, CaseMember

        row = spec.row
        rows = []
        for position, member in enumerate(spec.members):
            rows.append(
                {
                    "id": len(member_rows) + 1,
                    "case_id": spec.id,
                    "position": position,
                    "name": member.name,
                    "id_number": member.id_number,
                    "relation": member.relation,
                    "covered": member.covered,
                }
            )
            member_rows.append(rows[-1])
        updates = len(self.status_changes(spec))
        row["version"] = 1 + updates
        row["updated_at"] = max([spec.created, *(at for at, *_ in self.status_changes(spec))])
        # The row holds every column, the derived ID indexes as None too: given to the model
        # after the ID, they would overwrite what setting the ID computed.
        derived = ("applicant_id_index", "applicant_id_tail")
        case = Case(**{key: value for key, value in row.items() if key not in derived})
        case.village = spec.village
        case.members = [CaseMember(**r) for r in rows]
        # The bulk insert writes the rows, not the models: it takes their keyed ID indexes.
        row["applicant_id_index"] = case.applicant_id_index
        row["applicant_id_tail"] = case.applicant_id_tail
        for r, member in zip(rows, case.members, strict=True):
            r["id_number_index"] = member.id_number_index
            r["id_number_tail"] = member.id_number_tail
        return case

    def notice_row(self, plan: NoticePlan) -> dict:
        from noticeboard.masking.rules import Channel
        from noticeboard.notices.models import Notice, NoticeKind
        from noticeboard.notices.snapshots import (
            build_snapshot,
            canonical_json,
            sha256_hex,
            summary_text,
            verification_code,
        )

        row = {
            "id": plan.id,
            "kind": plan.kind,
            "program": plan.program,
            "region_id": plan.region.id,
            "status": "withdrawn" if plan.withdrawn else "published" if plan.published else "draft",
            "title": plan.title,
            "start_date": plan.start,
            "end_date": plan.end,
            "month": plan.month,
            "supersedes_id": plan.supersedes.id if plan.supersedes else None,
            "supersede_reason": plan.reason if plan.supersedes else None,
            "prepared_by_id": plan.prepared_by.id,
            "published_by_id": plan.published_by.id if plan.published_by else None,
            "created_at": plan.created,
            "published_at": plan.published,
            "withdrawn_at": plan.withdrawn,
            "withdrawn_reason": plan.reason if plan.withdrawn else None,
            "withdrawn_by_id": plan.withdrawn_by.id if plan.withdrawn_by else None,
            "snapshot_online": None,
            "sha256_online": None,
            "snapshot_board": None,
            "sha256_board": None,
            "summary_online": None,
            "verification_code": None,
        }
        if plan.published:
            # What `freeze` stores, from a transient Notice that never enters the session.
            notice = Notice(**row)
            notice.kind = NoticeKind(plan.kind)  # as loaded: the enum, which knows its period
            notice.region = plan.region
            cases = [s.model for s in plan.cases]
            snapshot = build_snapshot(notice, cases, Channel.ONLINE)
            online = canonical_json(snapshot)
            board = canonical_json(build_snapshot(notice, cases, Channel.BOARD))
            row["summary_online"] = summary_text(snapshot)
            row["snapshot_online"], row["sha256_online"] = online, sha256_hex(online)
            row["snapshot_board"], row["sha256_board"] = board, sha256_hex(board)
            row["verification_code"] = verification_code(row["sha256_online"])
        return row

    def objection_row(self, objection: ObjectionPlan, plan: NoticePlan, number: int) -> dict:
        case = plan.cases[objection.line - 1] if objection.line else None
        return {
            "id": number,
            "notice_id": plan.id,
            "line": objection.line,
            "case_id": case.id if case else None,
            "receipt_no": objection.receipt,
            "channel": objection.channel,
            "text": objection.text,
            "contact_name": objection.contact[0],
            "contact_phone": objection.contact[1],
            "created_at": objection.created,
            "recorded_by_id": objection.recorded_by.id if objection.recorded_by else None,
            "investigation": INVESTIGATIONS[objection.outcome] if objection.outcome else None,
            "outcome": objection.outcome,
            "resolved_at": objection.resolved,
            "resolved_by_id": objection.resolved_by.id if objection.resolved_by else None,
        }

    # --------------------------------------------------------------- audit

    def status_changes(self, spec: CaseSpec) -> list[tuple]:
        """(at, user, before, after, note) of every status change the case went through."""
        from noticeboard.cases.models import CaseStatus

        label = {s.value: s.label for s in CaseStatus}
        changes = []
        notice, reviewer = spec.notice or spec.withdrawn_from, spec.staff.reviewer

        def change(at, user, before, after, note):
            changes.append((at, user, label[before], label[after], note))

        if spec.approved_on is not None or spec.status == "rejected":
            decided = spec.approved_on or spec.closed_on
            noticed = self.moment(decided - timedelta(days=10), 9)
            # The 7-day notice of cases approved long ago is older than this database.
            note = f"公示 {spec.notice.id}" if spec.notice else "公示"
            change(
                spec.notice.published if spec.notice else noticed,
                reviewer,
                "draft",
                "in_notice",
                note,
            )
            if spec.status == "rejected":
                change(
                    self.moment(decided, 15),
                    self.county_officer,
                    "in_notice",
                    "rejected",
                    spec.row["closing_reason"],
                )
            else:
                start = spec.row["benefit_start"]
                change(
                    self.moment(decided, 15),
                    self.county_officer,
                    "in_notice",
                    "approved",
                    f"自 {start:%Y-%m} 起享受",
                )
                if start <= self.today:
                    change(self.moment(start, 0, 30), None, "approved", "active", "开始享受")
                if spec.status == "terminated":
                    change(
                        self.moment(spec.closed_on, 11),
                        spec.staff.clerk,
                        "active",
                        "terminated",
                        spec.row["closing_reason"],
                    )
        elif notice is not None:
            change(notice.published, reviewer, "draft", "in_notice", f"公示 {notice.id}")
            if spec.withdrawn_from is not None:
                change(notice.withdrawn, reviewer, "in_notice", "draft", f"公示 {notice.id} 撤回")
            if spec.upheld is not None:
                change(
                    spec.upheld.resolved,
                    reviewer,
                    "in_notice",
                    "investigating",
                    f"异议 {spec.upheld.receipt} 成立",
                )
        return changes

    def case_audits(self, spec: CaseSpec) -> list[dict]:
        from noticeboard.cases.services import audit_view

        created = audit_view(spec.model)
        # As entered: a draft, not yet decided.
        created["status"] = "待公示"
        for later in ("benefit_start", "closing_reason"):
            created.pop(later, None)
        rows = [
            self.audit_row(
                spec.created,
                spec.staff.clerk,
                "create",
                "case",
                spec.id,
                spec.village.id,
                {k: [None, v] for k, v in created.items()},
            )
        ]
        for at, user, before, after, note in self.status_changes(spec):
            rows.append(
                self.audit_row(
                    at,
                    user,
                    "update",
                    "case",
                    spec.id,
                    spec.village.id,
                    {"status": [before, after]},
                    note,
                )
            )
        return rows

    def notice_audits(self, plan: NoticePlan, row: dict) -> list[dict]:
        """As `audit_notice` records preparing, publishing and withdrawing."""
        title = [None, plan.title]
        region = plan.region.id
        rows = []
        if plan.kind == "pre_approval":
            rows.append(
                self.audit_row(
                    plan.created,
                    plan.prepared_by,
                    "create",
                    "notice",
                    plan.id,
                    region,
                    {"title": title, "cases": [None, str(len(plan.cases))]},
                )
            )
        if plan.published:
            changes = {"title": title}
            if plan.kind == "pre_approval":
                changes["verification_code"] = [None, row["verification_code"]]
            else:
                changes["rows"] = [None, str(len(plan.cases))]
            note = plan.reason if plan.kind == "roster" else None
            rows.append(
                self.audit_row(
                    plan.published,
                    plan.published_by,
                    "publish",
                    "notice",
                    plan.id,
                    region,
                    changes,
                    note,
                )
            )
        if plan.withdrawn:
            rows.append(
                self.audit_row(
                    plan.withdrawn,
                    plan.withdrawn_by,
                    "withdraw",
                    "notice",
                    plan.id,
                    region,
                    {"title": title, "reason": [None, plan.reason]},
                )
            )
        return rows

    def objection_audits(self, objection: ObjectionPlan, plan: NoticePlan, row: dict) -> list:
        from noticeboard.notices.models import ObjectionChannel, ObjectionOutcome

        after = {
            "notice": [None, str(plan.id)],
            "channel": [None, ObjectionChannel(objection.channel).label],
        }
        if objection.line:
            after["line"] = [None, objection.line]
        rows = [
            self.audit_row(
                objection.created,
                objection.recorded_by,
                "create",
                "objection",
                row["id"],
                plan.region.id,
                after,
            )
        ]
        if objection.outcome:
            outcome = ObjectionOutcome(objection.outcome).label
            rows.append(
                self.audit_row(
                    objection.resolved,
                    objection.resolved_by,
                    "update",
                    "objection",
                    row["id"],
                    plan.region.id,
                    {"outcome": [None, outcome]},
                )
            )
        return rows

    @staticmethod
    def audit_row(at, user, action, entity, entity_id, region_id, changes, note=None) -> dict:
        return {
            "id": 0,
            "at": at,
            "user_id": user.id if user else None,
            "actor": user.display_name if user else "系统",
            "action": action,
            "entity_type": entity,
            "entity_id": entity_id,
            "region_id": region_id,
            "changes": changes,
            "note": note,
        }

    def fix_sequences(self) -> None:
        """PostgreSQL: the sequences follow the ids given explicitly (SQLite's AUTOINCREMENT
        table does so by itself)."""
        from sqlalchemy import text

        from noticeboard.extensions import db

        if db.engine.dialect.name != "postgresql":
            return
        for table in self.counts:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
            )
        db.session.commit()
        db.session.execute(text("ANALYZE"))  # as autovacuum soon would after such a load
        db.session.commit()


def _region(id_, name, level, parent_id, path, phone=None) -> dict:
    return {
        "id": id_,
        "name": name,
        "level": level,
        "parent_id": parent_id,
        "path": path,
        "phone": phone,
        "working_day_notices": None,
        "assessment_panel": None,
    }


def _user(id_, username, display_name, role, region_id, password_hash) -> dict:
    from noticeboard.core.types import utcnow

    return {
        "id": id_,
        "username": username,
        "display_name": display_name,
        "password_hash": password_hash,
        "role": role,
        "region_id": region_id,
        "is_enabled": True,
        "created_at": utcnow(),
    }


def _case_row(values: dict) -> dict:
    from noticeboard.cases.models import Case

    row = dict.fromkeys(Case.__table__.columns.keys())
    row.update(values)
    del row["village"]  # the Region itself, besides its village_id
    return row


def _line_order(spec: CaseSpec):
    """The order the services list cases in: by group, then by id."""
    return (spec.row["group_name"] or "", spec.id)


def _by_id(region):
    return region.id


def _months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _receipt(rng: random.Random, used: set[str]) -> str:
    from noticeboard.notices.objections import RECEIPT_ALPHABET

    while True:
        receipt = "YY-" + "".join(rng.choice(RECEIPT_ALPHABET) for _ in range(10))
        if receipt not in used:
            used.add(receipt)
            return receipt


# ----------------------------------------------------------------------------- the story


def play_story(builder: CountyBuilder) -> None:
    """In each township's first village, what staff do in a day, through the real services:
    a notice that ended is approved case by case (two roster versions), a new notice goes up
    and draws objections, an edit of a case on the roster waits for the reviewer, a case is
    terminated, and last month's 临时救助 list is published."""
    from sqlalchemy import select

    from noticeboard.cases.lifecycle import terminate_case
    from noticeboard.cases.models import Case
    from noticeboard.cases.services import create_case, get_case, update_case
    from noticeboard.core.errors import DomainError
    from noticeboard.extensions import db
    from noticeboard.notices import objections
    from noticeboard.notices.approval import approve_case
    from noticeboard.notices.linshi_lists import publish_linshi_list
    from noticeboard.notices.pre_approval import prepare_notice, publish_notice

    today, people = builder.today, builder.people
    last_month = _months_before(today.replace(day=1), 1)
    county = builder.county_officer
    for township in builder.townships:
        staff = builder.staff[township.id]
        clerk, reviewer = staff.clerk, staff.reviewer
        village = min(township.children, key=_by_id)

        def enter(program: str, village=village, clerk=clerk):
            return create_case(clerk, program, people.form(program, village))

        start = builder.ended_start(village, 12)
        ended = [enter("dibao").id, enter("dibao").id]
        draft = prepare_notice(clerk, village.id, "dibao", ended, start=start, today=start)
        notice = publish_notice(reviewer, draft.id, today=start)
        approval_day = min(today, notice.end_date + timedelta(days=2))
        for case_id in ended:
            approve_case(county, case_id, today=approval_day)

        listed = [enter("dibao").id, enter("dibao").id]
        notice = publish_notice(reviewer, prepare_notice(clerk, village.id, "dibao", listed).id)
        objections.raise_objection(notice.id, OBJECTION_TEXTS[1], line=1)
        recorded = objections.record_objection(
            clerk, notice.id, "phone", OBJECTION_TEXTS[0], name="王建国", phone="13905910000"
        )
        objections.resolve_objection(
            reviewer, recorded.id, "not_upheld", INVESTIGATIONS["not_upheld"]
        )

        active = db.session.scalars(
            select(Case.id)
            .where(Case.village_id == village.id, Case.program == "dibao")
            .where(Case.status == "active")
            .order_by(Case.id.desc())
            .limit(2)
        ).all()
        changed = get_case(clerk, active[0])
        data = form_of(changed)
        data["monthly_amount"] = str(changed.monthly_amount - 50)
        update_case(clerk, changed.id, data, changed.version)
        terminate_case(clerk, active[1], TERMINATION_REASONS[0])
        try:
            publish_linshi_list(reviewer, township.id, last_month)
        except DomainError:
            db.session.rollback()  # nobody was paid there last month


# ----------------------------------------------------------------------------- timing


CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


@dataclass
class Page:
    group: str  # staff, public, api
    label: str  # the rule, with what fills it
    url: str


@dataclass
class Result:
    page: Page
    role: str | None
    status: int
    first_ms: float = 0.0
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.role} {self.page.label}" if self.role else self.page.label

    def p(self, q: float) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]

    @property
    def target(self) -> int:
        # A download of a whole list (CSV, Excel) is not a page: a person waits for a file.
        if self.page.url.split("?")[0].endswith((".csv", ".xlsx")):
            return EXPORT_TARGET_MS
        return TARGET_MS[self.role]


@dataclass
class Samples:
    """Records of one township (its first) to fill the routes with, found in the database."""

    users: dict[str, str]
    values: dict
    variants: dict


def find_samples(app) -> Samples:
    from sqlalchemy import exists, func, select

    from noticeboard.accounts.models import User
    from noticeboard.cases.models import Case, CaseChange, CaseMember
    from noticeboard.core.dates import local_today
    from noticeboard.extensions import db
    from noticeboard.notices.models import Notice, NoticeKind, NoticeStatus, Objection
    from noticeboard.notices.rosters import current_roster
    from noticeboard.notices.state import NoticeState, notice_state
    from noticeboard.regions.models import Region

    with app.app_context():
        accounts = list(db.session.scalars(select(User).order_by(User.id)))
        # The first clerk and reviewer share the first township, as the build made them.
        users = {
            role: next(u for u in accounts if u.role == role)
            for role in ("clerk", "reviewer", "county", "admin")
        }
        township = users["clerk"].region
        users = {role: user.username for role, user in users.items()}
        in_force = db.session.scalars(
            select(Notice)
            .join(Objection, Objection.notice_id == Notice.id)
            .join(Notice.region)
            .where(Region.parent_id == township.id, Notice.kind == NoticeKind.PRE_APPROVAL)
            .where(Notice.status == NoticeStatus.PUBLISHED, Objection.outcome.is_(None))
            .order_by(Notice.id.desc())
        ).all()
        notice = next(n for n in in_force if notice_state(n) == NoticeState.IN_FORCE)
        objection = db.session.scalar(
            select(Objection)
            .where(Objection.notice_id == notice.id, Objection.outcome.is_(None))
            .order_by(Objection.id)
        )
        roster = current_roster(notice.region, "dibao")
        linshi = db.session.scalar(
            select(Notice)
            .where(Notice.region_id == township.id, Notice.kind == NoticeKind.LINSHI_LIST)
            .where(Notice.status == NoticeStatus.PUBLISHED)
            .order_by(Notice.published_at.desc())
        )
        change = db.session.scalar(
            select(CaseChange)
            .join(Case, Case.id == CaseChange.case_id)
            .where(Case.village_id == notice.region_id, CaseChange.outcome.is_(None))
        )
        case = db.session.scalar(
            select(Case)
            .where(Case.village_id == notice.region_id, Case.status == "active")
            .where(Case.program == "dibao")
            .where(exists().where(CaseMember.case_id == Case.id))
            .where(~exists().where(CaseChange.case_id == Case.id))
            .order_by(Case.id)
        )
        villages = db.session.scalar(
            select(func.count()).select_from(Region).where(Region.parent_id == township.id)
        )
        values = {
            "case_id": case.id,
            "notice_id": notice.id,
            "objection_id": objection.id,
            "change_id": change.id,
            "region_id": township.id,
            "township_id": township.id,
            "village_id": notice.region_id,
            "code": notice.verification_code,
            "program": "dibao",
            # Downloads and the export forms, as Excel (and as CSV, a variant below).
            "fmt": "xlsx",
            # The holiday page of next year: the one an administrator fills in each winter.
            "year": local_today().year + 1,
        }
        # The clerk's case list has about 50 rows a page.
        last_page = max(
            1,
            db.session.scalar(
                select(func.count())
                .select_from(Case)
                .join(Case.village)
                .where(Region.parent_id == township.id)
            )
            // 50,
        )
        village = {"village": notice.region_id}
        notices = {"7-day": notice.id, "roster": roster.id, "linshi-list": linshi.id}
        variants = {
            "cases.index": {
                "": {},
                "?q=name": {"q": case.applicant_name},
                "?q=ID digits": {"q": case.applicant_id_number[-6:]},
                "?program&status": {"program": "dibao", "status": "active"},
                "?village": village,
                "?page=last": {"page": last_page},
            },
            "notices.detail": {k: {"notice_id": v} for k, v in notices.items()},
            "portal.notice": {k: {"notice_id": v} for k, v in notices.items()},
            "api.notice": {k: {"notice_id": v} for k, v in notices.items()},
            "printing.board_pdf": {k: {"notice_id": v} for k, v in notices.items()},
            "printing.public_pdf": {k: {"notice_id": v} for k, v in notices.items()},
            "api.notices": {"": {}, "?township": {"township": township.id}, "?village": village},
            "notices.rosters": {"": {}, "?village&program": {**village, "program": "dibao"}},
            "notices.new": {"": {}, "?village&program": {**village, "program": "dibao"}},
            "notices.objection_list": {"": {}, "?show=all": {"show": "all"}},
            "audit.index": {"": {}, "?page=50": {"page": 50}},
            "portal.objection_lookup": {"": {}, "?receipt": {"receipt": objection.receipt_no}},
            **{
                endpoint: {"": {}, "csv": {"fmt": "csv"}}
                for endpoint in (
                    "statistics.export_month",
                    "statistics.export_trend",
                    "statistics.export_annual",
                    "spreadsheets.export_cases",
                    "spreadsheets.export_notice",
                    "spreadsheets.export_approvals",
                )
            },
        }
        print(
            f"samples: township {township.name} ({villages} villages), case {case.id}, "
            f"7-day notice {notice.id} ({len(notice.entries)} rows), roster {roster.id} "
            f"({len(roster.entries)} rows), 临时救助 list {linshi.id} "
            f"({len(linshi.entries)} rows)"
        )
    return Samples(users, values, variants)


NOT_PAGES = {"static", "health.healthz", "health.readyz"}


def walk_pages(app, samples: Samples) -> tuple[list[Page], list[str]]:
    """Every GET route of the app, filled with the samples' ids (and its variants)."""
    from flask import url_for

    pages, skipped = [], []
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    with app.test_request_context():
        for rule in rules:
            # Probes for a load balancer (/readyz is 503 without a job worker) are not pages.
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
                continue
            missing = [a for a in rule.arguments if a not in samples.values]
            if missing:
                skipped.append(f"{rule.rule}: no sample for {', '.join(missing)}")
                continue
            base = {a: samples.values[a] for a in rule.arguments}
            group = (
                "staff"
                if rule.rule.startswith(("/staff", "/admin"))
                else "api"
                if rule.rule.startswith("/api")
                else "public"
            )
            for variant, extra in samples.variants.get(rule.endpoint, {"": {}}).items():
                label = rule.rule + (f" {variant}" if variant else "")
                pages.append(Page(group, label, url_for(rule.endpoint, **base | extra)))
    return pages, skipped


def login(client, username: str) -> None:
    form = client.get("/login").get_data(as_text=True)
    token = CSRF_INPUT.search(form).group(1)
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    if response.status_code != 302:
        raise SystemExit(f"login of {username} failed: {response.status_code}")


class Timer:
    """Times requests through the test client and counts the SQL statements each runs."""

    def __init__(self, app):
        from sqlalchemy import event

        from noticeboard.extensions import db

        self.app = app
        self.statements = 0
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args) -> None:
        self.statements += 1

    def request(self, client, url: str) -> tuple[int, float, float, int]:
        """Status, wall-clock ms, CPU ms of this process, and SQL statements of one GET."""
        before = self.statements
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        response.get_data()
        elapsed = (time.perf_counter() - start) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
        return response.status_code, elapsed, cpu_ms, self.statements - before


def time_pages(app, samples: Samples, args) -> tuple[list[Result], list[str]]:
    timer = Timer(app)
    pages, skipped = walk_pages(app, samples)
    clients = {None: app.test_client()}
    for role, username in samples.users.items():
        clients[role] = app.test_client()
        login(clients[role], username)

    # Warm-up: which role opens which page, and what the first request costs.
    results: list[Result] = []
    for page in pages:
        if page.group != "staff":
            results.append(warm_up(timer, clients, page, None))
            continue
        tried = [warm_up(timer, clients, page, role) for role in ("clerk", "county")]
        allowed = [r for r in tried if r.status != 403]
        if not allowed:
            fallback = [warm_up(timer, clients, page, role) for role in ("reviewer", "admin")]
            allowed = [next(r for r in fallback if r.status != 403)]
            skipped.append(
                f"{page.label}: 403 for the clerk and the county officer, timed as "
                f"{allowed[0].role}"
            )
        else:
            skipped += [f"{page.label}: 403 for the {r.role}" for r in tried if r.status == 403]
        results += allowed
    ok = [r for r in results if r.status in (200, 302)]
    for result in results:
        if result not in ok:
            skipped.append(f"{result.key}: answered {result.status}")

    budget = {id(r): plan_requests(r, args) for r in ok}
    for _ in range(args.rounds):
        for result in ok:
            for _ in range(budget[id(result)]):
                _, elapsed, cpu_ms, statements = timer.request(
                    clients[result.role], result.page.url
                )
                result.times_ms.append(elapsed)
                result.cpu_ms.append(cpu_ms)
                result.statements.append(statements)
    return ok, skipped


def warm_up(timer: Timer, clients, page: Page, role) -> Result:
    status, elapsed, _, _ = timer.request(clients[role], page.url)
    return Result(page, role, status, first_ms=elapsed)


def plan_requests(result: Result, args) -> int:
    """Requests per round: --requests, fewer when the page would overrun --page-budget."""
    affordable = args.page_budget * 1000 / (args.rounds * max(result.first_ms, 1.0))
    return max(1, min(args.requests, int(affordable)))


# Cases entered before the timed ones (see time_create_cases).
CREATE_WARM_UP = 10


def time_create_cases(
    app, count: int, together: int = 1, as_requested: bool = True
) -> tuple[float, float, float]:
    """Cases per second through create_case (validation, one person one case, audit, commit),
    statements per case, and the share of the time spent waiting for COMMIT (the disk).
    With `together` > 1, cases go through enter_case and are committed that many at a time,
    as an import enters them.

    `as_requested`: create_case as the form's request calls it (cases.views.new). Before the
    call, the request has read the clerk (Flask-Login) and the township's villages (the
    form's choices), and the service finds both in the session; so those two reads happen
    first and are not timed. Without it the loop keeps them across its commits, which is
    what earlier runs reported: until create_case's commit left the session's objects
    loaded (core/statements.commit_keeping_loaded), they were expired there and read again
    inside the service."""
    from sqlalchemy import event, select
    from sqlalchemy.orm import Session

    from noticeboard.accounts.models import User
    from noticeboard.cases.models import Case, CaseMember
    from noticeboard.cases.search import villages_for
    from noticeboard.cases.services import create_case, enter_case
    from noticeboard.core.dates import local_today
    from noticeboard.extensions import db
    from noticeboard.regions.models import Region

    timer = Timer(app)
    rng = random.Random()  # fresh people on every run, also on a reused database
    with app.app_context():
        clerk = db.session.scalar(select(User).where(User.role == "clerk").order_by(User.id))
        villages = list(
            db.session.scalars(select(Region).where(Region.parent_id == clerk.region_id))
        )
        people = People(rng, local_today())
        # Nobody who already holds a case: a reused database's people would be refused.
        people.used.update(db.session.scalars(select(Case.applicant_id_number)))
        people.used.update(db.session.scalars(select(CaseMember.id_number)))
        programs = rng.choices(list(SHARES), list(SHARES.values()), k=CREATE_WARM_UP + count)
        forms = [(p, people.form(p, rng.choice(villages))) for p in programs]
        db.session.commit()
        # Not timed, as the first request of each page is not: the process's first cases
        # compile and cache the statements that entering a case runs.
        for program, form in forms[:CREATE_WARM_UP]:
            create_case(clerk, program, form)
        forms = forms[CREATE_WARM_UP:]
        committing: list[float] = []
        waited = [0.0]

        def commit_starts(connection):
            committing.append(time.perf_counter())

        def commit_ended(session):
            if committing:
                waited[0] += time.perf_counter() - committing.pop()

        event.listen(db.engine, "commit", commit_starts)
        event.listen(Session, "after_commit", commit_ended)
        before = timer.statements
        untimed_s, untimed_statements = 0.0, 0  # the request's own reads
        start = time.perf_counter()
        for i, (program, form) in enumerate(forms, 1):
            if together == 1:
                if as_requested:
                    read_start, read_statements = time.perf_counter(), timer.statements
                    clerk = db.session.get(User, clerk.id)
                    held = villages_for(clerk)  # noqa: F841 (held, as the view holds them)
                    untimed_s += time.perf_counter() - read_start
                    untimed_statements += timer.statements - read_statements
                create_case(clerk, program, form)
            else:
                enter_case(clerk, program, form)
                if i % together == 0 or i == count:
                    db.session.commit()
        elapsed = time.perf_counter() - start - untimed_s
        event.remove(db.engine, "commit", commit_starts)
        event.remove(Session, "after_commit", commit_ended)
    statements = timer.statements - before - untimed_statements
    return count / elapsed, statements / count, waited[0] / elapsed


# ----------------------------------------------------------------------------- report


def report(results: list[Result], skipped: list[str], cases_per_s, statements_per_case, facts):
    print()
    print(
        f"{'page':<58} {'role':<8} {'n':>3} {'first':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'cpu p50':>8} {'stmts':>6} {'target':>6}  ok"
    )
    for group in ("staff", "public", "api"):
        print(f"-- {group}")
        rows = [r for r in results if r.page.group == group]
        for r in sorted(rows, key=lambda r: (r.page.label, r.role or "")):
            ok = "yes" if r.p(0.95) <= r.target else "NO"
            print(
                f"{r.page.label:<58} {r.role or '-':<8} {len(r.times_ms):>3} "
                f"{r.first_ms:>8.1f} {r.p(0.5):>8.1f} {r.p(0.95):>8.1f} "
                f"{statistics.median(r.cpu_ms):>8.1f} "
                f"{statistics.median(r.statements):>6.0f} {r.target:>6}  {ok}"
            )
    ok = "yes" if cases_per_s >= TARGET_CASES_PER_S else "NO"
    print(
        f"\nPython loop (the machine's speed now): {facts['python_loop_ms']} ms; "
        f"create_case: {cases_per_s:.0f} cases/s (median of "
        f"{', '.join(map(str, facts['create_case_windows_per_s']))}), "
        f"{statements_per_case:.1f} statements a case, "
        f"{facts['create_case_commit_share']:.0%} of the time in COMMIT "
        f"(target ≥ {TARGET_CASES_PER_S}/s) {ok}; "
        f"in a loop that reads the clerk and the village again after each commit "
        f"{facts['create_cases_per_s_in_a_loop']:.0f} cases/s "
        f"({', '.join(map(str, facts['create_case_loop_windows_per_s']))}); "
        f"{facts['import_cases_per_s']:.0f} cases/s entered 100 to a transaction"
    )
    slowest = sorted(results, key=lambda r: r.p(0.95), reverse=True)[:10]
    print("\nslowest (p95):")
    for r in slowest:
        print(f"  {r.p(0.95):9.1f} ms  {statistics.median(r.statements):6.0f} statements  {r.key}")
    if skipped:
        print("\nnot timed, or timed as another role:")
        for line in skipped:
            print(f"  {line}")

    missed = [r.key for r in results if r.p(0.95) > r.target]
    if cases_per_s < TARGET_CASES_PER_S:
        missed.append("create_cases_per_s")
    staff = [r for r in results if r.page.group == "staff"]
    public = [r for r in results if r.page.group != "staff"]
    summary = {
        "staff_p95_ms": {r.key: round(r.p(0.95), 1) for r in staff},
        "public_p95_ms": {r.key: round(r.p(0.95), 1) for r in public},
        "create_cases_per_s": round(cases_per_s, 1),
        "statements": {r.key: int(statistics.median(r.statements)) for r in results}
        | {"create_case": round(statements_per_case, 1)},
        "staff_p50_ms": {r.key: round(r.p(0.5), 1) for r in staff},
        "public_p50_ms": {r.key: round(r.p(0.5), 1) for r in public},
        "missed_targets": missed,
        "not_timed": skipped,
        **facts,
    }
    print(json.dumps(summary, ensure_ascii=False))


# ----------------------------------------------------------------------------- main


def make_app(url: str):
    from noticeboard import create_app

    # The app as deployed (not TESTING), with CSRF on as configured; its own secret key.
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})


def database_is_empty(app) -> bool:
    from sqlalchemy import inspect

    from noticeboard.extensions import db

    with app.app_context():
        return not inspect(db.engine).get_table_names()


def build(url: str, shape: Shape) -> float:
    """Seconds to migrate an empty database, insert the county and play the story."""
    from flask_migrate import upgrade

    from noticeboard.extensions import db

    app = make_app(url)
    if not database_is_empty(app):
        raise SystemExit(f"{_safe(url)} is not empty; the build needs an empty database")
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        builder = CountyBuilder(shape)
        builder.build()
        print(f"migrations and bulk insert: {time.perf_counter() - started:.1f} s")
        play_story(builder)
        db.session.remove()
    return time.perf_counter() - started


def copy_database(source: Path, target: Path) -> None:
    """A copy of a SQLite database through SQLite itself. The file alone can miss the last
    writes: in WAL mode they stay in `<name>-wal` until a checkpoint, and copying the main
    file right after a build lost the story's notices in one run of two."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def database_counts(app) -> dict[str, int]:
    from sqlalchemy import text

    from noticeboard.extensions import db

    tables = (
        "regions",
        "users",
        "cases",
        "case_members",
        "notices",
        "notice_entries",
        "objections",
        "audit_entries",
    )
    with app.app_context():
        return {t: db.session.scalar(text(f"SELECT count(*) FROM {t}")) for t in tables}


def _safe(url: str) -> str:
    return re.sub(r"://[^@/]*@", "://…@", url)


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=FULL_CASES, help="cases to build")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all pages")
    parser.add_argument(
        "--page-budget",
        type=float,
        default=60.0,
        help="seconds a page may take over all rounds; slower pages get fewer requests",
    )
    parser.add_argument("--create", type=int, default=200, help="cases entered a window")
    parser.add_argument(
        "--create-windows",
        type=int,
        default=5,
        help="windows of --create cases each; cases/s is their median (the machine's speed "
        "drifts by a third within minutes, and one slow stretch decided a single window)",
    )
    parser.add_argument("--database-url", help="build into this empty database (PostgreSQL)")
    parser.add_argument("--keep", type=Path, help="build the SQLite database at this path")
    parser.add_argument(
        "--reuse", type=Path, help="time this SQLite database (a copy of it) without building"
    )
    args = parser.parse_args(argv)
    if sum(bool(x) for x in (args.database_url, args.keep, args.reuse)) > 1:
        parser.error("choose one of --database-url, --keep and --reuse")
    if args.keep and args.keep.exists():
        parser.error(f"{args.keep} exists; remove it or time it with --reuse")
    if args.reuse and not args.reuse.is_file():
        parser.error(f"{args.reuse} is not a file")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))  # no key file in instance/
    from flask_migrate import upgrade
    from sqlalchemy import text

    from noticeboard.extensions import db

    facts: dict = {"machine_cpus": os.cpu_count(), "load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        timed = Path(tmp) / "timed.sqlite3"
        if args.reuse:
            # A copy: the timing enters cases and stores rendered PDFs.
            copy_database(args.reuse, timed)
            url = _sqlite_url(timed)
            print(f"reusing {args.reuse} (timed on a copy)")
        else:
            shape = Shape.for_cases(args.cases)
            if args.database_url:
                build_url = _postgres_driver(args.database_url)
            else:
                build_url = _sqlite_url(args.keep or Path(tmp) / "built.sqlite3")
            print(
                f"building {shape.cases} cases in {shape.townships} townships x "
                f"{shape.villages_per_township} villages into {_safe(build_url)}"
            )
            seconds = build(build_url, shape)
            facts["build_s"] = round(seconds, 1)
            print(f"build: {seconds:.1f} s")
            url = build_url
            if args.keep:
                # The kept file stays as built; the timing adds cases and rendered PDFs.
                copy_database(args.keep, timed)
                url = _sqlite_url(timed)
        app = make_app(url)
        with app.app_context():
            upgrade()  # a reused database gets the migrations added since it was built
            # As a deployment does after an upgrade (Makefile, noticeboard-web.service): a
            # migration that rebuilds a table drops SQLite's statistics of it, and without
            # them the planner walks every case of a program for a township's counts.
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        facts["counts"] = database_counts(app)
        print("counts: " + ", ".join(f"{k} {v}" for k, v in facts["counts"].items()))
        samples = find_samples(app)
        facts["python_loop_ms_before_pages"] = python_loop_ms()
        started = time.perf_counter()
        results, skipped = time_pages(app, samples, args)
        facts["timing_s"] = round(time.perf_counter() - started, 1)
        facts["load_average_after_timing"] = os.getloadavg()[0]
        facts["python_loop_ms"] = python_loop_ms()
        # Windows as the form's request calls the service, and as a plain loop, in turn, so
        # both see the same stretches of the machine's speed.
        windows, looped = [], []
        for _ in range(args.create_windows):
            windows.append(time_create_cases(app, args.create))
            looped.append(time_create_cases(app, args.create, as_requested=False))
        cases_per_s = statistics.median(w[0] for w in windows)
        statements_per_case = statistics.median(w[1] for w in windows)
        facts["create_case_windows_per_s"] = [round(w[0]) for w in windows]
        facts["create_case_commit_share"] = round(statistics.median(w[2] for w in windows), 2)
        facts["create_cases_per_s_in_a_loop"] = round(statistics.median(w[0] for w in looped), 1)
        facts["create_case_loop_windows_per_s"] = [round(w[0]) for w in looped]
        facts["create_case_loop_statements"] = round(statistics.median(w[1] for w in looped), 1)
        # As an import enters them: the same checks and audit, 100 cases to a transaction.
        imports = [time_create_cases(app, args.create, 100)[0] for _ in range(args.create_windows)]
        facts["import_cases_per_s"] = round(statistics.median(imports), 1)
        with app.app_context():
            from noticeboard.extensions import db

            db.engine.dispose()
    report(results, skipped, cases_per_s, statements_per_case, facts)


def _postgres_driver(url: str) -> str:
    """The psycopg 3 dialect, as noticeboard.config does for DATABASE_URL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


if __name__ == "__main__":
    sys.exit(main())
