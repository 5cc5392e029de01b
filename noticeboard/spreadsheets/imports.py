"""Importing cases from a spreadsheet: upload and check (a preview, nothing written), then
confirm (every row in one transaction, or none).

在保对象 (recipients approved before the system existed) become active cases and each
village's long-term roster publishes a new version, once a reviewer who did not upload the
file confirms it (maker/checker, as for changes to cases on the roster). 新申请 become
drafts, ready for a 7-day notice; the clerk who checked them imports them.
"""

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from noticeboard.accounts.models import User
from noticeboard.audit import services as audit
from noticeboard.audit.models import AuditAction
from noticeboard.cases.models import NOTICE_PROGRAMS, CaseStatus, Program
from noticeboard.cases.services import add_cases
from noticeboard.cases.standards import standards_in_force
from noticeboard.cases.validation import (
    MemberInput,
    ceiling,
    clean_benefit_start,
    clean_case,
    holders_of,
)
from noticeboard.core.dates import local_today
from noticeboard.core.errors import DomainError, NotFound, ValidationFailed
from noticeboard.core.permissions import Action, can, require
from noticeboard.core.planner import refresh_statistics
from noticeboard.core.types import utcnow
from noticeboard.core.validation import FieldError
from noticeboard.extensions import db
from noticeboard.notices.rosters import publish_roster
from noticeboard.notices.todo import Task, register_tasks
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import chosen_region, scope_clause
from noticeboard.spreadsheets.models import CaseImport, Purpose
from noticeboard.spreadsheets.reading import Problem, Table, read_table
from noticeboard.spreadsheets.rows import CHOICES, FIELD_COLUMNS, Household, households

MEMBER_PART = re.compile(r"家庭成员第 (\d+) 行(姓名|身份证号|与户主关系)?")
MEMBER_COLUMNS = {
    "姓名": "name",
    "身份证号": "id_number",
    "与户主关系": "relation",
    None: "id_number",
}


@dataclass
class Check:
    """What checking a file found; `cleaned` is what confirmation writes when nothing is wrong."""

    table: Table
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, list[int]] = field(default_factory=dict)  # village → [cases, persons]
    cleaned: list[tuple[dict, list[MemberInput]]] = field(default_factory=list)
    benefit_starts: list[date | None] = field(default_factory=list)

    def report(self) -> dict:
        """As kept with the upload, for the preview page and the annotated workbook."""
        return {
            "problems": [[p.row, p.column, p.message] for p in self.problems],
            "notes": self.table.notes,
            "extra_columns": self.table.extra_columns,
            "counts": [[village, *n] for village, n in self.counts.items()],
            "columns": {shown: index for index, shown in self.table.columns.values()},
            "kind": self.table.kind,
            "header_row": self.table.header_row,
            "cases": sum(n[0] for n in self.counts.values()),
        }


def needs_checker(case_import: CaseImport) -> bool:
    """在保对象 of 低保/特困 reach the public roster: a second person confirms them."""
    return case_import.purpose == Purpose.ACTIVE and case_import.program in NOTICE_PROGRAMS


def limits() -> tuple[int, int]:
    return current_app.config["IMPORT_MAX_BYTES"], current_app.config["IMPORT_MAX_ROWS"]


def upload(user, township_id, program, purpose, filename: str, content: bytes) -> CaseImport:
    """Keep the file and what its check found; nothing is imported yet."""
    require(user, Action.EDIT_CASES)
    township = chosen_region(user, township_id, (RegionLevel.TOWNSHIP,), "乡镇", "township_id")
    if program not in set(Program):
        raise ValidationFailed({"program": ["项目：请从列表中选择"]})
    if purpose not in set(Purpose):
        raise ValidationFailed({"purpose": ["导入类型：请选择“在保对象”或“新申请”"]})
    max_bytes, max_rows = limits()
    if not content:
        raise ValidationFailed({"file": ["文件：请选择要上传的 .xlsx 或 .csv 文件"]})
    if len(content) > max_bytes:
        raise ValidationFailed(
            {"file": [f"文件：超过 {max_bytes // (1024 * 1024)} MB 的上限，请分成几个文件上传"]}
        )
    sha256 = hashlib.sha256(content).hexdigest()
    earlier = db.session.scalar(select(CaseImport).where(CaseImport.sha256 == sha256))
    if earlier is not None:
        state = "已导入" if earlier.is_imported else "未导入"
        raise ValidationFailed(
            {
                "file": [
                    f"文件：同一文件已于 {earlier.created_at:%Y-%m-%d} 上传过"
                    f"（导入 {earlier.id} 号，{state}），不能重复上传；"
                    "如已修改，请保存后再上传修改后的文件"
                ]
            }
        )
    table = read_table(filename, content, max_rows)
    check = check_table(user, township, Program(program), Purpose(purpose), table)
    case_import = CaseImport(
        township=township,
        program=Program(program),
        purpose=Purpose(purpose),
        # Old browsers send the whole path (C:\Users\…\名单.xlsx): the name is its last part.
        filename=(re.split(r"[\\/]", filename or "")[-1] or "未命名")[-200:],
        sha256=sha256,
        content=content,
        report=check.report(),
        rows=len(table.rows),
        problems=len(check.problems),
        created_by_id=user.id,
    )
    db.session.add(case_import)
    db.session.commit()
    return case_import


def check_table(user, township: Region, program: Program, purpose: Purpose, table: Table) -> Check:
    """Every row through the cases' own rules, plus what only the whole file shows: the same
    person twice, a village of another township or none, a person already in a case."""
    check = Check(table, problems=list(table.problems))
    found = households(program, table, check.problems)
    # Held until the end: the session keeps loaded rows only while something refers to
    # them, and clean_case looks each village up again.
    villages = _place_villages(township, found, table, check.problems)
    _same_person_twice(found, table, check.problems)
    ids = [h.data["applicant_id_number"] for h in found]
    ids += [m["id_number"] for h in found for m in h.data.get("members", [])]
    holders = holders_of([i for i in ids if i])
    active = purpose == Purpose.ACTIVE and program in NOTICE_PROGRAMS
    limit = ceiling(program)
    in_force = standards_in_force(township.parent_id, local_today())
    for household in found:
        start = None
        if active:
            try:
                start = clean_benefit_start(household.benefit_start, table.label("benefit_start"))
            except FieldError as error:
                check.problems.append(
                    Problem(household.row, table.label("benefit_start"), _said(str(error)))
                )
        try:
            values, members = clean_case(
                user, program, household.data, holders=holders, limit=limit, in_force=in_force
            )
        except DomainError as error:
            check.problems.extend(_problems_of(error, household, table))
            continue
        check.cleaned.append((values, members))
        check.benefit_starts.append(start)
        counts = check.counts.setdefault(household.village_name, [0, 0])
        counts[0] += 1
        counts[1] += 1 + len(members)
    check.problems = _first_per_cell(check.problems)
    del villages
    return check


def _place_villages(
    township: Region, found: list[Household], table: Table, problems
) -> list[Region]:
    """Village names → villages of the township; another township's, or a name that is
    nobody's, is named with what to do."""
    villages = db.session.scalars(
        select(Region).where(Region.level == RegionLevel.VILLAGE, Region.parent_id == township.id)
    ).all()
    by_name = {v.name: v for v in villages}
    county = township.ancestor(RegionLevel.COUNTY) or township
    elsewhere = {
        v.name: v.ancestor(RegionLevel.TOWNSHIP)
        for v in db.session.scalars(
            select(Region)
            .where(Region.level == RegionLevel.VILLAGE, Region.path.startswith(county.path))
            .where(Region.parent_id != township.id)
        )
    }
    label = table.label("village")
    for household in found:
        name = household.village_name.removeprefix(township.name)
        household.village_name = name
        if name in by_name:
            household.data["village_id"] = by_name[name].id
            continue
        household.data["village_id"] = None
        if not name:
            message = "请填写村或社区名称"
        elif name in elsewhere:
            other = elsewhere[name]
            message = (
                f"“{name}”属于{other.name if other else '其他乡镇'}，不在本次导入的"
                f"{township.name}范围内：请只导入{township.name}的村或社区"
            )
        else:
            close = difflib.get_close_matches(name, list(by_name), n=3, cutoff=0.5)
            hint = f"，是否是：{'、'.join(close)}？" if close else ""
            message = f"{township.name}没有叫“{name}”的村或社区{hint}（村名须与系统中的一致）"
        problems.append(Problem(household.row, label, message))
    return villages


def _same_person_twice(found: list[Household], table: Table, problems) -> None:
    label = table.label("id_number")
    first: dict[str, int] = {}
    for household in found:
        people = [(household.row, household.data["applicant_id_number"])]
        people += [
            (row, member["id_number"])
            for row, member in zip(
                household.member_rows, household.data.get("members", []), strict=True
            )
        ]
        for row, id_number in people:
            if not id_number:
                continue
            if id_number in first:
                problems.append(
                    Problem(row, label, f"同一人在文件中出现两次（另见第 {first[id_number]} 行）")
                )
            else:
                first[id_number] = row


def _problems_of(error: DomainError, household: Household, table: Table) -> list[Problem]:
    """The case rules' messages, placed on the row and column the clerk has to fix."""
    errors = getattr(error, "errors", None) or {
        error.field or "applicant_id_number": [error.message]
    }
    result = []
    for name, messages in errors.items():
        for message in messages:
            row, column = household.row, FIELD_COLUMNS.get(name, "name")
            if member := MEMBER_PART.search(message):
                index = int(member.group(1)) - 1
                if index < len(household.member_rows):
                    row = household.member_rows[index]
                column = MEMBER_COLUMNS[member.group(2)]
                message = message.replace(member.group(0), "此人" if not member.group(2) else "")
            result.append(Problem(row, table.label(column), _said(message, column)))
    return result


def _said(message: str, column: str | None = None) -> str:
    """The explanation without the field's label (the column already names it)."""
    head, _, rest = message.partition("：")
    said = rest if rest and len(head) <= 12 else message
    said = said.lstrip("：")
    if column in CHOICES and "请从列表中选择" in said:
        said = "请填写以下之一：" + "、".join(CHOICES[column])
    return said


def _first_per_cell(problems: list[Problem]) -> list[Problem]:
    """One message per cell, the first found (an Excel trap explains it better than the rule
    the mangled value then fails), in row order."""
    seen = set()
    kept = []
    for problem in problems:
        key = (problem.row, problem.column)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return sorted(kept, key=lambda p: p.row or 0)


def imports_in_scope(user) -> list[CaseImport]:
    return list(
        db.session.scalars(
            select(CaseImport)
            .join(Region, Region.id == CaseImport.township_id)
            .where(scope_clause(user))
            .order_by(CaseImport.id.desc())
            .limit(50)
        )
    )


def imports_to_confirm(user) -> list[Task]:
    """For the reviewer's 工作台: uploads of 在保对象 checked clean, waiting for a second
    person (not their uploader) to confirm them."""
    if not can(user, Action.CONFIRM_IMPORT):
        return []
    waiting = db.session.scalar(
        select(func.count())
        .select_from(CaseImport)
        .join(Region, Region.id == CaseImport.township_id)
        .where(scope_clause(user), CaseImport.imported_at.is_(None), CaseImport.problems == 0)
        .where(CaseImport.purpose == Purpose.ACTIVE, CaseImport.program.in_(NOTICE_PROGRAMS))
        .where(CaseImport.created_by_id != user.id)
    )
    return [
        Task(
            "待确认的导入名单",
            waiting,
            "spreadsheets.index",
            hint="在保对象名单，由上传人以外的审核人确认",
        )
    ]


register_tasks(imports_to_confirm)


def get_import(user, import_id: int) -> CaseImport:
    """The upload if its township lies in the user's scope; another township's is NotFound."""
    case_import = db.session.scalar(
        select(CaseImport)
        .join(Region, Region.id == CaseImport.township_id)
        .where(CaseImport.id == import_id, scope_clause(user))
    )
    if case_import is None:
        raise NotFound("未找到该导入")
    return case_import


def _write_cases(user, case_import: CaseImport, active: bool) -> list:
    """Read and check the stored file again and add its cases; the file's rows are let go
    on return, before the rosters are built."""
    table = read_table(case_import.filename, case_import.content, limits()[1])
    check = check_table(user, case_import.township, case_import.program, case_import.purpose, table)
    if check.problems:
        raise DomainError(
            f"再次核对时发现 {len(check.problems)} 处问题（上传后系统中的数据有了变化，"
            "例如有人录入了同一人），未导入任何一行：请重新下载核对后上传"
        )
    return add_cases(
        user,
        check.cleaned,
        CaseStatus.ACTIVE if active else CaseStatus.DRAFT,
        case_import.created_by_id,
        check.benefit_starts if active else None,
    )


def confirm_import(user, import_id: int) -> CaseImport:
    """Write every case of the checked file in one transaction; the same file is read and
    checked again, since cases may have been entered since the preview."""
    case_import = get_import(user, import_id)
    if needs_checker(case_import):
        require(user, Action.CONFIRM_IMPORT, case_import)
    else:
        require(user, Action.EDIT_CASES)
    if case_import.is_imported:
        raise DomainError(f"导入 {case_import.id} 号已于 {case_import.imported_at:%Y-%m-%d} 导入")
    if case_import.problems:
        raise DomainError("文件中有问题，未导入任何一行：请按预览中的说明改正后重新上传")
    active = needs_checker(case_import)
    cases = _write_cases(user, case_import, active)
    if active:
        for village in sorted({case.village for case in cases}, key=lambda v: v.path):
            publish_roster(village, case_import.program, user, "approved")
    case_import.imported_by_id = user.id
    case_import.imported_at = utcnow()
    case_import.cases_created = len(cases)
    uploader = db.session.get(User, case_import.created_by_id)
    audit.record(
        AuditAction.CREATE,
        "case_import",
        case_import.id,
        user=user,
        region_id=case_import.township_id,
        note=(
            f"导入文件“{case_import.filename}”（SHA-256 {case_import.sha256}）："
            f"{case_import.rows} 行，{len(cases)} 个{case_import.program.label}案件，"
            f"{case_import.purpose.label}；上传人 {uploader.display_name}"
        ),
    )
    db.session.commit()
    refresh_statistics(sampled=True)  # the tables have grown by a whole file at once
    return case_import
