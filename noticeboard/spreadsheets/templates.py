"""The downloadable import template of each program (导入模板): the header row, drop-down
lists for every enumeration, ID columns formatted as text, and a sheet 填写说明 explaining
every column with an example."""

import io
from functools import cache

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from noticeboard.cases.models import Program
from noticeboard.spreadsheets.reading import HEADERS
from noticeboard.spreadsheets.rows import CHOICES, PROGRAM_COLUMNS, REQUIRED

TEXT_COLUMNS = ("head_id_number", "id_number", "phone", "group_name")
TEMPLATE_ROWS = 2000  # rows given the drop-downs and the text format
# What each column holds and an example, for the 填写说明 sheet.
EXPLAINED = {
    "village": ("所属村或社区，须与系统中的名称一致", "东风村"),
    "group_name": ("村民小组，可不填", "3组"),
    "head_id_number": ("户主的身份证号；同一户的每一行都填户主的号码", "350181195603120017"),
    "name": ("本行这个人的姓名", "张三丰"),
    "id_number": (
        "本行这个人的 18 位身份证号（该列已设为文本，请勿改为数字）",
        "350181195603120017",
    ),
    "relation": ("户主本人填“户主”，成员填与户主的关系", "户主"),
    "covered": ("该成员是否纳入保障（是/否），不填视为“是”", "是"),
    "persons_covered": ("户主一行填本户保障人数，可不填；填了须与各行一致", "2"),
    "phone": ("手机号或带区号的座机号，可不填", "13800138000"),
    "address": ("详细地址，可不填（不公示）", "东风村3组12号"),
    "dibao_area": ("城市或农村", "农村"),
    "dibao_category": ("分类施保的类别，可不填", "A类"),
    "monthly_amount": ("本户每月保障金额（元），最多两位小数", "1360.00"),
    "benefit_start": ("在保对象开始享受的月份（导入“新申请”时不填）", "2024-03"),
    "tekun_mode": ("分散供养或集中供养", "分散供养"),
    "self_care": ("全自理、半护理或全护理", "半护理"),
    "basic_amount": ("每月基本生活标准（元）", "1170.00"),
    "care_amount": ("每月照料护理标准（元），可填 0", "450.00"),
    "linshi_type": ("急难型或支出型", "急难型"),
    "reason_category": ("救助事由", "火灾"),
    "amount": ("本次救助金额（元）", "3000.00"),
    "paid_on": ("发放日期", "2026-11-02"),
}


@cache  # the same for every township and day: built once per process (100–400 ms each)
def template(program: Program) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{program.label}名单"
    names = PROGRAM_COLUMNS[program]
    bold = Font(bold=True)
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(1, index, HEADERS[name][0])
        cell.font = bold
        sheet.column_dimensions[letter].width = 21 if name in TEXT_COLUMNS else 14
        if name in TEXT_COLUMNS:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row, index).number_format = "@"
        if name in CHOICES:
            listed = CHOICES[name]
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(listed) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=HEADERS[name][0],
                error="请从下拉列表中选择：" + "、".join(listed),
            )
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("填写说明")
    guide.append(["列名", "必填", "说明", "示例", "也认的列名"])
    for cell in guide[1]:
        cell.font = bold
    for name in names:
        said, example = EXPLAINED[name]
        listed = f"（可选：{'、'.join(CHOICES[name])}）" if name in CHOICES else ""
        guide.append(
            [
                HEADERS[name][0],
                "是" if name in REQUIRED[program] else "",
                said + listed,
                example,
                "、".join(HEADERS[name][1:]),
            ]
        )
    for letter, width in zip("ABCDE", (16, 6, 60, 22, 40), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
