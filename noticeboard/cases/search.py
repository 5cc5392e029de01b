"""Finding cases: the filtered, searchable list of the user's scope."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select, union
from sqlalchemy.orm import selectinload

from noticeboard.cases import emergency, linshi_approval
from noticeboard.cases.deadlines import overdue_clause, refusal_letter_overdue_clause
from noticeboard.cases.models import Case, CaseMember, CaseStatus, Program
from noticeboard.cases.name_grams import cases_named
from noticeboard.core.crypto import TAIL_LENGTH, id_index, tail_index
from noticeboard.core.validation import normalise_resident_id, parse_id, to_ascii_digits
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import regions_in_scope, scope_clause


def villages_for(user) -> list[Region]:
    return regions_in_scope(user, RegionLevel.VILLAGE)


# The list's 临时救助 approval filter: its label and the SQL condition (cases/emergency.py,
# cases/linshi_approval.py).
PAPERWORK_FILTERS = {
    "pending": ("先行救助待补办手续", emergency.paperwork_pending),
    "overdue": ("先行救助逾期未补办手续", emergency.paperwork_overdue),
    "county": ("待县级审批", linshi_approval.awaiting_county),
}


@dataclass
class CaseFilter:
    program: str | None = None
    village_id: int | None = None
    status: str | None = None
    q: str | None = None
    overdue: str | None = None  # a key of OVERDUE_FILTERS: past which deadline
    paperwork: str | None = None  # a key of PAPERWORK_FILTERS: 先行救助, 县级审批


# Deadlines a case can be past (cases.index?overdue=…), with the list's heading for each;
# areas above add theirs (notices: the re-notice after an upheld objection).
OVERDUE_FILTERS: dict[str, tuple[str, Callable[[], ColumnElement[bool]]]] = {
    "1": ("超过办理时限未审核确认", overdue_clause),
    "letter": ("不予确认后未按时书面告知", refusal_letter_overdue_clause),
}


def register_overdue_filter(key: str, label: str, clause) -> None:
    OVERDUE_FILTERS[key] = (label, clause)


def filter_from_args(args) -> CaseFilter:
    """The list's filters as its query string gives them (the page and its exports)."""
    return CaseFilter(
        program=args.get("program") if args.get("program") in set(Program) else None,
        village_id=parse_id(args.get("village")),
        status=args.get("status") if args.get("status") in set(CaseStatus) else None,
        q=args.get("q", "")[:40],
        overdue=args.get("overdue") if args.get("overdue") in OVERDUE_FILTERS else None,
        paperwork=args.get("paperwork") if args.get("paperwork") in PAPERWORK_FILTERS else None,
    )


def case_query(user, filters: CaseFilter) -> Select:
    query = select(Case).join(Case.village).where(scope_clause(user))
    if filters.program:
        query = query.where(Case.program == filters.program)
    if filters.village_id:
        query = query.where(Case.village_id == filters.village_id)
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.overdue:
        query = query.where(OVERDUE_FILTERS[filters.overdue][1]())
    if filters.paperwork:
        query = query.where(PAPERWORK_FILTERS[filters.paperwork][1]())
    if q := (filters.q or "").strip():
        if (reference := _case_reference(q)) is not None:
            program, number = reference
            query = query.where(Case.id == number, Case.program == program)
        elif any(ch.isdigit() for ch in q):
            term = normalise_resident_id(q)
            # 000064 is the case number as staff quote it, or the end of an ID: both.
            number = int(term) if term.isdigit() and len(term) <= 6 else None
            query = query.where(_holds_id(term, number))
        else:
            query = query.where(cases_named(q))
    return query


# A case number as staff quote it (cases.models.Case.reference): 低保-000064, 特困 12.
REFERENCE = re.compile(r"(低保|特困|临时救助)\s*[-－—‐]?\s*0*([0-9]{1,9})")


def _case_reference(q: str) -> tuple[Program, int] | None:
    if (match := REFERENCE.fullmatch(to_ascii_digits(q))) is None:
        return None
    labels = {p.label: p for p in Program}
    return labels[match.group(1)], int(match.group(2))


def _holds_id(term: str, number: int | None = None) -> ColumnElement[bool]:
    """Cases whose applicant or a member has an ID that is `term` (18 characters) or ends
    with it (at least TAIL_LENGTH characters), and the case numbered `number`.

    IDs are encrypted, so both go through keyed indexes: the whole ID's, or that of its last
    few characters, whose few holders are decrypted and compared with the whole `term`. A part
    from the middle of an ID cannot be looked for (it would mean decrypting every ID)."""
    if len(term) == 18:
        applicant = select(Case.id).where(Case.applicant_id_index == id_index(term))
        member = select(CaseMember.case_id).where(CaseMember.id_number_index == id_index(term))
        lookups = [applicant, member]
    else:
        lookups = [select(Case.id).where(Case.id.in_(_ending_with(term)))]
    if number is not None:
        lookups.append(select(Case.id).where(Case.id == number))
    return Case.id.in_(union(*lookups))


def id_tail_holders(term: str) -> Select:
    """(case id, ID) of every applicant and member whose ID's last characters are those of
    `term`: an index lookup of the keyed suffix."""
    tail = tail_index(term)
    return union(
        select(Case.id, Case.applicant_id_number).where(Case.applicant_id_tail == tail),
        select(CaseMember.case_id, CaseMember.id_number).where(CaseMember.id_number_tail == tail),
    )


def _ending_with(term: str) -> list[int]:
    if len(term) < TAIL_LENGTH:
        return []
    people = db.session.execute(id_tail_holders(term))
    return sorted({case_id for case_id, id_number in people if id_number.endswith(term)})


def list_cases(user, filters: CaseFilter, page: int = 1, per_page: int = 50):
    """One page of the cases `filters` select, and how many there are in all."""
    query = case_query(user, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(Case.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
        .options(selectinload(Case.village), selectinload(Case.near_relatives))
    ).all()
    return rows, total
