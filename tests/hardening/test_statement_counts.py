"""No page's number of SQL statements grows with the number of rows it shows (issue 13).

Every staff page (as the county officer and as a township clerk) and every public page is
opened on a dataset, then again after the dataset has grown by more cases, notices,
objections, approvals and roster versions: the statement count must stay the same.
"""

import functools
from datetime import timedelta

import pytest
from sqlalchemy import event

from noticeboard.cases.models import Program
from noticeboard.core.dates import local_today
from noticeboard.extensions import db
from noticeboard.notices import approval, objections, pre_approval
from tests.conftest import login
from tests.notices.test_lifecycle import travel
from tests.walk import url_of

# The grown notices ran three weeks ago and ended; the sample's run today (tests/walk.py).
START = local_today() - timedelta(days=20)
AFTER_THE_PERIOD = START + timedelta(days=10)
NOT_COUNTED = {"static", "printing.public_pdf", "printing.board_pdf"}  # PDFs: render cost


def _grow(world, factory, households: int) -> None:
    """More of everything a page may list: cases in ended 7-day notices (some objected,
    some approved onto the roster), in both villages of township A."""
    for village in (world.village_a, world.village_a2):
        with travel(START):
            cases = [factory.case(world.clerk_a, Program.DIBAO, village) for _ in range(households)]
            draft = pre_approval.prepare_notice(
                world.clerk_a, village.id, Program.DIBAO, [c.id for c in cases]
            )
            notice = pre_approval.publish_notice(world.reviewer_a, draft.id)
            objections.raise_objection(notice.id, "请核实这一户的收入情况。", line=1)
        with travel(AFTER_THE_PERIOD):
            for case in cases[households // 2 :]:
                approval.approve_case(world.county_officer, case.id)


def _statements(app, client, urls) -> dict[str, int]:
    counts = {}
    engine = db.engine

    def count(*_):
        counts[current] = counts.get(current, 0) + 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        for current in urls:
            counts[current] = 0
            status = client.get(current).status_code
            assert status == 200, (current, status)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counts


def _get_urls(app, sample, public: bool) -> list[str]:
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods
        and r.endpoint not in NOT_COUNTED
        and r.endpoint.startswith(("portal.", "api.")) == public
        and r.endpoint not in ("accounts.login", "portal.display")
    ]
    return sorted(url_of(app, rule, sample) for rule in rules)


@pytest.mark.parametrize("who", ["county", "clerk", "anonymous"])
def test_no_page_runs_more_statements_for_more_rows(app, world, factory, sample, who):
    user = {"county": world.county_officer, "clerk": world.clerk_a}.get(who)
    client = app.test_client()
    _grow(world, factory, 4)
    if user is not None:
        login(client, user.username)
    urls = _get_urls(app, sample, public=user is None)
    if user is not None:
        # Pages the role may not open are another test's subject.
        urls = [u for u in urls if client.get(u).status_code == 200]
    small = _statements(app, client, urls)
    _grow(world, factory, 12)
    large = _statements(app, client, urls)
    grew = {url: (small[url], large[url]) for url in urls if large[url] > small[url]}
    assert grew == {}


def _counted(call) -> tuple[int, object]:
    """Statements but INSERTs: the rows written are one per case, member, audit entry and
    roster line (SQLite answers RETURNING row by row); what must not grow is the reading."""
    statements = []

    def listener(_connection, _cursor, statement, *_):
        if not statement.lstrip().upper().startswith("INSERT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = call()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements), result


def test_checking_and_importing_a_file_read_the_same_statements_for_10_or_40_households(world):
    """Issue 10: the file-level checks read every ID of the file at once, not one per row."""
    from noticeboard.regions.models import RegionLevel
    from noticeboard.regions.services import create_region
    from noticeboard.spreadsheets import imports
    from tests.spreadsheets.conftest import dibao_rows, xlsx

    pairs = [("东风村", "红星村"), ("向阳村", "青山村"), ("石门村", "大坪村")]
    for name in (*pairs[1], *pairs[2]):
        create_region(name, RegionLevel.VILLAGE, world.township_a)
    counts = []
    # A first import warms what a process reads once; then villages without a roster yet
    # each time, so only the number of households differs.
    for households, (first, second) in zip((5, 10, 40), pairs, strict=True):
        content = xlsx(dibao_rows(households, first) + dibao_rows(households, second))
        upload = functools.partial(
            imports.upload, world.clerk_a, world.township_a.id, "dibao", "active", "a.xlsx", content
        )
        checked, case_import = _counted(upload)
        imported, _ = _counted(
            functools.partial(imports.confirm_import, world.reviewer_a, case_import.id)
        )
        counts.append((checked, imported))
    assert counts[1] == counts[2], counts
