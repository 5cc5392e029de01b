"""Exporting lists as .xlsx and CSV: the case list with its filters, a notice's rows (a
village roster is one), the approval queue. Each stays in the user's scope, needs a stated
purpose and is recorded with it (audit log and access log): they carry personal data."""

import csv
import io
from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from noticeboard.audit import services as audit
from noticeboard.audit.access import record_access
from noticeboard.audit.models import AccessKind, AuditAction
from noticeboard.cases.models import (
    DIBAO_AREAS,
    LINSHI_TYPES,
    SELF_CARE_LEVELS,
    TEKUN_MODES,
    Case,
    Program,
)
from noticeboard.cases.search import CaseFilter, case_query
from noticeboard.core.dates import local_today
from noticeboard.core.exports import Column, typed_value, write_xlsx
from noticeboard.core.validation import clean_reason
from noticeboard.extensions import db
from noticeboard.masking.models import Channel
from noticeboard.notices.approval import approval_queue, with_cases
from noticeboard.notices.snapshots import snapshot_of
from noticeboard.notices.state import get_notice
from noticeboard.spreadsheets.annotated import annotated
from noticeboard.spreadsheets.imports import get_import
from noticeboard.spreadsheets.reading import HEADERS
from noticeboard.spreadsheets.safe import neutralise_csv

FORMATS = ("xlsx", "csv")
# What the notice and approval exports show of people: names (and amounts), no identifiers;
# the case list and an annotated upload: everything (audit.models.ACCESS_FIELDS).
NAMES = ["name"]
IN_FULL = [*NAMES, "id_number", "member_id_numbers", "phone", "address"]
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def clean_purpose(value) -> str:
    """Why personal data leaves the system (《个人信息保护法》: a stated purpose, kept)."""
    return clean_reason(
        value, "purpose", "导出用途", "请写明本次导出的用途，如“核对本月低保名单”", 2, 200
    )


@dataclass
class Export:
    filename: str
    content: bytes
    mimetype: str
    rows: int


# The case list in the import's layout (one row per person of a 低保 household), so an
# exported file can be checked against the system by importing it.
CASE_COLUMNS = [
    Column(HEADERS["village"][0], width=14),
    Column(HEADERS["group_name"][0], width=8),
    Column(HEADERS["head_id_number"][0], width=21),
    Column(HEADERS["name"][0], width=12),
    Column(HEADERS["id_number"][0], width=21),
    Column(HEADERS["relation"][0], width=10),
    Column(HEADERS["covered"][0], width=8),
    Column(HEADERS["persons_covered"][0], "int", 8),
    Column(HEADERS["phone"][0], width=14),
    Column(HEADERS["address"][0], width=24),
    Column(HEADERS["dibao_area"][0], width=8),
    Column(HEADERS["dibao_category"][0], width=8),
    Column(HEADERS["monthly_amount"][0], "money"),
    Column(HEADERS["tekun_mode"][0], width=10),
    Column(HEADERS["self_care"][0], width=10),
    Column(HEADERS["basic_amount"][0], "money"),
    Column(HEADERS["care_amount"][0], "money"),
    Column(HEADERS["linshi_type"][0], width=10),
    Column(HEADERS["reason_category"][0], width=14),
    Column(HEADERS["amount"][0], "money"),
    Column(HEADERS["paid_on"][0], "date"),
    Column(HEADERS["benefit_start"][0], "month"),
    Column("项目", width=10),
    Column("状态", width=8),
    Column("案件编号", width=14),
]


def _case_lines(case: Case) -> list[list]:
    head = [
        case.village.name, case.group_name, None, case.applicant_name, case.applicant_id_number,
        None, None, None, case.applicant_phone, case.address,
        DIBAO_AREAS.get(case.dibao_area or ""), case.dibao_category, case.monthly_amount,
        TEKUN_MODES.get(case.tekun_mode or ""), SELF_CARE_LEVELS.get(case.self_care or ""),
        case.basic_amount, case.care_amount, LINSHI_TYPES.get(case.linshi_type or ""),
        case.reason_category, case.amount, case.paid_on, case.benefit_start,
        case.program.label, case.status.label, case.reference,
    ]  # fmt: skip
    if case.program != Program.DIBAO:
        return [head]
    head[2], head[5], head[6], head[7] = (
        case.applicant_id_number,
        "户主",
        "是",
        case.persons_covered,
    )
    lines = [head]
    for member in case.members:
        line = [None] * len(head)
        line[0], line[1], line[2] = case.village.name, case.group_name, case.applicant_id_number
        line[3], line[4], line[5] = member.name, member.id_number, member.relation
        line[6] = "是" if member.covered else "否"
        line[22], line[23], line[24] = case.program.label, case.status.label, case.reference
        lines.append(line)
    return lines


def export_cases(user, filters: CaseFilter, fmt: str, purpose: str) -> Export:
    """The cases the list shows with these filters (all pages), in the user's scope, with
    every resident ID, phone and address in full."""
    purpose = clean_purpose(purpose)
    query = (
        case_query(user, filters)
        .order_by(Case.id)
        .options(selectinload(Case.members), selectinload(Case.village))
    )
    lines = []
    cases = identifiers = 0
    for case in db.session.scalars(query):
        lines.extend(_case_lines(case))
        cases += 1
        identifiers += 1 + len(case.members)
    described = "、".join(
        part
        for part in (
            Program(filters.program).label if filters.program else "",
            f"状态 {filters.status}" if filters.status else "",
            f"村 {filters.village_id}" if filters.village_id else "",
            "含搜索条件" if filters.q else "",
        )
        if part
    )
    shown = Shown(
        purpose, [*NAMES, "id_number", "member_id_numbers", "phone", "address"], identifiers
    )
    return _finish(user, "案件列表", described or "全部", CASE_COLUMNS, lines, fmt, cases, shown)


def export_notice(user, notice_id: int, fmt: str, purpose: str) -> Export:
    """A published notice's rows as the board copy shows them (staff only): full names,
    masked per the board's policy."""
    purpose = clean_purpose(purpose)
    notice = get_notice(user, notice_id)
    snapshot = snapshot_of(notice, Channel.BOARD)
    columns = [
        Column(
            c["label"], "money" if c.get("align") == "right" and c["key"] != "persons" else "text"
        )
        for c in snapshot["columns"]
    ]
    for column, spec in zip(columns, snapshot["columns"], strict=True):
        if spec["key"] in ("persons", "line"):
            column.kind, column.width = "int", 8
        if spec["key"] in ("name", "address", "resident_id"):
            column.width = 20
    rows = [[row.get(c["key"]) for c in snapshot["columns"]] for row in snapshot["rows"]]
    return _finish(
        user, notice.title, f"公示 {notice.id}（张贴版）", columns, rows, fmt, len(rows),
        Shown(purpose, NAMES), region_id=notice.region_id,
    )  # fmt: skip


APPROVAL_COLUMNS = [
    Column("案件编号", width=14),
    Column("项目", width=8),
    Column("村/社区", width=14),
    Column("姓名/户主", width=12),
    Column("公示期满", "date"),
    Column("月保障金额（元）", "money"),
    Column("能否审批", width=40),
]


def export_approvals(user, fmt: str, purpose: str) -> Export:
    purpose = clean_purpose(purpose)
    ready, waiting = approval_queue(user)
    lines = [
        [
            s.case.reference, s.case.program.label, s.case.village.name, s.case.applicant_name,
            s.notice.end_date if s.notice else None, s.case.listed_amount, s.blocker or "可以审批",
        ]
        for s in with_cases(ready + waiting)
    ]  # fmt: skip
    return _finish(
        user, "审核确认", "待审核确认的案件", APPROVAL_COLUMNS, lines, fmt, len(lines),
        Shown(purpose, NAMES),
    )  # fmt: skip


@dataclass
class Shown:
    """What an export shows of people, for the access log: its purpose, the fields it
    carries in full (audit.models.ACCESS_FIELDS) and how many resident IDs."""

    purpose: str
    fields: list[str]
    identifiers: int = 0


def _finish(
    user, title, described, columns, lines, fmt, count, shown: Shown, region_id=None
) -> Export:
    content = write_xlsx(title, columns, lines) if fmt == "xlsx" else write_csv(columns, lines)
    note = f"导出{title}（{described}）{fmt.upper()}，{count} 条、{len(lines)} 行"
    _record_export(user, note, shown, region_id or user.region_id)
    filename = f"{title}-{local_today():%Y%m%d}.{fmt}"
    return Export(filename, content, MIMETYPES[fmt], len(lines))


def export_annotated(user, import_id: int, purpose: str) -> Export:
    """An upload back with its problems marked (spreadsheets/annotated.py): the file as it
    was uploaded, with every ID, phone and address in it."""
    purpose = clean_purpose(purpose)
    case_import = get_import(user, import_id)
    filename, content = annotated(case_import)
    shown = Shown(purpose, IN_FULL, case_import.rows)
    _record_export(
        user, f"下载导入 {case_import.id} 标注问题的文件", shown, case_import.township_id
    )
    kind = case_import.report["kind"]
    return Export(filename, content, MIMETYPES[kind], case_import.rows)


def _record_export(user, note: str, shown: Shown, region_id: int) -> None:
    """The export in the audit log and the access log, with its purpose; committed before
    the file leaves."""
    audit.record(
        AuditAction.EXPORT,
        "export",
        0,
        user=user,
        region_id=region_id,
        note=f"{note}；用途：{shown.purpose}",
    )
    record_access(
        user,
        AccessKind.EXPORT,
        shown.fields,
        region_id=region_id,
        identifiers=shown.identifiers,
        purpose=shown.purpose,
    )
    db.session.commit()


def write_csv(columns: list[Column], lines: list[list]) -> bytes:
    """UTF-8 with a BOM, which Excel needs to read Chinese CSV; formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.title for c in columns])
    for line in lines:
        writer.writerow(
            [
                "" if v is None else neutralise_csv(str(typed_value(v, c.kind)))
                for c, v in zip(columns, line, strict=True)
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
