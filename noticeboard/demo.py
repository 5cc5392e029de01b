"""Demo data: one county, two townships, villages, realistic cases and one user per role."""

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from stdnum.cn import ric

from noticeboard.accounts.models import Role
from noticeboard.accounts.services import create_user
from noticeboard.cases import services as cases
from noticeboard.cases.models import LINSHI_REASONS, Program
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.services import create_region

COUNTY = ("示范县", "0591-87650000")
TOWNSHIPS = {
    ("新店镇", "0591-83210000"): ["东风村", "红星村", "向阳村", "青山村", "新店社区"],
    ("城关街道", "0591-83330000"): ["南门社区", "北街社区", "西湖村"],
}
# The demo passwords are printed by `make run`; they exist only in the demo database.
DEMO_PASSWORD = "demo-pass-2026"
DEMO_USERS = [
    ("admin", "管理员", Role.ADMIN, None),
    ("county", "县民政局 陈科长", Role.COUNTY, None),
    ("clerk", "新店镇 林经办", Role.CLERK, "新店镇"),
    ("reviewer", "新店镇 黄审核", Role.REVIEWER, "新店镇"),
    ("clerk2", "城关街道 郑经办", Role.CLERK, "城关街道"),
    ("reviewer2", "城关街道 吴审核", Role.REVIEWER, "城关街道"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁"
COMPOUND = ["欧阳", "司马", "上官", "诸葛"]
GIVEN = "秀英桂兰玉梅建国志强德明春华海燕丽娟文杰小红金凤永福淑珍国平振华爱民福生宝山来喜"
MINORITY = ["阿卜杜拉·艾合买提", "买买提·吐尔逊", "古丽娜尔·艾买提"]
AREA_CODE = "350181"


def _resident_id(rng: random.Random, born: date, used: set[str]) -> str:
    while True:
        body = f"{AREA_CODE}{born:%Y%m%d}{rng.randint(0, 999):03d}"
        value = body + ric.calc_check_digit(body + "0")  # it ignores the last character
        if value not in used:
            used.add(value)
            return value


def _name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.04:
        return rng.choice(MINORITY)
    surname = rng.choice(COMPOUND) if roll < 0.1 else rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    return surname + given


def _born(rng: random.Random, youngest: int, oldest: int) -> date:
    return date(2026 - rng.randint(youngest, oldest), rng.randint(1, 12), rng.randint(1, 28))


def load_demo(seed: int = 2026) -> dict:
    """Create the demo world; returns counts. Refuses to run on a database with regions."""
    if db.session.scalar(select(func.count()).select_from(Region)):
        raise RuntimeError("database already holds regions; demo data is for an empty one")
    rng = random.Random(seed)
    used_ids: set[str] = set()
    county = create_region(COUNTY[0], RegionLevel.COUNTY, phone=COUNTY[1])
    townships = {}
    villages = []
    for (name, phone), village_names in TOWNSHIPS.items():
        township = create_region(name, RegionLevel.TOWNSHIP, county, phone)
        townships[name] = township
        for village_name in village_names:
            villages.append((township, create_region(village_name, RegionLevel.VILLAGE, township)))

    users = {}
    for username, display, role, township in DEMO_USERS:
        region = townships[township] if township else county
        users[username] = create_user(username, DEMO_PASSWORD, role, region, display)
    db.session.commit()

    clerks = {"新店镇": users["clerk"], "城关街道": users["clerk2"]}
    created = 0
    for township, village in villages:
        clerk = clerks[township.name]
        for _ in range(rng.randint(3, 5)):
            _demo_dibao(clerk, village, rng, used_ids)
            created += 1
        for _ in range(rng.randint(1, 2)):
            _demo_tekun(clerk, village, rng, used_ids)
            created += 1
        for _ in range(rng.randint(1, 3)):
            _demo_linshi(clerk, village, rng, used_ids)
            created += 1
    return {"regions": 1 + len(townships) + len(villages), "users": len(users), "cases": created}


def _demo_dibao(clerk, village, rng, used_ids):
    members = []
    for relation in rng.sample(["配偶", "子女", "子女", "父母"], rng.randint(0, 3)):
        young, old = {"配偶": (30, 70), "子女": (3, 30), "父母": (60, 90)}[relation]
        members.append(
            {
                "name": _name(rng),
                "id_number": _resident_id(rng, _born(rng, young, old), used_ids),
                "relation": relation,
                "covered": rng.random() > 0.1,
            }
        )
    rural = village.name.endswith("村")
    per_person = Decimal(rng.choice([620, 680, 740] if rural else [860, 900, 950]))
    cases.create_case(
        clerk,
        Program.DIBAO,
        {
            "village_id": village.id,
            "group_name": f"{rng.randint(1, 8)}组" if rural else None,
            "applicant_name": _name(rng),
            "applicant_id_number": _resident_id(rng, _born(rng, 30, 80), used_ids),
            "applicant_phone": f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
            "dibao_area": "rural" if rural else "urban",
            "dibao_category": rng.choice(["A类", "B类", "C类", ""]),
            "monthly_amount": str(per_person * (1 + sum(m["covered"] for m in members))),
            "members": members,
        },
    )


def _demo_tekun(clerk, village, rng, used_ids):
    self_care = rng.choice(["full", "full", "partial", "none"])
    cases.create_case(
        clerk,
        Program.TEKUN,
        {
            "village_id": village.id,
            "applicant_name": _name(rng),
            "applicant_id_number": _resident_id(rng, _born(rng, 60, 95), used_ids),
            "tekun_mode": rng.choice(["dispersed", "dispersed", "centralised"]),
            "self_care": self_care,
            "basic_amount": "1170.00",
            "care_amount": {"full": "150.00", "partial": "450.00", "none": "900.00"}[self_care],
        },
    )


def _demo_linshi(clerk, village, rng, used_ids):
    kind = rng.choice(["emergency", "expenditure"])
    cases.create_case(
        clerk,
        Program.LINSHI,
        {
            "village_id": village.id,
            "applicant_name": _name(rng),
            "applicant_id_number": _resident_id(rng, _born(rng, 20, 80), used_ids),
            "linshi_type": kind,
            "reason_category": rng.choice(
                LINSHI_REASONS[:5] if kind == "emergency" else LINSHI_REASONS[5:]
            ),
            "amount": f"{rng.randint(5, 60) * 100}.00",
            "paid_on": (date.today() - timedelta(days=rng.randint(3, 40))).isoformat(),
        },
    )
