"""Every route of the app, as every role and anonymously, with hostile values in every path
parameter, query parameter and form field: nothing answers 5xx and nothing is saved.

The values are what a probe types: ids past any integer range, negative and exponent
numbers, digits that only look like digits (², ١, ３), control characters, bidi overrides,
SQL and markup, far dates, astral characters and long text.
"""

import re
from urllib.parse import quote, urlencode

import pytest
from sqlalchemy import text

from noticeboard.extensions import db
from tests.conftest import login
from tests.walk import url_of

HOSTILE = [
    "99999999999999999999999",
    "-1",
    "0",
    "1e308",
    "1e200000000",
    "١٢٣",
    "²",
    "３５０",
    "NaN",
    "\x00",
    "\x1b[31m\r\n",
    "a\u202eb",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "9999-12-31",
    "",
    "𠮷" * 40,
    "x" * 6000,
]
# Every query parameter any page reads.
QUERY_NAMES = [
    "page", "village", "township", "program", "status", "q", "code", "receipt", "paper",
    "channel", "show", "size", "next", "region", "month", "year", "kind", "state", "since",
    "after",
]  # fmt: skip
# Every form field any page posts (prefixed ones as the pages prefix them).
FORM_NAMES = [
    "village_id", "group_name", "applicant_name", "applicant_id_number", "applicant_phone",
    "address", "dibao_area", "dibao_category", "monthly_amount", "members-0-name",
    "members-0-id_number", "members-0-relation", "members-0-covered", "add_member",
    "tekun_mode", "self_care", "basic_amount", "care_amount", "linshi_type", "reason_category",
    "amount", "paid_on", "version", "case_ids", "case_id", "start_date", "village", "program",
    "reason", "withdraw-reason", "correct-reason", "terminate-reason", "reject-reason",
    "objection-channel", "objection-line", "objection-text", "objection-name", "objection-phone",
    "outcome", "investigation", "region_id", "month", "township_id", "paper", "bundle",
    "channel", "board-name", "board-resident_id", "board-address", "online-name", "name",
    "level", "parent_id", "phone", "working_day_notices", "assessment_panel", "username",
    "password", "display_name", "role", "ceiling", "text", "line", "seen", "purpose",
    "holidays", "workdays", "dibao", "tekun", "told_on",
    "income_per_person", "frequent_review", "amount_override_reason", "kind", "start_month",
    "note", "renotice_above",
    "person_name", "staff_name", "post", "workplace", "relation", "visited_on", "visitors",
    "finding", "emergency_reason", "paperwork", "linshi_limit",
]  # fmt: skip
ROLES = ["anonymous", "clerk", "reviewer", "county", "admin"]
NOT_WALKED = {"static", "accounts.logout"}  # logout ends the session the walk runs in
PATH_PARAMETER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


# Not input: the audit log records refusals' context, a PDF opened is rendered once and kept,
# and the access log (with its alerts) records who was shown personal data.
NOT_INPUT = {"audit_entries", "rendered_pdfs", "data_access_log", "access_alerts"}


def _rows() -> tuple[int, ...]:
    """Row counts of every table that holds input, in one round trip."""
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in NOT_INPUT]
    counts = ", ".join(f"(SELECT COUNT(*) FROM {name})" for name in tables)
    row = db.session.execute(text(f"SELECT {counts}")).one()
    db.session.rollback()  # end the read, so the app's own transactions see no lock
    return tuple(row)


def _hostile_path(rule, value: str) -> str:
    return PATH_PARAMETER.sub(lambda _: quote(value, safe=""), rule.rule)


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_5xx_or_saves_anything_for_hostile_input(
    app, world, sample, role, monkeypatch
):
    # /readyz answers 503 while no job worker is alive: here one always is.
    monkeypatch.setattr("noticeboard.health.worker_alive", lambda: True)
    client = app.test_client()
    user = {
        "clerk": world.clerk_a,
        "reviewer": world.reviewer_a,
        "county": world.county_officer,
        "admin": world.admin,
    }.get(role)
    if user is not None:
        login(client, user.username)
    # A token of this session, from a page every visitor can open (the objection form).
    page = client.get(f"/notices/{sample.notice_id}/objections").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in NOT_WALKED]
    failures = []
    for rule in rules:
        for value in HOSTILE:
            urls = [url_of(app, rule, sample) + "?" + urlencode(dict.fromkeys(QUERY_NAMES, value))]
            if rule.arguments:
                urls.append(_hostile_path(rule, value))
            for url in urls:
                if "GET" in rule.methods:
                    status = client.get(url).status_code
                    if status >= 500:
                        failures.append(("GET", url[:120], status))
                if "POST" in rule.methods:
                    form = {**dict.fromkeys(FORM_NAMES, value), "csrf_token": token}
                    before = _rows()
                    status = client.post(url, data=form).status_code
                    # A refusal (an error status, or the form shown again) saves nothing; an
                    # accepted action (a redirect) may: a reason like "' OR 1=1 --" is text.
                    refused = status != 302
                    if status >= 500 or (refused and _rows() != before):
                        failures.append(("POST", url[:120], repr(value)[:30], status))
    assert failures == []
