"""The staff statistics pages and their exports show the figures worked out by hand."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from tests.conftest import login
from tests.portal.helpers import travel
from tests.statistics.history import JUNE, JUNE_TOWNSHIP_A, build


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _county_page(app, world, factory, path):
    build(world, factory)
    client = app.test_client()
    with travel(date(2026, 11, 20)):
        login(client, world.county_officer.username)
        return client.get(path)


def test_the_county_page_shows_june_by_township_with_its_trend(app, world, factory):
    page = _county_page(app, world, factory, "/staff/statistics/?month=2026-06")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "示范县2026年6月分地区统计" in text
    assert "新店镇" in text and "城关街道" in text
    assert "2,260.00" in text  # 低保金 of the county and of 新店镇
    assert "1,620.00" in text  # 特困
    assert "6,880.00" in text  # 2260 + 1620 + 3000, the month's total
    assert text.count("<svg") >= 2 and "近 12 个月趋势" in text
    assert "<script" not in text.split("<body", 1)[1] or "staff.js" in text


def test_the_trend_beside_the_table_gives_each_month_its_figures(app, world, factory):
    # The trend is read alongside the month's table (core/alongside.py), by another thread.
    page = _county_page(app, world, factory, "/staff/statistics/?month=2026-10")
    trend = page.get_data(as_text=True).split("近 12 个月趋势（示范县）", 1)[1]
    rows = {
        cells[0]: cells[1:]
        for row in re.findall(r"<tr>(.*?)</tr>", trend, re.S)
        if (cells := [c.strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)])
    }
    # 低保 households and persons, 特困 persons, 临时救助, the month's total in yuan.
    assert rows["2026-06"] == ["2", "3", "1", "1", "6,880.00"]
    assert rows["2026-08"] == ["2", "3", "1", "0", "3,520.00"]  # 1900 + 1620
    assert rows["2026-10"] == ["1", "2", "1", "0", "2,620.00"]  # b ended with September
    assert rows["2025-11"] == ["0", "0", "0", "0", "0.00"]


def test_the_month_export_in_xlsx_and_csv_holds_the_figures_by_hand(app, world, factory):
    build(world, factory)
    client = app.test_client()
    with travel(date(2026, 11, 20)):
        login(client, world.county_officer.username)
        book = client.get(f"/staff/statistics/month.xlsx?region={world.county.id}&month=2026-06")
        text = client.get(f"/staff/statistics/month.csv?region={world.county.id}&month=2026-06")
    assert book.status_code == 200 and text.status_code == 200
    sheet = load_workbook(io.BytesIO(book.data)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    households, persons, amount, ytd = JUNE["dibao"]
    assert rows["合计"][1:4] == (households, persons, float(amount))
    assert rows["新店镇"][1:4] == (2, 3, float(JUNE_TOWNSHIP_A["dibao"][2]))
    assert rows["合计"][5:9] == (1, 1620.0, 1, 3000.0)
    lines = {line[0]: line for line in _csv(text)}
    assert lines["合计"][1:4] == [str(households), str(persons), str(amount)]
    assert Decimal(lines["合计"][11]) == ytd + JUNE["tekun"][3] + JUNE["linshi"][3]


def test_a_township_sees_its_villages_and_not_another_township(app, world, factory):
    build(world, factory)
    client = app.test_client()
    with travel(date(2026, 11, 20)):
        login(client, world.clerk_a.username)
        own = client.get("/staff/statistics/?month=2026-06").get_data(as_text=True)
        other = client.get(f"/staff/statistics/?region={world.township_b.id}")
        county = client.get(f"/staff/statistics/?region={world.county.id}")
    assert "东风村" in own and "红星村" in own and "城关街道" not in own
    assert other.status_code == 404 and county.status_code == 404


def test_a_month_typed_wrong_is_named_and_this_month_shown(app, world, factory):
    client = app.test_client()
    with travel(date(2026, 11, 20)):
        login(client, world.county_officer.username)
        page = client.get("/staff/statistics/?month=2026-13").get_data(as_text=True)
        future = client.get("/staff/statistics/?month=2030-01").get_data(as_text=True)
    assert "统计月份：请按 2026-10 的格式填写月份" in page and "2026年11月" in page
    assert "不能是将来的月份" in future


def test_the_annual_summary_says_the_year_in_the_report_s_words(app, world, factory):
    page = _county_page(app, world, factory, "/staff/statistics/annual?year=2026")
    text = page.get_data(as_text=True)
    # November 2026 (the running year): a 1000.00 and c 1620.00 paid; b ended in September.
    # 低保 for the year: a 1360×3 + 1000×5 (Jul–Nov) = 9080; b 900×4 (Jun–Sep) = 3600
    # → 12680 = 1.27万元. 特困 1620×8 (Apr–Nov) = 12960 = 1.30万元. 临时救助 3000 = 0.30万元.
    assert "公开发布享受城乡低保1户2人，发放低保金1.27万元；" in text
    assert "实施临时救助1人次，发放临时救助金0.30万元；" in text
    assert "供养特困人员1人，发放供养金1.30万元。" in text
    assert "收到异议1件，办结1件，其中异议成立0件。" in text
    client = app.test_client()
    with travel(date(2026, 11, 20)):
        login(client, world.county_officer.username)
        exported = client.get("/staff/statistics/annual.csv?year=2026")
    lines = {line[0]: line[1] for line in _csv(exported)}
    assert lines["低保全年发放金额（元）"] == "12680.00"
    assert "发放低保金1.27万元" in lines["年度报告"]
