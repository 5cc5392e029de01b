"""The region tree: levels, paths, the admin page and the CLI."""

import pytest
from sqlalchemy import func, select

from noticeboard.core.errors import DomainError
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.services import create_region, find_region_by_names, regions_within
from tests.conftest import login, post_form


def test_regions_nest_county_township_village_group(world):
    group = create_region("3组", RegionLevel.GROUP, world.village_a)
    assert group.full_name == "示范县新店镇东风村3组"
    assert world.township_a.contains(group) and not world.township_b.contains(group)
    assert group.ancestor(RegionLevel.TOWNSHIP).id == world.township_a.id


def test_a_level_cannot_be_skipped(world):
    with pytest.raises(DomainError, match="村/社区的上级必须是乡镇/街道"):
        create_region("飞地村", RegionLevel.VILLAGE, world.county)


def test_names_are_unique_under_one_parent(world):
    with pytest.raises(DomainError, match="“东风村”已存在"):
        create_region("东风村", RegionLevel.VILLAGE, world.township_a)
    assert create_region("东风村", RegionLevel.VILLAGE, world.township_b).name == "东风村"


def test_regions_within_a_township(world):
    names = {r.name for r in regions_within(world.township_a, RegionLevel.VILLAGE)}
    assert names == {"东风村", "红星村"}


def test_admin_adds_a_village_on_the_page(app, world):
    client = app.test_client()
    login(client, "admin")
    response = post_form(
        client,
        "/staff/admin/regions/",
        {
            "parent_id": str(world.township_b.id),
            "level": "village",
            "name": "西湖村",
            "phone": "",
        },
    )
    assert response.status_code == 302
    assert find_region_by_names("示范县", "城关街道", "西湖村") is not None
    page = client.get("/staff/admin/regions/").get_data(as_text=True)
    assert "西湖村" in page


def test_cli_adds_regions_by_name_path(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["regions", "add", "青山村", "--level", "village", "--parent", "示范县/新店镇"]
    )
    assert result.exit_code == 0, result.output
    assert "示范县新店镇青山村" in result.output
    result = runner.invoke(
        args=["regions", "add", "青山村", "--level", "village", "--parent", "示范县/不存在镇"]
    )
    assert result.exit_code != 0 and "不存在" in result.output


def test_cli_refuses_a_supervision_phone_that_is_not_a_phone(app):
    """The phone is printed on every notice: the command line gets the page's rule."""
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["regions", "add", "测试县", "--level", "county", "--phone", "not-a-phone"]
    )
    assert result.exit_code != 0
    assert "监督电话" in result.output
    assert db.session.scalar(select(func.count()).select_from(Region)) == 0
    result = runner.invoke(
        args=["regions", "add", "测试县", "--level", "county", "--phone", "0591-87650000"]
    )
    assert result.exit_code == 0, result.output
    assert find_region_by_names("测试县").phone == "0591-87650000"
