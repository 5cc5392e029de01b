"""A township's notice settings page: supervision phone, working-day periods, assessment panel;
the next notice uses them."""

import json
from datetime import date

import time_machine
from sqlalchemy import select

from noticeboard.audit.models import AuditEntry
from noticeboard.cases.models import Program
from noticeboard.extensions import db
from noticeboard.notices import pre_approval
from noticeboard.regions.models import Region
from tests.conftest import login, post_form


def travel(day: date):
    return time_machine.travel(f"{day.isoformat()} 10:00 +0800", tick=False)


def admin_client(app, world):
    client = app.test_client()
    login(client, world.admin.username)
    return client


def settings_url(region) -> str:
    return f"/staff/admin/regions/{region.id}/settings"


def test_settings_are_linked_from_the_region_tree(app, world):
    page = admin_client(app, world).get("/staff/admin/regions/").get_data(as_text=True)
    assert settings_url(world.township_a) in page and settings_url(world.county) in page
    assert settings_url(world.village_a) not in page


def test_working_days_and_panel_saved_on_the_page_are_used_by_the_next_notice(app, world, factory):
    with travel(date(2025, 9, 30)):
        client = admin_client(app, world)
        response = post_form(
            client,
            settings_url(world.township_a),
            {
                "phone": "0591-83219999",
                "working_day_notices": "yes",
                "assessment_panel": "王建国\n\n欧阳娜娜\n",
            },
        )
        assert response.status_code == 302
        page = client.get(settings_url(world.township_a)).get_data(as_text=True)
        assert "王建国\n欧阳娜娜" in page and '<option selected value="yes">' in page

        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
        draft = pre_approval.prepare_notice(
            world.clerk_a, world.village_a.id, Program.DIBAO, [case.id]
        )
        notice = pre_approval.publish_notice(world.reviewer_a, draft.id)
        staff_page = client.get(f"/staff/notices/{notice.id}").get_data(as_text=True)
    # 2025: 10-01..10-08 are the National Day holiday; Saturday 10-11 is a make-up working day.
    assert (notice.start_date, notice.end_date) == (date(2025, 9, 30), date(2025, 10, 15))
    assert "7 个工作日" in staff_page
    board = json.loads(notice.snapshot_board)
    assert board["panel"] == ["王建国", "欧阳娜娜"]
    assert board["phones"]["township"] == "0591-83219999"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "region"))
    assert entry.entity_id == world.township_a.id
    assert entry.changes["working_day_notices"] == ["沿用上级设置", "7 个工作日"]


def test_inherit_stores_none_and_no_stores_false(app, world):
    client = admin_client(app, world)
    url = settings_url(world.township_b)
    for choice, stored in (("no", False), ("inherit", None)):
        data = {"phone": "", "working_day_notices": choice, "assessment_panel": ""}
        assert post_form(client, url, data).status_code == 302
        db.session.expire_all()
        assert db.session.get(Region, world.township_b.id).working_day_notices is stored


def test_bad_phone_and_panel_name_are_shown_on_their_fields_and_nothing_is_saved(app, world):
    data = {
        "phone": "12345",
        "working_day_notices": "yes",
        "assessment_panel": "王建国\n李 四",
    }
    response = post_form(admin_client(app, world), settings_url(world.township_a), data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "监督电话：请填写 11 位手机号" in page
    assert "评议小组成员第 2 行：不能含有空格" in page
    db.session.expire_all()
    township = db.session.get(Region, world.township_a.id)
    assert township.working_day_notices is None and township.assessment_panel is None
    assert township.phone == "0591-83210000"


def test_settings_page_is_for_administrators_and_townships_or_counties(app, world):
    client = admin_client(app, world)
    assert client.get(settings_url(world.village_a)).status_code == 404
    assert client.get("/staff/admin/regions/9999/settings").status_code == 404
    clerk = app.test_client()
    login(clerk, world.clerk_a.username)
    assert clerk.get(settings_url(world.township_a)).status_code == 403
