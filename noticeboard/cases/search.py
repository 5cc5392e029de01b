"""Finding cases: the filtered, searchable list of the user's scope."""

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from noticeboard.cases.models import Case, CaseMember
from noticeboard.core.validation import normalise_resident_id
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
            # Resident IDs are searched whole or by any part (clerks often have the last 4-6),
            # in the form they are stored in, whatever digits the clerk typed.
            term = normalise_resident_id(q)
            members = select(CaseMember.case_id).where(
                CaseMember.id_number.contains(term, autoescape=True)
            )
            query = query.where(
                or_(Case.applicant_id_number.contains(term, autoescape=True), Case.id.in_(members))
            )
        else:
            members = select(CaseMember.case_id).where(CaseMember.name.contains(q, autoescape=True))
            query = query.where(
                or_(Case.applicant_name.contains(q, autoescape=True), Case.id.in_(members))
            )
    return query


def list_cases(user, filters: CaseFilter, page: int = 1, per_page: int = 50):
    query = case_query(user, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(Case.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
        .options(selectinload(Case.village))
    ).all()
    return rows, total
