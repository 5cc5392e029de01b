"""What waits for each staff member (工作台): counted from the same queries as the pages
where the work is done, and shown only to those who may do it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, exists, func, select

from noticeboard.audit.access import recent_alerts
from noticeboard.cases.changes import pending_changes
from noticeboard.cases.deadlines import (
    decision_days,
    overdue_clause,
    refusal_days,
    refusal_letter_overdue_clause,
)
from noticeboard.cases.emergency import paperwork_days, paperwork_overdue, paperwork_pending
from noticeboard.cases.linshi_approval import awaiting_county
from noticeboard.cases.models import (
    NOTICE_PROGRAMS,
    NOTICEABLE_STATUSES,
    Case,
    CaseStatus,
    Program,
)
from noticeboard.core.dates import local_today
from noticeboard.core.permissions import Action, can
from noticeboard.extensions import db
from noticeboard.holidays.calendar import WorkCalendar
from noticeboard.notices.deadlines import renotice_days, renotice_overdue_clause
from noticeboard.notices.models import Notice, NoticeEntry, NoticeStatus
from noticeboard.notices.queries import dashboard_counts, open_objections, ready_per_township
from noticeboard.regions.models import Confirmer, Region
from noticeboard.regions.scope import scope_clause, village_in, village_read_as


@dataclass
class Task:
    """One kind of work: how many, and where to do it (endpoint and its arguments)."""

    label: str
    count: int
    endpoint: str
    args: dict = field(default_factory=dict)
    hint: str = ""
    to_act: bool = True  # False: worth knowing, nothing to do here (notices ending soon)


# Work that areas above this one add (imports to confirm): functions of the user.
TASK_SOURCES: list[Callable[[object], list[Task]]] = []


def register_tasks(source: Callable[[object], list[Task]]) -> None:
    TASK_SOURCES.append(source)


@dataclass
class Workbench:
    tasks: list[Task] = field(default_factory=list)
    # Cases waiting for a 7-day notice, per village and program: one click to prepare it.
    to_notice: list[tuple[Region, Program, int]] = field(default_factory=list)
    # Cases the county may approve now, per township.
    to_approve: list[tuple[Region, int]] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(task.count for task in self.tasks if task.to_act)


def workbench(user, today: date | None = None) -> Workbench:
    today = today or local_today()
    bench = Workbench()
    # Counted in the database: a county has hundreds of notices in every state.
    counts = dashboard_counts(user, today)
    if can(user, Action.PREPARE_NOTICE):
        one = counts.returned == 1
        bench.tasks.append(
            Task(
                "退回修改的公示草稿",
                counts.returned,
                "notices.detail" if one else "notices.dashboard",
                {"notice_id": counts.returned_id} if one else {"_anchor": "drafts"},
                "审核人退回的草稿，修改后重新提交",
            )
        )
        bench.to_notice = _waiting_for_a_notice(user)
        bench.tasks.append(
            Task(
                "待列入公示的案件",
                sum(n for _, _, n in bench.to_notice),
                "notices.new",
                hint="新录入或复查后的低保、特困案件，需经 7 天公示",
            )
        )
    if can(user, Action.PUBLISH_NOTICE):
        bench.tasks.append(
            Task(
                "待发布的公示草稿",
                counts.drafts - counts.returned,
                "notices.dashboard",
                {"_anchor": "drafts"},
                "打开草稿核对后发布",
            )
        )
    if can(user, Action.CONFIRM_CASE_CHANGE):
        bench.tasks.append(
            Task(
                "待审核的案件变更",
                len(pending_changes(user)),
                "cases.changes",
                hint="保障中案件的修改",
            )
        )
    if can(user, Action.RECORD_OBJECTION):
        bench.tasks.append(
            Task(
                "未办结的异议",
                open_objections(user),
                "notices.objection_list",
                hint="公示期内收到的异议",
            )
        )
    bench.tasks.append(
        Task(
            "本周期满的公示",
            counts.ending,
            "notices.dashboard",
            {"_anchor": "ending"},
            "期满后无异议即可审核确认",
            to_act=False,
        )
    )
    if can(user, Action.DECIDE_CASE):
        bench.to_approve = ready_per_township(user, today)
        bench.tasks.append(
            Task(
                "可审核确认的案件",
                sum(n for _, n in bench.to_approve),
                "notices.approvals",
                hint="公示期满且无未办结异议",
            )
        )
    overdue = db.session.scalar(
        select(func.count()).select_from(Case)
        .where(village_in(Case.village_id, user.region), overdue_clause(today))
    )  # fmt: skip
    bench.tasks.append(
        Task(
            "超过办理时限未审核确认的申请",
            overdue,
            "cases.index",
            {"overdue": 1},
            f"低保、特困申请应在录入后 {decision_days()} 个工作日内作出决定",
        )
    )
    bench.tasks += _late_after_decisions(user, today)
    bench.tasks += _emergency_paperwork(user, today)
    if can(user, Action.ADMINISTER):
        bench.tasks += _holidays_to_enter(today)
    if can(user, Action.READ_AUDIT_LOG):
        alerts = recent_alerts(user)
        bench.tasks.append(
            Task(
                "个人信息查阅异常",
                len(alerts),
                "audit.access_log",
                {"user": alerts[0].user_id} if len({a.user_id for a in alerts}) == 1 else {},
                "近 7 天内一小时查看大量完整身份证号的账号，请核实",
            )
        )
    for source in TASK_SOURCES:
        bench.tasks += source(user)
    return bench


def _late_after_decisions(user, today: date) -> list[Task]:
    """Refusals not told in writing in time, and 特困 cases not noticed again in time after
    an upheld objection: counted in the user's scope in one query, among the refused and
    re-investigated cases only."""
    letter, renotice = db.session.execute(
        select(
            func.count(case((refusal_letter_overdue_clause(today), 1))),
            func.count(case((renotice_overdue_clause(today), 1))),
        )
        .select_from(Case)
        .join(Case.village)
        .where(scope_clause(user))
        .where(Case.status.in_((CaseStatus.REJECTED, CaseStatus.INVESTIGATING)))
    ).one()
    return [
        Task(
            "不予确认后未按时书面告知",
            letter,
            "cases.index",
            {"overdue": "letter"},
            f"应在决定后 {refusal_days()} 个工作日内书面告知申请人并说明理由",
        ),
        Task(
            "异议成立后未按时重新公示",
            renotice,
            "cases.index",
            {"overdue": "renotice"},
            f"特困：异议成立后 {renotice_days()} 个工作日内提出审核意见并重新公示",
        ),
    ]


def _emergency_paperwork(user, today: date) -> list[Task]:
    """先行救助 past their paperwork deadline (everyone in the township sees them), those
    waiting for a reviewer's confirmation, and the 临时救助 waiting for the county's
    approval (先行救助 above the township's limit among them), counted in one query."""
    overdue, pending, county = db.session.execute(
        select(
            func.count(case((paperwork_overdue(today), 1))),
            # the reviewer's: not those the county confirms
            func.count(
                case(
                    (
                        and_(
                            paperwork_pending(),
                            Case.decided_under.is_distinct_from(Confirmer.COUNTY),
                        ),
                        1,
                    )
                )
            ),
            func.count(case((awaiting_county(), 1))),
        )
        .select_from(Case)
        .where(village_in(Case.village_id, user.region), paperwork_pending() | awaiting_county())
    ).one()
    tasks = [
        Task(
            "逾期未补办手续的先行救助",
            overdue,
            "cases.index",
            {"paperwork": "overdue"},
            f"先行救助应在发放后 {paperwork_days()} 个工作日内补办手续并审批",
        )
    ]
    if can(user, Action.COMPLETE_PAPERWORK):
        tasks.append(
            Task(
                "待确认补办手续的先行救助",
                pending,
                "cases.index",
                {"paperwork": "pending"},
                "核对补办的材料后确认并审批",
            )
        )
    if can(user, Action.APPROVE_LINSHI):
        tasks.append(
            Task(
                "待县级审批的临时救助",
                county,
                "cases.index",
                {"paperwork": "county"},
                "金额超过本县乡镇审批限额，由县级民政部门审批",
            )
        )
    return tasks


def _holidays_to_enter(today: date) -> list[Task]:
    """This year's holidays, and next year's from November (the State Council publishes them
    around then), while neither chinese-calendar nor an administrator knows them."""
    calendar = WorkCalendar()
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    return [
        Task(
            f"{year} 年节假日安排待录入",
            1,
            "holidays.year",
            {"year": year},
            "国务院办公厅公布后录入；录入前按工作日计算的日期为估算",
        )
        for year in years
        if not calendar.knows(year)
    ]


def _waiting_for_a_notice(user) -> list[tuple[Region, Program, int]]:
    """Cases of 低保/特困 that may go into a 7-day notice and are in no draft yet."""
    in_draft = exists().where(
        NoticeEntry.case_id == Case.id,
        NoticeEntry.notice_id == Notice.id,
        Notice.status == NoticeStatus.DRAFT,
    )
    rows = db.session.execute(
        select(Region, Case.program, func.count())
        .join(Case, village_read_as(Case.village_id, user.region) == Region.id)
        .where(scope_clause(user), Case.status.in_(NOTICEABLE_STATUSES))
        .where(Case.program.in_(NOTICE_PROGRAMS), ~in_draft)
        .group_by(Region.id, Case.program)
        .order_by(Region.path, Case.program)
    ).all()
    return [(village, Program(program), count) for village, program, count in rows]
