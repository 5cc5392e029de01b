"""Workbooks and CSV files built the way townships' files look, for the import tests."""

import csv
import io

import openpyxl
import pytest

from tests.factories import resident_id

DIBAO_HEADER = [
    "村/社区", "组", "户主身份证号", "姓名", "身份证号", "与户主关系", "纳入保障", "保障人数",
    "联系电话", "城乡类别", "保障类别", "月保障金额", "享受起始年月",
]  # fmt: skip


def dibao_rows(households: int, village: str = "东风村", members: int = 1) -> list[list]:
    """`households` 低保 households of 1 + `members` persons, one row per person."""
    rows = []
    for number in range(households):
        head = resident_id("19600101")
        rows.append(
            [village, "3组", head, f"张{'一二三四五六七八九十'[number % 10]}丰", head, "户主",
             "是", 1 + members, "13800138000", "农村", "A类", 1360.0, "2024-03"]
        )  # fmt: skip
        for _ in range(members):
            rows.append(
                [village, "3组", head, "李秀英", resident_id("19620202"), "配偶", "是",
                 None, None, None, None, None, None]
            )  # fmt: skip
    return rows


def xlsx(rows: list[list], header: list | None = None, title: str = "低保名单") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header or DIBAO_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], header: list | None = None, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or DIBAO_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def township_a(world):
    return world.township_a
