"""The holiday calendar: a year an administrator enters overrides chinese-calendar, and a
working-day date in a year known to neither is shown as an estimate (估算)."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from noticeboard.audit.models import AuditEntry
from noticeboard.cases.deadlines import decision_deadline, overdue_clause
from noticeboard.cases.models import Case, Program
from noticeboard.core.dates import CHINA, local_today
from noticeboard.core.errors import Forbidden, ValidationFailed
from noticeboard.extensions import db
from noticeboard.holidays import services
from noticeboard.holidays.calendar import WorkCalendar, package_knows
from noticeboard.notices import pre_approval
from noticeboard.notices.periods import notice_period_end, period_estimated
from noticeboard.notices.todo import workbench
from tests.conftest import csrf_token, login

# A year chinese-calendar will not know for a long time, entered as an administrator would
# enter the State Council's arrangement: National Day 10-01..10-07, Sunday 09-29 and Saturday
# 10-12 worked instead.
UNKNOWN = 2030
NATIONAL_DAY = "国庆节 2030-10-01 至 2030-10-07"
WORKED = "2030-09-29，2030-10-12"


def test_the_package_knows_2026_but_not_2030():
    assert package_knows(2026) and not package_knows(UNKNOWN)


def test_a_period_in_an_unknown_year_counts_monday_to_friday_and_says_it_is_an_estimate():
    start = date(2030, 9, 30)  # Monday
    end = notice_period_end(start, working_days=True)
    assert end == date(2030, 10, 8)  # 30, then 10-01 (!) … 10-04, 10-07, 10-08
    assert period_estimated(start, end, working_days=True)
    assert not period_estimated(start, end, working_days=False)
    assert not period_estimated(date(2026, 9, 1), date(2026, 9, 9), working_days=True)


def test_an_entered_year_overrides_the_estimate(world):
    services.save_year(world.admin, UNKNOWN, NATIONAL_DAY, WORKED)
    start = date(2030, 9, 30)
    # 30, then 10-08 … 10-11, Saturday 10-12 (worked), Monday 10-14
    assert notice_period_end(start, working_days=True) == date(2030, 10, 14)
    assert not period_estimated(start, date(2030, 10, 14), working_days=True)
    calendar = WorkCalendar()
    assert not calendar.is_working_day(date(2030, 10, 4))  # a Friday of the holiday
    assert calendar.is_working_day(date(2030, 9, 29))  # the Sunday worked instead
    assert not calendar.is_working_day(date(2030, 10, 19))  # an ordinary Saturday


def test_entering_a_year_is_audited_and_correcting_it_records_before_and_after(world):
    services.save_year(world.admin, "２０３０", NATIONAL_DAY, "")  # full-width digits too
    services.save_year(world.admin, UNKNOWN, NATIONAL_DAY, WORKED)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "holiday_year").order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.entity_id) for e in entries] == [("create", 2030), ("update", 2030)]
    # the correction names only what changed, before and after
    assert entries[1].changes == {"workdays": ["无", "2030-09-29, 2030-10-12"]}


@pytest.mark.parametrize(
    ("holidays", "workdays", "field", "message"),
    [
        ("", "", "holidays", "放假日期：请至少填写一天"),
        ("国庆放假", "", "holidays", "放假日期：看不懂“国庆放假”"),
        ("2030-02-30", "", "holidays", "放假日期：“2030-02-30”不是有效日期"),
        ("2026-10-01", "", "holidays", "放假日期：2026-10-01 不在 2030 年内"),
        ("2030-10-07 至 2030-10-01", "", "holidays", "起止日期有误"),
        (NATIONAL_DAY, "2030-10-14", "workdays", "2030-10-14 是工作日，调休上班日应是周六或周日"),
        (NATIONAL_DAY, "2030-10-05", "workdays", "2030-10-05 同时填在了放假日期里"),
    ],
)
def test_bad_entries_name_the_field_and_save_nothing(world, holidays, workdays, field, message):
    with pytest.raises(ValidationFailed) as error:
        services.save_year(world.admin, UNKNOWN, holidays, workdays)
    assert message in error.value.errors[field][0]
    assert services.entered_year(UNKNOWN) is None


def test_only_the_administrator_enters_holidays(world):
    with pytest.raises(Forbidden):
        services.save_year(world.county_officer, UNKNOWN, NATIONAL_DAY, "")


def test_the_administrator_sees_a_missing_year_on_the_workbench_and_enters_it(app, world):
    november = date(2029, 11, 26)  # next year's arrangement is due around now
    labels = [t.label for t in workbench(world.admin, november).tasks]
    assert "2030 年节假日安排待录入" in labels
    assert not [t for t in workbench(world.clerk_a, november).tasks if "节假日" in t.label]
    # a year chinese-calendar knows, before November: nothing to enter
    assert not [t for t in workbench(world.admin, date(2026, 3, 1)).tasks if "节假日" in t.label]

    client = app.test_client()
    login(client, world.admin.username)
    page = client.get("/staff/admin/holidays/").get_data(as_text=True)
    assert "节假日安排" in page and "2030 年" not in page  # last, this and next year
    token = csrf_token(client, "/staff/admin/holidays/2030")
    refused = client.post(
        "/staff/admin/holidays/2030",
        data={"csrf_token": token, "holidays": "2030-10-01", "workdays": "2030-10-14"},
    )
    assert refused.status_code == 200
    assert "调休上班日期：2030-10-14 是工作日" in refused.get_data(as_text=True)
    assert services.entered_year(UNKNOWN) is None
    saved = client.post(
        "/staff/admin/holidays/2030",
        data={"csrf_token": token, "holidays": NATIONAL_DAY, "workdays": WORKED},
        follow_redirects=True,
    )
    text = saved.get_data(as_text=True)
    assert "已保存 2030 年节假日安排" in text and "管理员录入" in text
    form = client.get("/staff/admin/holidays/2030").get_data(as_text=True)
    assert "2030-10-01 至 2030-10-07" in form  # shown back as runs of days
    assert "2030 年节假日安排待录入" not in [
        t.label for t in workbench(world.admin, november).tasks
    ]
    assert client.get("/staff/admin/holidays/1999").status_code == 404


@pytest.mark.skipif(
    package_knows(2027), reason="chinese-calendar now carries 2027: no estimate to show"
)
def test_a_draft_whose_working_day_period_reaches_an_unknown_year_says_so(app, world, factory):
    world.township_a.working_day_notices = True
    db.session.commit()
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(
        world.clerk_a, world.village_a.id, Program.DIBAO, [case.id], start=date(2026, 12, 28)
    )
    client = app.test_client()
    login(client, world.clerk_a.username)
    page = client.get(f"/staff/notices/{draft.id}").get_data(as_text=True)
    assert "期满日期为估算" in page and "请管理员录入后核对" in page
    services.save_year(world.admin, 2027, "元旦 2027-01-01 至 2027-01-03", "")
    page = client.get(f"/staff/notices/{draft.id}").get_data(as_text=True)
    assert "期满日期为估算" not in page


def _entered_on(case, day: date) -> None:
    case.created_at = datetime.combine(day, time(10), CHINA)
    db.session.commit()


def test_a_case_undecided_30_working_days_after_entry_is_overdue_across_the_national_day(
    app, world, factory
):
    # Entered Thursday 2025-09-18; 10-01..10-08 are holidays, Sunday 09-28 and Saturday 10-11
    # are worked: the 30th working day after it is 2025-11-05.
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    _entered_on(case, date(2025, 9, 18))
    deadline = decision_deadline(case, today=date(2025, 11, 5))
    assert (deadline.due, deadline.overdue_days, deadline.estimated) == (
        date(2025, 11, 5),
        0,
        False,
    )
    assert decision_deadline(case, today=date(2025, 11, 7)).overdue_days == 2

    def overdue_on(today):
        query = select(Case.id).where(overdue_clause(today))
        return db.session.scalars(query).all()

    assert overdue_on(date(2025, 11, 5)) == []  # due today
    assert overdue_on(date(2025, 11, 6)) == [case.id]
    linshi = factory.case(world.clerk_a, Program.LINSHI, world.village_a)
    _entered_on(linshi, date(2025, 9, 18))  # 临时救助 has no such deadline here
    assert overdue_on(date(2025, 11, 6)) == [case.id]


def test_the_workbench_and_the_case_list_show_overdue_applications(app, world, factory):
    late = factory.case(world.clerk_a, Program.TEKUN, world.village_a, applicant_name="迟办理")
    _entered_on(late, local_today() - timedelta(days=90))
    factory.case(world.clerk_a, Program.DIBAO, world.village_a, applicant_name="新申请")
    other = factory.case(world.clerk_b, Program.DIBAO, world.village_b)  # another township
    _entered_on(other, local_today() - timedelta(days=90))
    tasks = {t.label: t for t in workbench(world.clerk_a).tasks}
    assert tasks["超过办理时限未审核确认的申请"].count == 1
    assert {t.label: t for t in workbench(world.county_officer).tasks}[
        "超过办理时限未审核确认的申请"
    ].count == 2
    client = app.test_client()
    login(client, world.clerk_a.username)
    listed = client.get("/staff/?overdue=1").get_data(as_text=True)
    assert "迟办理" in listed and "新申请" not in listed
    detail = client.get(f"/staff/cases/{late.id}").get_data(as_text=True)
    assert "办理时限" in detail and "已超期" in detail
