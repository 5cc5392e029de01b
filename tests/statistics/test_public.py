"""The public statistics page, its CSV and the open-data API: the figures worked out by hand,
and no cell small enough to single out a household."""

import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest

from noticeboard.cases.models import Program
from noticeboard.statistics.figures import Cell, Figures, MonthReport
from noticeboard.statistics.suppression import public_rows
from tests.portal.helpers import travel
from tests.statistics.history import JUNE, JUNE_TOWNSHIP_A, build


@pytest.fixture
def threshold(app):
    before = app.config["STATS_SUPPRESS_BELOW"]
    yield lambda value: app.config.__setitem__("STATS_SUPPRESS_BELOW", value)
    app.config["STATS_SUPPRESS_BELOW"] = before


def _get(client, path):
    with travel(date(2026, 11, 20)):
        return client.get(path)


def test_page_csv_and_api_show_june_as_worked_out_by_hand(app, world, factory, threshold):
    build(world, factory)
    threshold(1)  # nothing suppressed: the figures themselves
    client = app.test_client(use_cookies=False)
    page = _get(client, "/statistics?month=2026-06")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert page.headers["Cache-Control"].startswith("public")
    text = page.get_data(as_text=True)
    assert "示范县2026年6月分乡镇（街道）社会救助情况" in text
    assert "2,260.00" in text and "1,620.00" in text and "3,000.00" in text

    lines = list(csv.reader(io.StringIO(_get(client, "/statistics.csv?month=2026-06")
                                        .get_data(as_text=True).lstrip("\ufeff"))))  # fmt: skip
    rows = {line[0]: line for line in lines[1:]}
    households, persons, amount, ytd = JUNE["dibao"]
    assert rows["示范县合计"][1:4] == [str(households), str(persons), str(amount)]
    assert rows["示范县合计"][4:8] == ["1", "1620.00", "1", "3000.00"]
    assert rows["新店镇"][1:4] == ["2", "3", str(JUNE_TOWNSHIP_A["dibao"][2])]

    body = _get(client, "/api/v1/statistics?month=2026-06").get_json()
    assert body["month"] == "2026-06" and body["region"]["name"] == "示范县"
    assert body["programs"]["dibao"] == {
        "households": households, "persons": persons, "amount": str(amount),
        "amount_year_to_date": str(ytd),
    }  # fmt: skip
    assert [r["region"]["name"] for r in body["regions"]] == ["新店镇", "城关街道"]
    one = _get(client, f"/api/v1/statistics?month=2026-06&region={world.township_a.id}"
                       "&program=dibao").get_json()  # fmt: skip
    assert one["programs"] == {"dibao": {"households": 2, "persons": 3, "amount": "2260.00",
                                         "amount_year_to_date": "4980.00"}}  # fmt: skip
    assert one["regions"] == []


def test_small_cells_are_suppressed_on_the_page_and_in_the_api(app, world, factory, threshold):
    build(world, factory)
    threshold(2)
    client = app.test_client(use_cookies=False)
    body = _get(client, "/api/v1/statistics?month=2026-06").get_json()
    assert body["suppressed_below"] == 2
    by_name = {r["region"]["name"]: r["programs"] for r in body["regions"]}
    # 低保: 新店镇 2 households, shown; 城关街道 none (a zero singles nobody out)
    assert by_name["新店镇"]["dibao"]["households"] == 2
    assert body["programs"]["dibao"]["households"] == 2
    # 特困: one person in 城关街道 alone: the row, and the total that would give it away
    assert by_name["城关街道"]["tekun"] is None and body["programs"]["tekun"] is None
    assert by_name["新店镇"]["linshi"] is None and body["programs"]["linshi"] is None
    # asked for alone, a township hides what the county's table hides
    alone = _get(client, f"/api/v1/statistics?month=2026-06&region={world.township_b.id}")
    assert alone.get_json()["programs"]["tekun"] is None
    page = _get(client, "/statistics?month=2026-06").get_data(as_text=True)
    assert "1,620.00" not in page and "3,000.00" not in page and "2,260.00" in page
    csv_text = _get(client, "/statistics.csv?month=2026-06").get_data(as_text=True)
    assert "1620.00" not in csv_text and "3000.00" not in csv_text


def _figures(region_id: int, households: int) -> Figures:
    region = SimpleNamespace(id=region_id, name=f"镇{region_id}", level="township")
    figures = Figures(region)
    figures.programs[Program.DIBAO] = Cell(households, households * 2, households * 100000)
    return figures


def test_one_small_row_takes_the_next_smallest_with_it():
    rows = [_figures(1, 5), _figures(2, 1), _figures(3, 4), _figures(4, 0)]
    total = _figures(9, 10)
    shown = public_rows(MonthReport(total.region, date(2026, 6, 1), rows, total), below=3)
    dibao = [row.cells[Program.DIBAO] for row in shown]
    assert [cell and cell.households for cell in dibao] == [5, None, None, 0, 10]


def test_two_small_rows_are_suppressed_alone():
    rows = [_figures(1, 5), _figures(2, 1), _figures(3, 2)]
    total = _figures(9, 8)
    shown = public_rows(MonthReport(total.region, date(2026, 6, 1), rows, total), below=3)
    assert [r.cells[Program.DIBAO] and r.cells[Program.DIBAO].households for r in shown] == [
        5, None, None, 8,
    ]  # fmt: skip


def test_bad_months_and_regions_get_clear_answers(app, world):
    client = app.test_client(use_cookies=False)
    page = _get(client, "/statistics?month=2026-99").get_data(as_text=True)
    assert "统计月份：请按 2026-10 的格式填写月份" in page
    bad = _get(client, "/api/v1/statistics?month=2026-99")
    assert bad.status_code == 400 and "month" in bad.get_json()["error"]
    assert _get(client, f"/api/v1/statistics?region={world.village_a.id}").status_code == 404
    assert _get(client, "/api/v1/statistics?region=abc").status_code == 404
    assert _get(client, "/api/v1/statistics?program=nope").status_code == 400
