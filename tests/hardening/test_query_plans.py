"""The hottest lookups read indexes, not whole tables (issue 13), on SQLite and PostgreSQL.

On PostgreSQL a small table is cheaper to scan, so sequential scans are switched off for the
check: what is asserted is that an index *can* answer the query.
"""

import re
from datetime import date

from sqlalchemy import event, text

from noticeboard.audit.services import LogFilter, history_query, log_query
from noticeboard.cases.models import Program
from noticeboard.cases.search import CaseFilter, case_query, id_tail_holders
from noticeboard.cases.validation import first_open_case_holding, holders_of
from noticeboard.extensions import db
from noticeboard.notices.queries import Section, recent_lists_query, section_query
from noticeboard.notices.state import latest_notices_query
from noticeboard.standards.reviews import due_counts_query
from tests.factories import resident_id


def _plan(statement) -> str:
    dialect = db.engine.dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        rows = db.session.execute(text("EXPLAIN " + sql)).scalars().all()
    else:
        rows = [row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql))]
    db.session.rollback()
    return "\n".join(rows)


def _scans(plan: str, table: str) -> bool:
    """Whether the plan reads all of `table` (or all of one of its indexes): SQLite says
    SCAN for a full pass and SEARCH for a lookup; PostgreSQL says Seq Scan."""
    for line in plan.splitlines():
        words = line.replace('"', "").split()
        if "Seq Scan on " + table in line:
            return True
        if len(words) >= 2 and words[0] == "SCAN" and words[1] == table:
            return True
    return False


def _plans_of_what_runs(call) -> list[str]:
    """The plan of each statement `call` sends to the database, with its own parameters:
    what the service runs, not a statement built for the test."""
    sent = []

    def record(connection, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        db.session.rollback()
    connection = db.session.connection()
    plans = []
    for statement, parameters in sent:
        if db.engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars()
        else:
            explained = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            rows = [row[-1] for row in explained]
        plans.append("\n".join(rows))
    db.session.rollback()
    return plans


def test_one_person_one_case_is_two_index_lookups_then_cases_by_primary_key(world, factory):
    """As entering a case (one person) and checking an imported file (many) run it. The test
    database has no statistics, as a database that grew since its last ANALYZE: with a
    program or status condition in the WHERE clause, SQLite then walked the covering index
    ix_cases_program_paid_on through every 低保/特困 case (12 ms a case entered at 100,000
    cases, against 0.5 ms)."""
    dibao, linshi = resident_id("19560312"), resident_id("19850707")
    # A 临时救助 is found by the lookups too, and is not an open 低保/特困 case.
    factory.case(world.clerk_a, Program.LINSHI, world.village_a, applicant_id_number=linshi)
    held = factory.case(world.clerk_a, Program.DIBAO, world.village_a, applicant_id_number=dibao)
    ids = [linshi, dibao]
    plans = _plans_of_what_runs(lambda: first_open_case_holding(ids, None))
    plans += _plans_of_what_runs(lambda: holders_of(ids))
    # The plans are of the real answers: the 低保 case, not the older 临时救助.
    assert first_open_case_holding(ids, None).id == held.id
    assert first_open_case_holding(ids, held.id) is None
    holders = holders_of(ids)
    assert holders[dibao].id == held.id and linshi not in holders
    for plan in plans:
        assert not _scans(plan, "cases") and not _scans(plan, "case_members"), plan
        if db.engine.dialect.name == "sqlite":
            # cases is reached by its ID index or by primary key, never by a range of an
            # index of the program, status or village (most of the table).
            assert not re.search(r"ix_cases_(program|status|village)", plan), plan


def test_search_by_the_last_digits_of_an_id_reads_the_keyed_suffix_index(world):
    plan = _plan(id_tail_holders("12001X"))
    assert not _scans(plan, "cases") and not _scans(plan, "case_members"), plan
    assert "tail" in plan or db.engine.dialect.name == "postgresql", plan
    plan = _plan(case_query(world.county_officer, CaseFilter(q="12001X")))
    assert not _scans(plan, "cases") and not _scans(plan, "case_members"), plan


def test_search_by_part_of_a_name_reads_the_name_index(world):
    for q in ("张小明", "小明", "明"):  # a surname searched alone too
        plan = _plan(case_query(world.county_officer, CaseFilter(q=q)))
        assert not _scans(plan, "cases") and not _scans(plan, "case_members"), plan
        assert not _scans(plan, "case_name_grams"), plan


def test_the_latest_notice_of_cases_is_found_through_the_case_index(world):
    plan = _plan(latest_notices_query([1, 2, 3]))
    assert not _scans(plan, "notice_entries"), plan


def test_a_records_history_is_read_through_its_index(world):
    plan = _plan(history_query(world.county_officer, "case", 672))
    assert not _scans(plan, "audit_entries"), plan


def test_a_townships_log_is_read_through_the_region_index(world):
    """The county officer's 操作日志 of one township: not every entry of the county, newest
    first, until 50 of the township turn up (at 350,000 entries, 346 ms for a new township
    with 3 of them)."""
    filters = LogFilter(township_id=world.township_a.id)
    plan = _plan(log_query(world.county_officer, filters))
    assert not _scans(plan, "audit_entries"), plan


def test_due_reviews_are_counted_without_reading_every_case(world):
    """A county's and a township's due reviews are counted through an index (at 100,000
    cases SQLite, with its statistics, reads a range of ix_cases_review_anchor alone)."""
    for region in (world.county, world.township_a):
        plan = _plan(due_counts_query(region, date(2026, 11, 26)))
        assert not _scans(plan, "cases"), plan


def test_the_dashboards_notices_in_force_and_latest_lists_are_read_through_their_indexes(world):
    """Not every published notice of the county (mostly roster versions, each ~80 KB)."""
    officer = world.county_officer
    current = _plan(section_query(officer, Section.IN_FORCE, date(2026, 11, 27)))
    latest = _plan(recent_lists_query(officer))
    assert not _scans(current, "notices") and not _scans(latest, "notices"), (current, latest)
    if db.engine.dialect.name == "sqlite":
        assert "ix_notices_kind_status_end_date" in current, current
        assert "ix_notices_status_published_at" in latest and "B-TREE" not in latest, latest
