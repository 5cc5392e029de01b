"""A new case written with plain table INSERTs instead of the ORM's flush.

Entering a case one at a time (a clerk's form, ~300 a second wanted) spent a third of its
time in the unit of work: sorting the case before its members, collecting and comparing
every attribute, fetching ids, then the name-piece hook going through the session's new
objects. The case in hand is complete (clean_case checked it), so its row, its members'
rows and its name pieces are written directly, and the objects are then put in the session
as a flush would leave them: persistent, with their ids, nothing pending.

What the ORM would have done on the way is done here too: column defaults, the version
counter's first value, the review anchor (models._keep_review_anchor) and the name pieces
(name_grams._keep_grams). tests/cases/test_inserts.py compares the rows with the ORM's.
"""

from functools import cache

from sqlalchemy import Table, insert, inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from noticeboard.cases.models import Case, CaseMember, _keep_review_anchor
from noticeboard.cases.name_grams import gram_rows
from noticeboard.cases.name_grams import insert_rows as insert_gram_rows

_CASES = Case.__table__
_MEMBERS = CaseMember.__table__
_INSERT_CASE = insert(_CASES)
_INSERT_MEMBERS = insert(_MEMBERS).returning(_MEMBERS.c.id, sort_by_parameter_order=True)

# Collections a new case starts without: loaded as empty, not read from the database later.
_EMPTY_COLLECTIONS = ("near_relatives", "home_visits")


@cache
def _written_columns(table: Table) -> tuple[tuple[str, object, bool], ...]:
    """(key, default, whether the default is a function) of each column the INSERT writes,
    worked out once per table: going through the columns' defaults for every case entered
    was a tenth of the insert's time."""
    columns = []
    for column in table.columns:
        if column.primary_key:
            continue
        default = column.default
        if default is not None and (default.is_scalar or default.is_callable):
            columns.append((column.key, default.arg, default.is_callable))
        else:
            columns.append((column.key, None, False))
    return tuple(columns)


def _complete(obj, table: Table) -> dict:
    """Every column's value of a new object, its unset columns given their defaults (as
    the INSERT would) and kept on the object as loaded, so reading them later needs no
    query; the primary key is left to the database."""
    values = inspect(obj).dict
    row = {}
    for key, default, is_function in _written_columns(table):
        if key not in values:
            set_committed_value(obj, key, default(None) if is_function else default)
        row[key] = values[key]
    return row


def insert_new_case(session: Session, case: Case) -> None:
    """Write `case` (new, with its village and members set) and put it in `session` as
    persistent, in the caller's transaction."""
    if case.version is None:
        case.version = 1  # the version counter's first value (Case.__mapper_args__)
    _keep_review_anchor(None, None, case)
    connection = session.connection()
    case.id = connection.execute(_INSERT_CASE, _complete(case, _CASES)).inserted_primary_key[0]
    members = list(case.members)
    for member in members:
        member.case_id = case.id
    if members:
        rows = [_complete(member, _MEMBERS) for member in members]
        ids = connection.execute(_INSERT_MEMBERS, rows).scalars().all()
        for member, member_id in zip(members, ids, strict=True):
            member.id = member_id
            make_transient_to_detached(member)
    insert_gram_rows(session, gram_rows(case.id, [case.applicant_name, *(m.name for m in members)]))
    for name in _EMPTY_COLLECTIONS:
        set_committed_value(case, name, [])
    make_transient_to_detached(case)
    session.add(case)
