"""Finding cases: the filtered, searchable list of the user's scope."""

from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import selectinload

from noticeboard.cases.models import Case, CaseMember, CaseStatus, Program
from noticeboard.core.validation import normalise_resident_id, parse_id
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import regions_in_scope, scope_clause


def villages_for(user) -> list[Region]:
    return regions_in_scope(user, RegionLevel.VILLAGE)


@dataclass
class CaseFilter:
    program: str | None = None
    village_id: int | None = None
    status: str | None = None
    q: str | None = None
    anywhere: bool = False  # look for an ID part anywhere in IDs, not only at their end


def filter_from_args(args) -> CaseFilter:
    """The list's filters as its query string gives them (the page and its exports)."""
    return CaseFilter(
        program=args.get("program") if args.get("program") in set(Program) else None,
        village_id=parse_id(args.get("village")),
        status=args.get("status") if args.get("status") in set(CaseStatus) else None,
        q=args.get("q", "")[:40],
    )


def case_query(user, filters: CaseFilter) -> Select:
    query = select(Case).join(Case.village).where(scope_clause(user))
    if filters.program:
        query = query.where(Case.program == filters.program)
    if filters.village_id:
        query = query.where(Case.village_id == filters.village_id)
    if filters.status:
        query = query.where(Case.status == filters.status)
    if q := (filters.q or "").strip():
        if any(ch.isdigit() for ch in q):
            query = query.where(_holds_id(normalise_resident_id(q), filters.anywhere))
        else:
            members = select(CaseMember.case_id).where(CaseMember.name.contains(q, autoescape=True))
            query = query.where(
                or_(Case.applicant_name.contains(q, autoescape=True), Case.id.in_(members))
            )
    return query


def _holds_id(term: str, anywhere: bool) -> ColumnElement[bool]:
    """Cases whose applicant or a member has an ID that is `term` (18 characters), ends with
    it (an index range on the reversed ID), or, with `anywhere`, contains it (a scan)."""
    if anywhere:
        applicant = Case.applicant_id_number.contains(term, autoescape=True)
        member = CaseMember.id_number.contains(term, autoescape=True)
    elif len(term) == 18:
        applicant, member = Case.applicant_id_number == term, CaseMember.id_number == term
    else:
        applicant = _starts_with(Case.applicant_id_reversed, term[::-1])
        member = _starts_with(CaseMember.id_number_reversed, term[::-1])
    members = select(CaseMember.case_id).where(member)
    return Case.id.in_(select(Case.id).where(applicant).union(members))


def _starts_with(column, prefix: str) -> ColumnElement[bool]:
    # A range, which every database answers from the index (SQLite's LIKE does not).
    return (column >= prefix) & (column < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def list_cases(user, filters: CaseFilter, page: int = 1, per_page: int = 50):
    """One page of the cases `filters` select, and how many there are in all. An ID part
    is looked up as the end of IDs first (indexed); only when no ID ends with it is it
    looked for anywhere inside them."""
    query = case_query(user, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    if not total and filters.q and any(ch.isdigit() for ch in filters.q) and not filters.anywhere:
        return list_cases(user, replace(filters, anywhere=True), page, per_page)
    rows = db.session.scalars(
        query.order_by(Case.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
        .options(selectinload(Case.village))
    ).all()
    return rows, total
