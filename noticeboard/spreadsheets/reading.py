"""Reading an uploaded .xlsx or .csv into rows of raw cell values, columns found by header.

Everything here is about the file: what kind it is, whether it is safe to open, where the
header is, which column is which, and what Excel did to the cells (hidden rows, merged
cells). Whether a value is valid is the cases' rules' business (spreadsheets.rows).
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import openpyxl
from openpyxl.utils import range_boundaries

from noticeboard.core.errors import DomainError

# The header of every column we read, as real files spell it: our template first, then the
# national system's exports and townships' own sheets. Compared after _header_key.
HEADERS: dict[str, tuple[str, ...]] = {
    "village": (
        "村/社区",
        "村",
        "村社区",
        "所属村",
        "所属村/社区",
        "村（社区）",
        "村居",
        "所属村居",
    ),
    "group_name": ("组", "村民小组", "所属组", "小组"),
    "head_id_number": ("户主身份证号", "户主身份证号码", "户主公民身份号码", "户主证件号码"),
    "name": ("姓名", "户主姓名", "成员姓名", "救助对象姓名", "特困人员姓名"),
    "id_number": ("身份证号", "公民身份号码", "身份证号码", "成员身份证号", "证件号码", "身份证"),
    "relation": ("与户主关系", "与户主的关系", "关系"),
    "covered": ("纳入保障", "是否纳入保障", "是否保障对象", "是否享受"),
    "persons_covered": ("保障人数", "享受人数", "家庭保障人数"),
    "phone": ("联系电话", "电话", "手机号", "手机号码", "联系方式"),
    "address": ("详细地址", "地址", "家庭住址", "家庭地址"),
    "dibao_area": ("城乡类别", "城乡", "城乡属性"),
    "dibao_category": ("保障类别", "分类", "低保类别"),
    "monthly_amount": ("月保障金额", "保障金额", "月补助金额", "月救助金额", "月保障金"),
    "benefit_start": ("享受起始年月", "起始年月", "享受起始时间", "享受起始月份", "纳入保障时间"),
    "tekun_mode": ("供养方式",),
    "self_care": ("生活自理能力", "自理能力", "自理情况"),
    "basic_amount": ("基本生活标准", "基本生活费", "基本生活标准（月）"),
    "care_amount": ("照料护理标准", "护理费", "照料护理费"),
    "linshi_type": ("救助类型",),
    "reason_category": ("救助事由", "救助原因"),
    "amount": ("救助金额", "发放金额"),
    "paid_on": ("发放日期", "发放时间"),
}

# Sheets of our own template that hold no rows.
INSTRUCTION_SHEETS = ("填写说明",)
HEADER_SEARCH_ROWS = 10  # a title or a note may sit above the header
# A workbook whose parts unpack to more than this (or far more than its size) is a zip bomb.
UNPACKED_MAX = 512 * 1024 * 1024
UNPACK_RATIO_MAX = 200


class FileRefused(DomainError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Problem:
    """One thing wrong, where Excel shows it: 第 row 行 · column · message."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        return problem_line(self.row, self.column, self.message)


def problem_line(row: int | None, column: str, message: str) -> str:
    """第 N 行 · 列名 · 说明, N being the row number Excel shows."""
    parts = [f"第 {row} 行" if row else "文件", column, message]
    return " · ".join(part for part in parts if part)


@dataclass
class Table:
    """The rows of the sheet that was read, each as {field: raw value}."""

    kind: str  # "xlsx" or "csv"
    sheet: str
    header_row: int
    columns: dict[str, tuple[int, str]]  # field → (0-based column, header as in the file)
    extra_columns: list[str]
    rows: list[tuple[int, dict]]  # (row number Excel shows, {field: raw value})
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def label(self, name: str) -> str:
        """The column's header as the file spells it (what the clerk looks for)."""
        return self.columns[name][1] if name in self.columns else HEADERS[name][0]


def _header_key(text) -> str:
    """户主身份证号（必填）*, ' 姓 名 ' and 姓名 are the same column."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = re.sub(r"\(.*?\)$", "", text.strip())  # NFKC made （） into ()
    return re.sub(r"[\s*＊:：]", "", text)


_VARIANTS = {_header_key(v): name for name, variants in HEADERS.items() for v in variants}


def read_table(filename: str, content: bytes, max_rows: int) -> Table:
    """The rows of the first sheet with data; FileRefused when the file cannot be read."""
    kind = sniff(filename, content)
    raw_rows, notes, hidden, merged, sheet = (
        _xlsx_rows(content, max_rows) if kind == "xlsx" else _csv_rows(content, max_rows)
    )
    header_row, header = _find_header(raw_rows)
    columns: dict[str, tuple[int, str]] = {}
    extra = []
    for index, text in enumerate(header):
        shown = str(text).strip() if text is not None else ""
        if not shown:
            continue
        name = _VARIANTS.get(_header_key(shown))
        if name is None or name in columns:
            extra.append(shown)
        else:
            columns[name] = (index, shown)
    rows = []
    for number, values in raw_rows:
        if number <= header_row or all(_blank(v) for v in values):
            continue  # above the header, or empty (trailing empty rows are common)
        rows.append(
            (number, {n: values[i] if i < len(values) else None for n, (i, _) in columns.items()})
        )
    table = Table(kind, sheet, header_row, columns, extra, rows, notes=notes)
    by_index = {i: shown for i, shown in columns.values()}
    data_rows = {number for number, _ in rows}
    for number in sorted(hidden & data_rows):
        table.problems.append(
            Problem(number, "", "此行在 Excel 中被隐藏：请取消隐藏后核对，不需要导入的行请删除")
        )
    for ref, first, last, column in merged:
        if last <= header_row:
            continue
        table.problems.append(
            Problem(
                max(first, header_row + 1),
                by_index.get(column, ""),
                f"合并单元格（{ref}）：请取消合并，并在每一行填写完整",
            )
        )
    return table


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(raw_rows: list[tuple[int, list]]) -> tuple[int, list]:
    best = None
    for number, values in raw_rows[:HEADER_SEARCH_ROWS]:
        known = {_VARIANTS.get(_header_key(v)) for v in values if not _blank(v)} - {None}
        if len(known) >= 2 and (best is None or len(known) > best[0]):
            best = (len(known), number, values)
    if best is None:
        raise FileRefused(
            "找不到表头：前 10 行中没有“姓名”“身份证号”等列名。请使用下载的导入模板，"
            "或把列名放在第一行"
        )
    return best[1], best[2]


def sniff(filename: str, content: bytes) -> str:
    """ "xlsx" or "csv", by what the bytes are (a renamed file is told by its content)."""
    name = (filename or "").lower()
    if content.startswith(b"PK\x03\x04"):
        _check_workbook_zip(name, content)
        return "xlsx"
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            "这是 Excel 97-2003 格式（.xls）或旧版 Office 文件：请在 Excel 中“另存为”"
            "Excel 工作簿（.xlsx）后再上传"
        )
    for magic, what in (
        (b"\x89PNG", "图片"),
        (b"\xff\xd8\xff", "图片"),
        (b"GIF8", "图片"),
        (b"%PDF", "PDF 文件"),
        (b"Rar!", "压缩包"),
        (b"7z\xbc\xaf", "压缩包"),
    ):
        if content.startswith(magic):
            raise FileRefused(f"这是{what}，不是表格：请上传 .xlsx 工作簿或 .csv 文件")
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise FileRefused("只能导入 .xlsx 工作簿或 .csv 文件：请在 Excel 中另存为 .xlsx 后上传")


def _check_workbook_zip(name: str, content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRefused("文件已损坏，无法打开：请在 Excel 中打开后重新保存为 .xlsx") from None
    names = {e.filename for e in entries}
    if "word/document.xml" in names:
        raise FileRefused("这是 Word 文档（改了扩展名），不是 Excel 工作簿：请上传 .xlsx 文件")
    if any(n.startswith("ppt/") for n in names):
        raise FileRefused("这是 PowerPoint 文件，不是 Excel 工作簿：请上传 .xlsx 文件")
    if "xl/workbook.xml" not in names:
        raise FileRefused("这不是 Excel 工作簿（.xlsx）：请在 Excel 中另存为 .xlsx 后上传")
    if name.endswith(".xlsm") or "xl/vbaProject.bin" in names:
        raise FileRefused(
            "这是含宏的工作簿（.xlsm）：为安全起见不导入宏文件，请另存为 Excel 工作簿（.xlsx）"
        )
    unpacked = sum(e.file_size for e in entries)
    if unpacked > UNPACKED_MAX or unpacked > UNPACK_RATIO_MAX * max(len(content), 1):
        raise FileRefused("文件解压后异常巨大（疑似压缩炸弹），已拒绝：请上传正常保存的 .xlsx")


def _xlsx_rows(content: bytes, max_rows: int):
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds (KeyError, XML errors) on a broken file
        raise FileRefused("文件已损坏，无法打开：请在 Excel 中打开后重新保存为 .xlsx") from None
    notes = []
    sheets = [s for s in book.worksheets if s.title not in INSTRUCTION_SHEETS]
    for sheet in sheets:
        if sheet.sheet_state != "visible":
            notes.append(
                f"工作表“{sheet.title}”是隐藏的，未读取：如其中有要导入的数据，"
                "请取消隐藏并放到第一个工作表"
            )
    visible = [s for s in sheets if s.sheet_state == "visible"]
    sheet = data_sheet(book)
    if len(visible) > 1:
        notes.append(
            f"只读取了第一个工作表“{sheet.title}”；其余工作表（"
            + "、".join(s.title for s in visible[1:])
            + "）未读取"
        )
    hidden, merged = _hidden_and_merged(sheet)
    sheet.reset_dimensions()  # some programs write a wrong <dimension>; read every row
    rows = []
    try:
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            if any(not _blank(v) for v in values):
                rows.append((number, list(values)))
                if len(rows) > max_rows + 1:
                    raise _too_many(max_rows)
    except FileRefused:
        raise
    except Exception:
        raise FileRefused("文件已损坏，无法读取其中的数据：请在 Excel 中打开后重新保存") from None
    finally:
        book.close()
    return rows, notes, hidden, merged, sheet.title


def data_sheet(book):
    """The sheet that is read: the first visible one that is not our instructions."""
    for sheet in book.worksheets:
        if sheet.title not in INSTRUCTION_SHEETS and sheet.sheet_state == "visible":
            return sheet
    raise FileRefused("工作簿中没有可读取的工作表")


ROW_TAG = re.compile(rb"<(?:\w+:)?row\b[^>]*>")
HIDDEN = re.compile(rb"""\bhidden=["'](?:1|true)["']""")
ROW_NUMBER = re.compile(rb"""\br=["'](\d+)["']""")
MERGE_TAG = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*\bref=["']([A-Z]+[0-9]+:[A-Z]+[0-9]+)["']""")


def _hidden_and_merged(sheet) -> tuple[set[int], list[tuple[str, int, int, int]]]:
    """Hidden rows and merged ranges, which the read-only reader does not give: a scan of
    the sheet's XML for the two tags, a megabyte at a time (a full XML parse took as long
    as reading the cells). A tag holds no "<", so every tag before a chunk's last "<" is
    whole."""
    hidden: set[int] = set()
    merged = []
    source = sheet._get_source()
    pending = b""
    try:
        while True:
            chunk = source.read(1 << 20)
            text = pending + chunk
            cut = text.rfind(b"<") if chunk else len(text)
            cut = len(text) if cut <= 0 else cut
            scanned, pending = text[:cut], text[cut:]
            for tag in ROW_TAG.finditer(scanned):
                if HIDDEN.search(tag.group(0)) and (number := ROW_NUMBER.search(tag.group(0))):
                    hidden.add(int(number.group(1)))
            for match in MERGE_TAG.finditer(scanned):
                ref = match.group(1).decode()
                min_col, min_row, _, max_row = range_boundaries(ref)
                merged.append((ref, min_row, max_row, min_col - 1))
            if not chunk:
                return hidden, merged
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused("文件已损坏，无法读取其中的数据：请在 Excel 中打开后重新保存") from None
    finally:
        source.close()


def _too_many(max_rows: int) -> FileRefused:
    return FileRefused(
        f"文件超过 {max_rows:,} 行的上限：请分成几个文件分别导入（上限可由管理员调整）"
    )


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, which Excel writes for Chinese CSV."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("CSV 文件的编码无法识别：请在 Excel 中另存为“CSV UTF-8”或 .xlsx")


def _csv_rows(content: bytes, max_rows: int):
    text = decode_csv(content)
    if "\x00" in text:
        raise FileRefused("这不是文本格式的 CSV 文件：请上传 .xlsx 工作簿或 .csv 文件")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((reader.line_num, values))
                if len(rows) > max_rows + 1:
                    raise _too_many(max_rows)
    except csv.Error:
        raise FileRefused("CSV 文件格式有误（引号不成对等），请在 Excel 中重新保存") from None
    return rows, [], set(), [], "CSV"
