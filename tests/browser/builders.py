"""Published notices of every kind, filled with what strains a phone screen: the longest names
(20 characters, names with the middle dot, 𠮷), a long village name and 1,000 rows.

Notices are published through the real services on the real calendar day (the live server
reads the real clock), with past days passed as `today=` where a notice must have ended.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from itertools import count

from stdnum.cn import ric

from noticeboard.cases.models import Program
from noticeboard.core.dates import local_today
from noticeboard.extensions import db
from noticeboard.notices import (
    approval,
    linshi_lists,
    objections,
    pre_approval,
    rosters,
    terminations,
)
from noticeboard.notices.models import Notice, NoticeKind
from noticeboard.regions.models import RegionLevel
from noticeboard.regions.services import create_region, find_region_by_names

# 22 characters: a village of a Mongolian autonomous prefecture, written out in full.
LONG_VILLAGE = "博尔塔拉蒙古自治州温泉县哈日布呼镇加尕斯台村"
LONG_NAMES = [
    "阿卜杜拉·艾合买提",
    "阿卜杜热合曼·买买提艾力·阿不都克力木江",  # 20 characters, the most a name may have
    "司马欧阳诸葛上官东方皇甫尉迟公孙慕容长孙",  # 20 characters without a dot
    "欧阳娜娜",
    "𠮷祥",
    "张三",
]
_serial = count(1)


def unique_id(born: str = "19600101") -> str:
    """A valid resident ID that no other call in this process returns."""
    serial = next(_serial)
    day = f"{born[:6]}{1 + serial // 1000 % 28:02d}"
    body = f"650101{day}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass(frozen=True)
class Built:
    notice_id: int
    rows: int


def long_village(world):
    village = find_region_by_names(world.county.name, world.township_a.name, LONG_VILLAGE)
    if village is None:
        village = create_region(LONG_VILLAGE, RegionLevel.VILLAGE, world.township_a)
        db.session.commit()
    return village


def _case(world, factory, program: Program, village, name: str, line: int, **extra):
    data = {"applicant_name": name, "applicant_id_number": unique_id(), **extra}
    if program == Program.DIBAO:
        data["members"] = [
            {"name": "李秀英", "id_number": unique_id(), "relation": "配偶", "covered": True}
        ]
        data["monthly_amount"] = f"{1000 + line * 7 % 900}.50"
    return factory.case(world.clerk_a, program, village, **data)


def _seven_day(world, factory, program: Program, names: list[str], day=None) -> int:
    village = long_village(world)
    cases = [_case(world, factory, program, village, n, i) for i, n in enumerate(names, 1)]
    draft = pre_approval.prepare_notice(
        world.clerk_a, village.id, program, [c.id for c in cases], today=day
    )
    notice = pre_approval.publish_notice(world.reviewer_a, draft.id, today=day)
    db.session.commit()
    return notice.id


def seven_day_dibao(world, factory) -> Built:
    """拟保公示 of 低保 households, in force today."""
    return Built(_seven_day(world, factory, Program.DIBAO, LONG_NAMES), len(LONG_NAMES))


def seven_day_tekun(world, factory) -> Built:
    """拟认定公示 of 特困 persons: the widest column labels (基本生活标准（元/月）…)."""
    return Built(_seven_day(world, factory, Program.TEKUN, LONG_NAMES), len(LONG_NAMES))


def roster_dibao(world, factory) -> Built:
    """长期公示: the 7-day notice ended two weeks ago and every case was approved since."""
    started = local_today() - timedelta(days=20)
    village = long_village(world)
    cases = [
        _case(world, factory, Program.DIBAO, village, n, i) for i, n in enumerate(LONG_NAMES, 1)
    ]
    draft = pre_approval.prepare_notice(
        world.clerk_a, village.id, Program.DIBAO, [c.id for c in cases], today=started
    )
    pre_approval.publish_notice(world.reviewer_a, draft.id, today=started)
    for case in cases:
        approval.approve_case(world.county_officer, case.id, today=started + timedelta(days=10))
    roster = rosters.current_roster(village, Program.DIBAO)
    db.session.commit()
    return Built(roster.id, len(cases))


def linshi_list(world, factory) -> Built:
    """临时救助事后公示 of the whole township for this month."""
    today = local_today()
    village = long_village(world)
    for i, name in enumerate(LONG_NAMES, 1):
        _case(world, factory, Program.LINSHI, village, name, i, paid_on=today.isoformat())
    notice = linshi_lists.publish_linshi_list(world.reviewer_a, world.township_a.id, today)
    db.session.commit()
    return Built(notice.id, len(LONG_NAMES))


def termination_tekun(world, factory) -> Built:
    """终止公示 of a 特困 person on the roster (the longest name), in force today."""
    started = local_today() - timedelta(days=20)
    village = long_village(world)
    case = _case(world, factory, Program.TEKUN, village, LONG_NAMES[1], 1)
    draft = pre_approval.prepare_notice(
        world.clerk_a, village.id, Program.TEKUN, [case.id], today=started
    )
    pre_approval.publish_notice(world.reviewer_a, draft.id, today=started)
    approval.approve_case(world.county_officer, case.id, today=started + timedelta(days=10))
    termination = terminations.propose_termination(
        world.clerk_a, case.id, "本人已由子女接回赡养，经核实不再符合特困人员认定条件。"
    )
    notice = pre_approval.publish_notice(world.reviewer_a, termination.notice_id)
    db.session.commit()
    return Built(notice.id, 1)


def thousand_rows(world, factory) -> Built:
    """A 1,000-household 拟保公示 (a whole street's re-check, say)."""
    names = [LONG_NAMES[i % len(LONG_NAMES)] for i in range(1000)]
    return Built(_seven_day(world, factory, Program.DIBAO, names), 1000)


def fifty_rows(world, factory) -> Built:
    names = [LONG_NAMES[i % len(LONG_NAMES)] for i in range(50)]
    return Built(_seven_day(world, factory, Program.DIBAO, names), 50)


def public_pages(world, factory) -> tuple[list[str], int]:
    """Every kind of public page, in the states a resident meets them (the objection form
    included), and the id of a 7-day notice in force."""
    notice = seven_day_dibao(world, factory)
    roster = roster_dibao(world, factory)
    listing = linshi_list(world, factory)
    objection = objections.raise_objection(notice.notice_id, "该户家中有两辆小轿车，请核实。")
    db.session.commit()
    code = db.session.get(Notice, notice.notice_id).verification_code
    village = long_village(world)
    return [
        "/",
        "/?q=dfc",
        "/?q=qqqq",
        f"/townships/{world.township_a.id}",
        f"/villages/{village.id}",
        f"/notices/{notice.notice_id}",
        f"/notices/{notice.notice_id}/objections",
        f"/notices/{roster.notice_id}",
        f"/notices/{listing.notice_id}",
        "/verify",
        f"/verify?code={code}",
        "/verify?code=AAAA-AAAA",
        "/objections/lookup",
        f"/objections/lookup?receipt={objection.receipt_no}",
        "/objections/lookup?receipt=YY-NOTAREAL",
        "/no-such-page",
        "/login",
    ], notice.notice_id


# Every kind of notice residents can open, with the program variants that change its columns.
LAYOUT_CASES: dict[str, tuple[NoticeKind, Callable]] = {
    "7day-dibao": (NoticeKind.PRE_APPROVAL, seven_day_dibao),
    "7day-tekun": (NoticeKind.PRE_APPROVAL, seven_day_tekun),
    "roster": (NoticeKind.ROSTER, roster_dibao),
    "linshi": (NoticeKind.LINSHI_LIST, linshi_list),
    "termination": (NoticeKind.TERMINATION, termination_tekun),
    "1000rows": (NoticeKind.PRE_APPROVAL, thousand_rows),
}
