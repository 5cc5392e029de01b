"""The masking policy page: administrators change a channel's policy; full names online are
refused; published notices keep what they froze."""

import json

from sqlalchemy import select

from noticeboard.audit.models import AuditEntry
from noticeboard.cases.models import Program
from noticeboard.extensions import db
from noticeboard.masking.services import policy_for
from noticeboard.notices import pre_approval
from tests.conftest import login, post_form

URL = "/staff/admin/masking/"


def admin_client(app, world):
    client = app.test_client()
    login(client, world.admin.username)
    return client


def board_form(**values) -> dict:
    fields = {"name": "full", "resident_id": "none", "address": "village_group", **values}
    return {"channel": "board", **{f"board-{k}": v for k, v in fields.items()}}


def test_page_shows_both_channels_with_their_current_policy(app, world):
    page = admin_client(app, world).get(URL).get_data(as_text=True)
    assert "公示栏张贴（纸质）" in page and "网上公示、PDF 下载、接口、订阅" in page
    assert "全名" in page and "前6后4" in page and "仅村" in page
    assert "已发布的公示内容在发布时已固定" in page
    assert '<option selected value="masked">' in page  # online default


def test_admin_shows_six_plus_four_of_the_id_on_the_board_from_now_on(app, world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    before = pre_approval.publish_notice(
        world.reviewer_a,
        pre_approval.prepare_notice(world.clerk_a, world.village_a.id, Program.DIBAO, [case.id]).id,
    )
    response = post_form(admin_client(app, world), URL, board_form(resident_id="6+4"))
    assert response.status_code == 302
    db.session.expire_all()
    assert policy_for("board").resident_id == "6+4"
    assert policy_for("online").resident_id == "none"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "masking_policy"))
    assert entry.note == "公示栏张贴（纸质）" and entry.changes["resident_id"] == ["none", "6+4"]
    # the notice published before the change keeps its frozen board copy
    assert "resident_id" not in json.loads(before.snapshot_board)["rows"][0]


def test_full_names_online_are_refused_with_the_reason_on_the_name_field(app, world):
    data = {
        "channel": "online",
        "online-name": "full",
        "online-resident_id": "none",
        "online-address": "village",
    }
    response = post_form(admin_client(app, world), URL, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "姓名：网上公示必须遮挡姓名" in page and "未保存" in page
    db.session.expire_all()
    assert policy_for("online").name == "masked"


def test_an_unknown_value_is_refused_not_stored(app, world):
    response = post_form(admin_client(app, world), URL, board_form(address="street"))
    assert response.status_code == 200
    assert "脱敏规则" in response.get_data(as_text=True)
    db.session.expire_all()
    assert policy_for("board").address == "village_group"


def test_only_the_administrator_may_open_the_policy_page(app, world):
    for user in (world.clerk_a, world.reviewer_a, world.county_officer):
        client = app.test_client()
        login(client, user.username)
        assert client.get(URL).status_code == 403


def test_the_online_channel_never_shows_any_part_of_an_id(world):
    import pytest

    from noticeboard.core.errors import ValidationFailed
    from noticeboard.masking.services import policy_for, set_policy

    with pytest.raises(ValidationFailed, match="网上公示不得显示身份证号"):
        set_policy(world.admin, "online", {"name": "masked", "resident_id": "6+4"})
    assert policy_for("online").resident_id == "none"
    assert set_policy(world.admin, "board", {"resident_id": "6+4"}).resident_id == "6+4"
