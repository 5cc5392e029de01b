"""Finding one's village on the home page: by part of a name, or by pinyin (dfc → 东风村)."""

import statistics
import time

from noticeboard.portal.search import RESULTS_MAX, find_villages, normalise_query, spellings
from noticeboard.regions.models import RegionLevel
from noticeboard.regions.services import create_region


def names(text: str) -> list[str]:
    return [match.name for match in find_villages(text).matches]


def test_pinyin_initials_find_the_village(world):
    assert names("dfc") == ["东风村"]
    assert names("hxc") == ["红星村"]
    assert names("nmsq") == ["南门社区"]


def test_full_pinyin_upper_case_full_width_and_spaces_are_all_understood(world):
    for typed in ("dongfeng", "DongFeng", "dong feng", "ＤＦＣ", " dfc "):
        assert names(typed) == ["东风村"], typed


def test_part_of_a_village_name_finds_it(world):
    assert names("东风") == ["东风村"]
    assert names("社区") == ["南门社区"]


def test_a_township_finds_its_villages_after_villages_named_like_it(world):
    create_region("新店社区", RegionLevel.VILLAGE, world.township_b)
    assert names("新店") == ["新店社区", "东风村", "红星村"]
    assert names("xdz") == ["东风村", "红星村"]  # 新店镇 by its initials


def test_each_reading_of_a_polyphonic_character_finds_the_village(world):
    create_region("长乐村", RegionLevel.VILLAGE, world.township_a)
    assert "长乐村" in names("clc")  # cháng, the usual reading
    assert "长乐村" in names("zlc")  # zhǎng, as some residents will type it
    assert {"changlecun", "clc", "zlc"} <= set(spellings("长乐村"))


def test_nothing_matches_nonsense_and_an_empty_query_finds_nothing(world):
    assert names("qqqq") == []
    assert find_villages("   ").matches == []
    assert normalise_query(" Ｄ f C ") == "dfc"


def test_a_village_added_since_the_last_search_is_found(world):
    assert names("qsc") == []
    create_region("青山村", RegionLevel.VILLAGE, world.township_a)
    assert names("qsc") == ["青山村"]


def test_results_are_capped_and_the_total_is_told(world):
    for i in range(RESULTS_MAX + 5):
        create_region(f"东风{i}村", RegionLevel.VILLAGE, world.township_b)
    result = find_villages("东风")
    assert len(result.matches) == RESULTS_MAX and result.total == RESULTS_MAX + 6


def test_home_page_search_is_a_plain_get_form_that_lists_matching_villages(client, world):
    html = client.get("/").get_data(as_text=True)
    assert '<form method="get" action="/" role="search"' in html and 'name="q"' in html
    html = client.get("/?q=dfc").get_data(as_text=True)
    assert f'href="/villages/{world.village_a.id}"' in html
    assert f'href="/villages/{world.village_a2.id}"' not in html
    assert "找到 1 个村/社区" in html and 'value="dfc"' in html
    html = client.get("/?q=qqqq").get_data(as_text=True)
    assert "没有找到名称或拼音含“qqqq”的村/社区" in html


def test_a_search_among_500_villages_takes_under_50_ms(client, world):
    for t in range(25):
        township = create_region(f"第{t}镇", RegionLevel.TOWNSHIP, world.county)
        for v in range(20):
            create_region(f"东风{t}营{v}村", RegionLevel.VILLAGE, township)
    client.get("/?q=dfc")  # first search: pinyin of every name computed and cached
    times = []
    for _ in range(7):
        start = time.perf_counter()
        assert client.get("/?q=dfc").status_code == 200
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.050, times
