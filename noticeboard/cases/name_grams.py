"""The index of name pieces behind the name search: every character of a case's names and
every two characters that stand side by side in them. A search looks its pieces up (a single
character, a surname alone, is one piece) and checks the cases found with LIKE.

Kept on every flush, so every way a name is entered or changed (forms, imports, reviewers'
confirmations, the demo) keeps it right without knowing of it."""

from collections.abc import Iterable

from sqlalchemy import ColumnElement, delete, event, insert, inspect, intersect, select
from sqlalchemy.orm import Session

from noticeboard.cases.models import Case, CaseMember, CaseNameGram

# A plain table INSERT, not the ORM's bulk insert of the entity: the rows are plain dicts
# and no object stands for them, and the ORM's path took 0.2 ms of each case entered.
_INSERT = insert(CaseNameGram.__table__)


def grams(names: Iterable[str]) -> set[str]:
    pieces = set()
    for name in names:
        pieces.update(name)
        pieces.update(name[i : i + 2] for i in range(len(name) - 1))
    return pieces


def gram_rows(case_id: int, names: Iterable[str]) -> list[dict]:
    return [{"gram": gram, "case_id": case_id} for gram in sorted(grams(names))]


def insert_rows(session: Session, rows: list[dict]) -> None:
    """Write pieces given as gram_rows gives them (on the session's connection: rows, not
    objects, so there is nothing for the session's execution path to do)."""
    if rows:
        session.connection().execute(_INSERT, rows)


def cases_named(q: str) -> ColumnElement[bool]:
    """Cases whose applicant's or a member's name contains `q` (not empty). The pieces
    narrow the cases down (the pairs, when `q` has two or more characters); LIKE decides."""
    pieces = sorted(p for p in grams([q]) if len(p) == min(len(q), 2))
    lookups = [select(CaseNameGram.case_id).where(CaseNameGram.gram == p) for p in pieces]
    candidates = lookups[0] if len(lookups) == 1 else intersect(*lookups)
    members = select(CaseMember.case_id).where(
        CaseMember.case_id.in_(candidates), CaseMember.name.contains(q, autoescape=True)
    )
    return Case.id.in_(candidates) & (
        Case.applicant_name.contains(q, autoescape=True) | Case.id.in_(members)
    )


def rebuild(session: Session, case_ids: Iterable[int] | None = None) -> None:
    """Write the pieces again from the stored names: of `case_ids`, or of every case."""
    names: dict[int, list[str]] = {}
    cases = select(Case.id, Case.applicant_name)
    members = select(CaseMember.case_id, CaseMember.name)
    if case_ids is not None:
        case_ids = list(case_ids)
        cases = cases.where(Case.id.in_(case_ids))
        members = members.where(CaseMember.case_id.in_(case_ids))
        session.execute(delete(CaseNameGram).where(CaseNameGram.case_id.in_(case_ids)))
    else:
        session.execute(delete(CaseNameGram))
    for case_id, name in session.execute(cases):
        names.setdefault(case_id, []).append(name)
    for case_id, name in session.execute(members):
        names.setdefault(case_id, []).append(name)
    rows = [row for case_id, found in names.items() for row in gram_rows(case_id, found)]
    for start in range(0, len(rows), 5000):
        session.execute(_INSERT, rows[start : start + 5000])


def _name_changed(obj, attribute: str) -> bool:
    return bool(inspect(obj).attrs[attribute].history.has_changes())


@event.listens_for(Session, "after_flush")
def _keep_grams(session: Session, _context) -> None:
    """After the rows are written, inside the same transaction: new cases from the objects
    in hand, changed or removed names from the database."""
    fresh: dict[int, list[str]] = {}
    new_members: list[CaseMember] = []
    changed: set[int] = set()
    gone: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Case):
            fresh[obj.id] = [obj.applicant_name]
        elif isinstance(obj, CaseMember):
            new_members.append(obj)
    for member in new_members:
        if member.case_id in fresh:
            fresh[member.case_id].append(member.name)
        else:
            changed.add(member.case_id)
    for obj in session.dirty:
        if isinstance(obj, Case) and _name_changed(obj, "applicant_name"):
            changed.add(obj.id)
        elif isinstance(obj, CaseMember) and _name_changed(obj, "name"):
            changed.add(obj.case_id)
    for obj in session.deleted:
        if isinstance(obj, Case):
            gone.add(obj.id)
        elif isinstance(obj, CaseMember):
            changed.add(obj.case_id)
    changed -= gone
    if gone:
        session.execute(delete(CaseNameGram).where(CaseNameGram.case_id.in_(gone)))
    if changed:
        rebuild(session, changed)
    insert_rows(session, [row for case_id, ns in fresh.items() for row in gram_rows(case_id, ns)])
