"""Demo data: one county, two townships, villages, realistic cases and one user per role, and
notices in every state (in force, ended, awaiting approval, objected, re-noticed, withdrawn,
corrected, draft), long-term rosters with history and last month's 临时救助 lists.

Everything goes through the real services, as the staff would do it. Past notices are made by
giving the notice services the day they happened on (`today=`), never by faking the clock.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from stdnum.cn import ric

from noticeboard.accounts.roles import Role
from noticeboard.accounts.services import create_user
from noticeboard.cases import changes, relatives
from noticeboard.cases import services as cases
from noticeboard.cases.lifecycle import activate_due, terminate_case
from noticeboard.cases.models import (
    LINSHI_REASONS,
    NOTICE_PROGRAMS,
    ROSTER_STATUSES,
    Case,
    CaseStatus,
    Program,
)
from noticeboard.core.dates import local_today
from noticeboard.extensions import db
from noticeboard.notices import objections
from noticeboard.notices.approval import approve_case
from noticeboard.notices.linshi_lists import publish_linshi_list
from noticeboard.notices.models import Notice, ObjectionChannel, ObjectionOutcome
from noticeboard.notices.pre_approval import (
    prepare_correction,
    prepare_notice,
    publish_notice,
    withdraw_notice,
)
from noticeboard.notices.terminations import propose_termination
from noticeboard.regions.delegation import county_id_of, set_confirmers, set_linshi_limit
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.services import create_region
from noticeboard.standards.recalculation import confirm as confirm_standard
from noticeboard.standards.reviews import add_months, record_review
from noticeboard.standards.services import propose_standard

COUNTY = ("示范县", "0591-87650000")
TOWNSHIPS = {
    ("新店镇", "0591-83210000"): ["东风村", "红星村", "向阳村", "青山村", "新店社区"],
    ("城关街道", "0591-83330000"): ["南门社区", "北街社区", "西湖村"],
}
# 新店镇 uses an assessment panel (民主评议小组), printed on its notices; 城关街道 does not.
ASSESSMENT_PANELS = {"新店镇": "陈建国\n刘淑珍\n黄志强\n林秀英\n郑德明"}
# The demo passwords are printed by `make run`; they exist only in the demo database.
DEMO_PASSWORD = "demo-pass-2026"
DEMO_USERS = [
    ("admin", "管理员", Role.ADMIN, None),
    ("county", "县民政局 陈科长", Role.COUNTY, None),
    # A second county officer: confirms the standards 陈科长 enters (maker/checker).
    ("county2", "县民政局 周股长", Role.COUNTY, None),
    ("clerk", "新店镇 林经办", Role.CLERK, "新店镇"),
    ("reviewer", "新店镇 黄审核", Role.REVIEWER, "新店镇"),
    ("clerk2", "城关街道 郑经办", Role.CLERK, "城关街道"),
    ("reviewer2", "城关街道 吴审核", Role.REVIEWER, "城关街道"),
    # A second reviewer: confirms the 特困 cases the county delegates to 城关街道 (whoever
    # published a case's notice may not also confirm it).
    ("reviewer3", "城关街道 孙审核", Role.REVIEWER, "城关街道"),
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
    today = local_today()
    county = create_region(COUNTY[0], RegionLevel.COUNTY, phone=COUNTY[1])
    townships = {}
    villages = {}
    for (name, phone), village_names in TOWNSHIPS.items():
        township = create_region(name, RegionLevel.TOWNSHIP, county, phone)
        township.assessment_panel = ASSESSMENT_PANELS.get(name)
        townships[name] = township
        for village_name in village_names:
            villages[village_name] = create_region(village_name, RegionLevel.VILLAGE, township)

    users = {}
    for username, display, role, township in DEMO_USERS:
        region = townships[township] if township else county
        users[username] = create_user(username, DEMO_PASSWORD, role, region, display)
    db.session.commit()

    story = _Story(users, townships, villages, rng, used_ids, today)
    for village in villages.values():
        for _ in range(rng.randint(3, 5)):
            story.new_case(village, Program.DIBAO, _dibao_data(village, rng, used_ids))
        for _ in range(rng.randint(1, 2)):
            story.new_case(village, Program.TEKUN, _tekun_data(village, rng, used_ids))
        for i in range(rng.randint(1, 3)):
            # The first is paid last month, so every village has something for last month's list.
            paid_on = _paid_on(rng, today, last_month=i == 0 or rng.random() < 0.6)
            story.new_case(village, Program.LINSHI, _linshi_data(village, rng, used_ids, paid_on))
    story.play()
    return {
        "regions": 1 + len(townships) + len(villages),
        "users": len(users),
        "cases": db.session.scalar(select(func.count()).select_from(Case)),
        "notices": db.session.scalar(select(func.count()).select_from(Notice)),
    }


class _Story:
    """Plays the notice lifecycle out in the demo villages, as the staff would, so that every
    state a notice can be in is there to look at: maker/checker (the clerk prepares, the
    township's reviewer publishes), approval by the county, objections, corrections."""

    def __init__(self, users, townships, villages, rng, used_ids, today: date):
        self.users, self.townships, self.villages = users, townships, villages
        self.rng, self.used_ids, self.today = rng, used_ids, today
        self.county = users["county"]
        self.pools: dict[tuple[str, Program], list[Case]] = {}
        self.data_of: dict[int, dict] = {}

    def new_case(self, village: Region, program: Program, data: dict) -> Case:
        clerk, _ = self.staff(village.name)
        case = cases.create_case(clerk, program, data)
        self.pools.setdefault((village.name, program), []).append(case)
        self.data_of[case.id] = data
        return case

    def staff(self, village: str):
        """The (clerk, reviewer) of the village's township."""
        township = self.villages[village].parent.name
        if township == "新店镇":
            return self.users["clerk"], self.users["reviewer"]
        return self.users["clerk2"], self.users["reviewer2"]

    def take(self, village: str, program: Program, count: int = 1) -> list[Case]:
        pool = self.pools[(village, program)]
        if len(pool) < count:
            raise RuntimeError(f"demo: {village} has too few {program} cases")
        taken, self.pools[(village, program)] = pool[:count], pool[count:]
        return taken

    def notice(self, village: str, program: Program, listed: list[Case], days_ago: int) -> Notice:
        """Prepare and publish a 7-day notice that started `days_ago` days ago."""
        clerk, reviewer = self.staff(village)
        start = self.today - timedelta(days=days_ago)
        then = start if days_ago > 0 else None  # the services' own calendar for today
        ids = [c.id for c in listed]
        draft = prepare_notice(
            clerk, self.villages[village].id, program, ids, start=start, today=then
        )
        return publish_notice(reviewer, draft.id, today=then)

    def edit(self, case: Case, change) -> None:
        """Edit a case as the clerk does on its form: the whole data, with `change` applied."""
        data = self.data_of[case.id]
        change(data)
        clerk, _ = self.staff(case.village.name)
        cases.update_case(clerk, case.id, data, db.session.get(Case, case.id).version)

    def play(self) -> None:
        self.approved_with_history()
        self.in_force_with_objections()
        self.objection_upheld_and_renoticed()
        self.withdrawn_and_corrected()
        self.ended_awaiting_approval()
        self.draft_awaiting_publication()
        self.linshi_lists()
        self.a_year_of_history()
        self.termination_in_notice()
        self.standards_and_reviews()
        self.delegated_to_townships()
        self.near_relative_waiting_for_visit()
        self.emergency_paid_first()
        self.linshi_above_the_limit()

    def approved_with_history(self) -> None:
        """Notices that ended weeks ago, approved by the county: standing rosters, one of them
        with three versions (two approvals, then a termination with its reason)."""
        first, second = self.take("东风村", Program.DIBAO, 2)
        notice = self.notice("东风村", Program.DIBAO, [first, second], 45)
        for case in (first, second):  # one by one: each approval is a new roster version
            approve_case(self.county, case.id, today=notice.end_date + timedelta(days=3))
        for village, program, days_ago in (
            ("东风村", Program.TEKUN, 40),
            ("南门社区", Program.DIBAO, 50),
        ):
            listed = self.take(village, program)
            notice = self.notice(village, program, listed, days_ago)
            approve_case(self.county, listed[0].id, today=notice.end_date + timedelta(days=2))
        activate_due(self.today)  # approved over a month ago: benefits have started
        clerk, _ = self.staff("东风村")
        terminate_case(clerk, first.id, "家庭成员外出务工，家庭人均收入已超过当地低保标准")

    def in_force_with_objections(self) -> None:
        """7-day notices in force in both townships, from their first day to their last."""
        notice = self.notice("东风村", Program.DIBAO, self.take("东风村", Program.DIBAO), 2)
        objections.raise_objection(
            notice.id, "该户的儿子在县城开了一家超市，家里还买了小轿车，请核实。", line=1
        )

        clerk, reviewer = self.staff("红星村")
        notice = self.notice("红星村", Program.TEKUN, self.take("红星村", Program.TEKUN), 3)
        objection = objections.record_objection(
            clerk,
            notice.id,
            ObjectionChannel.PHONE,
            "来电反映该老人有儿子在外地工作，不应认定为特困人员。",
            name="王建国",
            phone="13905910000",
            line=1,
        )
        objections.resolve_objection(
            reviewer,
            objection.id,
            ObjectionOutcome.NOT_UPHELD,
            "经入户核查并由村委会出具证明，该老人无子女，反映人所说系其侄子，不是法定赡养义务人。"
            "异议不成立，已电话告知反映人。",
        )
        for village, program, count, days_ago in (
            ("南门社区", Program.DIBAO, 1, 1),
            ("北街社区", Program.TEKUN, 1, 6),  # its last day
            ("西湖村", Program.DIBAO, 2, 0),
            ("西湖村", Program.TEKUN, 1, 5),
        ):
            self.notice(village, program, self.take(village, program, count), days_ago)

    def objection_upheld_and_renoticed(self) -> None:
        """An upheld objection sends a household back to 复查中; with its amount recalculated
        it goes into a new 7-day notice (重新公示)."""
        village = self.villages["向阳村"]
        data = _dibao_data(village, self.rng, self.used_ids)
        objected = self.new_case(village, Program.DIBAO, data)
        self.pools[("向阳村", Program.DIBAO)].remove(objected)  # listed here, not left over
        listed = [objected, *self.take("向阳村", Program.DIBAO)]
        notice = self.notice("向阳村", Program.DIBAO, listed, 4)
        line = next(e.line for e in notice.entries if e.case_id == objected.id)
        objection = objections.raise_objection(
            notice.id, "这户在村口开了一家小卖部，每月有经营收入，保障金额偏高。", line=line
        )
        _, reviewer = self.staff("向阳村")
        # Investigated by the reviewer: the clerk entered the case (maker/checker).
        objections.resolve_objection(
            reviewer,
            objection.id,
            ObjectionOutcome.UPHELD,
            "经入户核查，户主经营小卖部，月均净收入约 300 元，申请时未申报。异议成立，"
            "按补差方式调减保障金额后重新公示。",
        )

        def with_the_shop_income(values):
            values["monthly_amount"] = str(Decimal(values["monthly_amount"]) - 300)

        self.edit(objected, with_the_shop_income)
        self.notice("向阳村", Program.DIBAO, [objected], 0)

    def withdrawn_and_corrected(self) -> None:
        clerk, reviewer = self.staff("青山村")
        notice = self.notice("青山村", Program.DIBAO, self.take("青山村", Program.DIBAO), 1)
        withdraw_notice(reviewer, notice.id, "公示表中该户保障人数有误，撤回核实后重新公示")
        tekun = self.take("青山村", Program.TEKUN)
        old = self.notice("青山村", Program.TEKUN, tekun, 3)
        draft = prepare_correction(
            clerk, old.id, "经复核，该对象生活自理能力评估有误，照料护理标准已更正"
        )

        def reassessed(values):
            level = "partial" if values["self_care"] != "partial" else "none"
            values["self_care"], values["care_amount"] = level, CARE_AMOUNTS[level]

        self.edit(tekun[0], reassessed)
        publish_notice(reviewer, draft.id)

    def ended_awaiting_approval(self) -> None:
        """Ended with no objection: these wait for their confirmation (the 特困 one, once the
        county delegates 特困, in 城关街道's queue)."""
        self.notice("红星村", Program.DIBAO, self.take("红星村", Program.DIBAO, 2), 9)
        self.notice("北街社区", Program.DIBAO, self.take("北街社区", Program.DIBAO), 8)
        village = self.villages["南门社区"]  # confirmed by the township (delegated_to_townships)
        case = self.new_case(village, Program.TEKUN, _tekun_data(village, self.rng, self.used_ids))
        self.notice("南门社区", Program.TEKUN, [case], 9)

    def draft_awaiting_publication(self) -> None:
        clerk, _ = self.staff("新店社区")
        listed = [c.id for c in self.take("新店社区", Program.DIBAO, 2)]
        village = self.villages["新店社区"]
        prepare_notice(clerk, village.id, Program.DIBAO, listed)

    def a_year_of_history(self) -> None:
        """Thirteen months of approvals, 临时救助 paid month by month and one confirmed
        amount change, through the same services, so the statistics have a trend to show."""
        names = list(self.villages)
        for months_ago in range(13, 0, -1):
            village = self.villages[names[months_ago % len(names)]]
            # One household a month (each approval is a roster version: they cost the most)
            programs = [Program.DIBAO] + [Program.TEKUN] * (months_ago % 4 == 0)
            for program in programs:
                builder = _dibao_data if program == Program.DIBAO else _tekun_data
                case = self.new_case(village, program, builder(village, self.rng, self.used_ids))
                self.pools[(village.name, program)].remove(case)  # listed here, not left over
                notice = self.notice(village.name, program, [case], 30 * months_ago + 12)
                approve_case(self.county, case.id, today=notice.end_date + timedelta(days=2))
            paid_on = (self.today - timedelta(days=30 * months_ago)).replace(day=15)
            data = _linshi_data(village, self.rng, self.used_ids, paid_on)
            self.new_case(village, Program.LINSHI, data)
        activate_due(self.today)
        paid = db.session.scalars(
            select(Case)
            .where(Case.status == CaseStatus.ACTIVE, Case.program == Program.DIBAO)
            .order_by(Case.id.desc())
        ).first()

        def raised_standard(values):
            values["monthly_amount"] = str(Decimal(values["monthly_amount"]) + 60)

        self.edit(paid, raised_standard)
        _, reviewer = self.staff(paid.village.name)
        changes.confirm_change(reviewer, cases.pending_change_of(paid).id)

    def linshi_lists(self) -> None:
        """事后公示 of last month's 临时救助: one village's list, one township-wide list."""
        last_month = (self.today.replace(day=1) - timedelta(days=1)).replace(day=1)
        _, reviewer = self.staff("东风村")
        publish_linshi_list(reviewer, self.villages["东风村"].id, last_month)
        _, reviewer2 = self.staff("南门社区")
        publish_linshi_list(reviewer2, self.townships["城关街道"].id, last_month)

    def termination_in_notice(self) -> None:
        """A 特困 person of 西湖村, supported for two months, is to be terminated: the 7-day
        termination notice (终止公示) started two days ago; 城关街道's second reviewer confirms
        it once it ends with no objection (the county delegates 特困, delegated_to_townships)."""
        village = self.villages["西湖村"]
        case = self.new_case(village, Program.TEKUN, _tekun_data(village, self.rng, self.used_ids))
        notice = self.notice("西湖村", Program.TEKUN, [case], 75)
        approve_case(self.county, case.id, today=notice.end_date + timedelta(days=2))
        activate_due(self.today)
        clerk, reviewer = self.staff("西湖村")
        started = self.today - timedelta(days=2)
        termination = propose_termination(
            clerk, case.id, "本人已由子女接回赡养，赡养人具备赡养能力", today=started
        )
        publish_notice(reviewer, termination.notice_id, today=started)

    def delegated_to_townships(self) -> None:
        """Last, so that the history above was confirmed by the county: the county lets its
        townships confirm 特困 (审核确认权限); 南门社区's 特困 case (ended_awaiting_approval)
        then waits for 城关街道's second reviewer, since 吴审核 published its notice."""
        set_confirmers(
            self.county, county_id_of(self.county.region), {"dibao": "county", "tekun": "township"}
        )

    def near_relative_waiting_for_visit(self) -> None:
        """近亲属备案: a 红星村 household whose head is the brother of a village committee
        member; its notice ended, and it waits in the county's queue for the home visit
        (入户核查). The printed notice shows the 近亲属备案 column (the county's default)."""
        village = self.villages["红星村"]
        case = self.new_case(village, Program.DIBAO, _dibao_data(village, self.rng, self.used_ids))
        self.pools[("红星村", Program.DIBAO)].remove(case)
        clerk, _ = self.staff("红星村")
        registration = {
            "person_name": case.applicant_name,
            "staff_name": "李明华",
            "post": "committee",
            "workplace": "红星村村委会委员",
            "relation": "兄弟姐妹",
        }
        relatives.register_near_relative(clerk, case.id, registration)
        self.notice("红星村", Program.DIBAO, [case], 9)

    def emergency_paid_first(self) -> None:
        """先行救助: a 东风村 family whose house burnt down, paid by 新店镇 three weeks ago; its
        paperwork is overdue on the township's 工作台 (three weeks is past the five working
        days even across the Spring Festival)."""
        village = self.villages["东风村"]
        data = _linshi_data(village, self.rng, self.used_ids, self.today - timedelta(days=21))
        data |= {
            "linshi_type": "emergency",
            "reason_category": "火灾",
            "amount": "3000.00",
            "emergency_reason": "住房夜间失火，一家四口无处安身，经镇分管领导同意先行发放",
        }
        clerk, _ = self.staff("东风村")
        cases.create_case(clerk, Program.LINSHI, data)

    def linshi_above_the_limit(self) -> None:
        """Last, so that every payment above was the townships' to approve: the county lets
        them approve 临时救助 up to 1,000 元 (临时救助审批限额); a 东风村 medical-expense
        payment of 1,500 元, not paid yet, then waits for the county's approval (县级审批)."""
        set_linshi_limit(self.county, county_id_of(self.county.region), "1000")
        village = self.villages["东风村"]
        data = _linshi_data(village, self.rng, self.used_ids, self.today)
        data |= {
            "linshi_type": "expenditure",
            "reason_category": "医疗支出",
            "amount": "1500.00",
            "paid_on": "",
        }
        clerk, _ = self.staff("东风村")
        cases.create_case(clerk, Program.LINSHI, data)

    def standards_and_reviews(self) -> None:
        """The county's standards history (each entered by one county officer and confirmed
        by the other, which re-calculates the rosters), a rise still waiting for
        confirmation, and periodic reviews: one due this month, two overdue."""
        checker = self.users["county2"]
        for year, kinds in DEMO_STANDARDS.items():
            for kind, amount in kinds.items():
                basis = f"示民〔{year - 1}〕12号"
                standard = propose_standard(self.county, kind, amount, f"{year}-01", basis)
                confirm_standard(checker, standard.id)
        next_year = self.today.year + 1
        propose_standard(self.county, "dibao_rural", "860.00", f"{next_year}-01", "征求意见稿")
        on_roster = db.session.scalars(
            select(Case)
            .where(Case.status.in_(ROSTER_STATUSES), Case.program.in_(NOTICE_PROGRAMS))
            .order_by(Case.id)
        ).all()
        for case, months_ago in zip(on_roster, (12, 13, 14), strict=False):
            clerk, _ = self.staff(case.village.name)
            record_review(
                clerk,
                case.id,
                "continue",
                "入户核查，家庭收入和人口无变化",
                today=add_months(self.today, -months_ago),
            )


CARE_AMOUNTS = {"full": "150.00", "partial": "450.00", "none": "900.00"}
# The county's standards (保障标准) by year, from January: 2025 as the cases were entered,
# 2026 raising the 低保 and 特困 basic standards; a 2027 rise waits for confirmation.
DEMO_STANDARDS = {
    2025: {
        "dibao_urban": "960.00",
        "dibao_rural": "780.00",
        "tekun_basic": "1170.00",
        "care_full": CARE_AMOUNTS["full"],
        "care_partial": CARE_AMOUNTS["partial"],
        "care_none": CARE_AMOUNTS["none"],
    },
    2026: {"dibao_urban": "1000.00", "dibao_rural": "820.00", "tekun_basic": "1230.00"},
}


def _covered(data: dict) -> int:
    return 1 + sum(bool(m["covered"]) for m in data["members"])


def _dibao_data(village, rng, used_ids, relations: list[str] | None = None) -> dict:
    """A 低保 household; with `relations`, exactly those members, all covered."""
    chosen = relations is not None
    if relations is None:
        relations = rng.sample(["配偶", "子女", "子女", "父母"], rng.randint(0, 3))
    members = []
    for relation in relations:
        young, old = {"配偶": (30, 70), "子女": (18, 30), "父母": (60, 90)}[relation]
        members.append(
            {
                "name": _name(rng),
                "id_number": _resident_id(rng, _born(rng, young, old), used_ids),
                "relation": relation,
                "covered": chosen or rng.random() > 0.1,
            }
        )
    rural = village.name.endswith("村")
    per_person = Decimal(rng.choice([620, 680, 740] if rural else [860, 900, 950]))
    data = {
        "village_id": village.id,
        "group_name": f"{rng.randint(1, 8)}组" if rural else None,
        "applicant_name": _name(rng),
        "applicant_id_number": _resident_id(rng, _born(rng, 30, 80), used_ids),
        "applicant_phone": f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
        "dibao_area": "rural" if rural else "urban",
        "dibao_category": rng.choice(["A类", "B类", "C类", ""]),
        "members": members,
    }
    data["monthly_amount"] = str(per_person * _covered(data))
    if data["dibao_category"]:
        # The income that gives this amount under the 2025 standard (补差); households
        # without a category are left without one, for the manual list of a re-calculation.
        standard = DEMO_STANDARDS[2025]["dibao_rural" if rural else "dibao_urban"]
        data["income_per_person"] = str(Decimal(standard) - per_person)
    return data


def _tekun_data(village, rng, used_ids) -> dict:
    self_care = rng.choice(["full", "full", "partial", "none"])
    return {
        "village_id": village.id,
        "applicant_name": _name(rng),
        "applicant_id_number": _resident_id(rng, _born(rng, 60, 95), used_ids),
        "tekun_mode": rng.choice(["dispersed", "dispersed", "centralised"]),
        "self_care": self_care,
        "basic_amount": "1170.00",
        "care_amount": CARE_AMOUNTS[self_care],
    }


def _paid_on(rng, today: date, last_month: bool) -> date:
    """A day of last month, or of this month up to today."""
    this_month = today.replace(day=1)
    if last_month or today.day == 1:
        first = (this_month - timedelta(days=1)).replace(day=1)
        return first + timedelta(days=rng.randint(0, (this_month - first).days - 1))
    return this_month + timedelta(days=rng.randint(0, today.day - 1))


def _linshi_data(village, rng, used_ids, paid_on: date) -> dict:
    kind = rng.choice(["emergency", "expenditure"])
    return {
        "village_id": village.id,
        "applicant_name": _name(rng),
        "applicant_id_number": _resident_id(rng, _born(rng, 20, 80), used_ids),
        "linshi_type": kind,
        "reason_category": rng.choice(
            LINSHI_REASONS[:5] if kind == "emergency" else LINSHI_REASONS[5:]
        ),
        "amount": f"{rng.randint(5, 60) * 100}.00",
        "paid_on": paid_on.isoformat(),
    }
