"""Every staff route against every role: who gets the page, who gets 403, who gets 404.

The table below is the specification, written independently of accounts.permissions: a new
route that is not in it fails the walk, so nobody adds a page without deciding who may use it.
"""

import re

import pytest

from tests.conftest import csrf_token, login
from tests.walk import Sample, url_of

TITLE = re.compile(r"<title>(.*?)</title>", re.S)

CLERK, REVIEWER, COUNTY, ADMIN = "clerk", "reviewer", "county", "admin"
ANY = {CLERK, REVIEWER, COUNTY, ADMIN}
EDITORS = {CLERK, ADMIN}
PUBLISHERS = {REVIEWER, ADMIN}
DECIDERS = {COUNTY, ADMIN}

# endpoint: the roles that may use it (inside their own scope).
STAFF_ROUTES = {
    "accounts.disable_user": {ADMIN},
    "accounts.enable_user": {ADMIN},
    "accounts.password": ANY,
    "accounts.users": {ADMIN},
    "audit.access_log": {COUNTY, ADMIN},
    "audit.export": {COUNTY, ADMIN},
    "audit.index": {COUNTY, ADMIN},
    "cases.approve_linshi": DECIDERS,
    "cases.change": ANY,
    "cases.changes": ANY,
    "cases.complete_paperwork": PUBLISHERS,
    "cases.confirm_change": PUBLISHERS,
    "cases.delete": EDITORS,
    "cases.detail": ANY,
    "cases.edit": EDITORS,
    "cases.history": ANY,
    "cases.home_visit": DECIDERS,
    "cases.index": ANY,
    "cases.limits": {ADMIN},
    "cases.near_relatives": ANY,
    "cases.new": EDITORS,
    "cases.reveal": ANY,
    "cases.register_near_relative": EDITORS,
    "cases.reject_change": PUBLISHERS,
    "cases.refuse_linshi": DECIDERS,
    "cases.refusal_letter": {CLERK, REVIEWER, ADMIN},
    "holidays.index": {ADMIN},
    "holidays.year": {ADMIN},
    "jobs.detail": ANY,
    "jobs.result": ANY,
    "jobs.retry": ANY,
    "masking.policy": {ADMIN},
    "notices.approvals": DECIDERS,
    "notices.approve": DECIDERS,
    "notices.case_notices": ANY,
    "notices.confirm_termination": DECIDERS,
    "notices.correct": EDITORS,
    "notices.dashboard": ANY,
    "notices.home": ANY,
    "notices.detail": ANY,
    "notices.new": EDITORS,
    "notices.new_linshi_list": PUBLISHERS,
    "notices.objection": ANY,
    "notices.objection_list": ANY,
    "notices.publish": PUBLISHERS,
    "notices.record_objection": ANY,
    "notices.reject": DECIDERS,
    "notices.remove": EDITORS,
    "notices.resubmit": EDITORS,
    "notices.section": ANY,
    "notices.send_back": PUBLISHERS,
    "notices.rosters": ANY,
    "notices.terminate": {CLERK, COUNTY, ADMIN},
    "notices.withdraw": {REVIEWER, COUNTY, ADMIN},
    "printing.batch": ANY,
    "printing.board_pdf": ANY,
    "regions.approval": {COUNTY, ADMIN},
    "regions.index": {ADMIN},
    "regions.linshi_limit": {COUNTY, ADMIN},
    "regions.termination_setting": {COUNTY, ADMIN},
    "spreadsheets.annotated_file": ANY,
    "spreadsheets.confirm": PUBLISHERS,
    "spreadsheets.export_approvals": DECIDERS,
    "spreadsheets.export_cases": ANY,
    "spreadsheets.export_notice": ANY,
    "spreadsheets.index": ANY,
    "spreadsheets.preview": ANY,
    "spreadsheets.template": ANY,
    "spreadsheets.upload": EDITORS,
    "regions.settings": {ADMIN},
    "statistics.annual": ANY,
    "statistics.export_annual": ANY,
    "statistics.export_month": ANY,
    "statistics.export_trend": ANY,
    "statistics.index": ANY,
    "standards.confirm": DECIDERS,
    "standards.discard": DECIDERS,
    "standards.due": ANY,
    "standards.index": ANY,
    "standards.preview": DECIDERS,
    "standards.propose": DECIDERS,
    "standards.review": EDITORS,
    "standards.review_setting": DECIDERS,
}
# Routes anyone may open, and logout (walked separately: it ends the walk's session).
PUBLIC_ROUTES = {
    "accounts.login",
    "accounts.logout",
    "api.notice",
    "api.notices",
    "api.openapi",
    "api.statistics",
    "health.healthz",
    "health.readyz",
    "portal.display",
    "portal.display_css",
    "portal.home",
    "portal.notice",
    "portal.notice_qr",
    "portal.objection_lookup",
    "portal.raise_objection",
    "portal.statistics",
    "portal.statistics_csv",
    "portal.township",
    "portal.township_feed",
    "portal.verify",
    "portal.village",
    "printing.public_pdf",
    "static",
}
RECORD_IDS = {
    "case_id", "notice_id", "objection_id", "region_id", "change_id", "user_id", "import_id",
    "job_id", "standard_id", "termination_id",
}  # fmt: skip
# Maker/checker on the sample itself: its objection is against a case clerk_a entered.
# The sample standard was proposed by the administrator, who may not confirm it too.
MAKER_REFUSED = {("notices.objection", "POST", CLERK), ("standards.confirm", "POST", ADMIN)}


def _staff_rules(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint not in PUBLIC_ROUTES),
        key=lambda r: r.endpoint,
    )


def _post_data(endpoint: str, sample: Sample) -> dict:
    # remove needs a line of the draft; everything else is posted empty (refused by its rules).
    return {"case_id": sample.draft_case_id} if endpoint == "notices.remove" else {}


def _walk(app, client, sample: Sample):
    """(endpoint, method, status) for every staff route; the publish POST last, since it
    changes the draft the other routes use."""
    token = csrf_token(client, "/staff/")
    results = []
    rules = _staff_rules(app)
    for method in ("GET", "POST"):
        for rule in sorted(rules, key=lambda r: r.endpoint == "notices.publish"):
            if method not in rule.methods:
                continue
            url = url_of(app, rule, sample)
            title = None
            if method == "GET":
                response = client.get(url)
                status = response.status_code
                if status == 200 and response.mimetype == "text/html":
                    found = TITLE.search(response.get_data(as_text=True))
                    title = found.group(1) if found else ""
            else:
                data = {"csrf_token": token, **_post_data(rule.endpoint, sample)}
                status = client.post(url, data=data).status_code
            has_id = bool(rule.arguments & RECORD_IDS)
            results.append((rule.endpoint, method, status, has_id, title))
    return results


def test_every_staff_route_has_a_rule_in_the_table(app):
    staff = {r.endpoint for r in _staff_rules(app)}
    assert staff == set(STAFF_ROUTES), (
        "add the new route to STAFF_ROUTES with the roles that may use it"
    )


@pytest.mark.parametrize("role", sorted(ANY))
def test_each_role_gets_exactly_the_staff_pages_it_may_use(app, world, sample, role):
    user = {
        CLERK: world.clerk_a,
        REVIEWER: world.reviewer_a,
        COUNTY: world.county_officer,
        ADMIN: world.admin,
    }[role]
    client = app.test_client()
    login(client, user.username)
    wrong = []
    for endpoint, method, status, _, title in _walk(app, client, sample):
        # A page's title is a short plain text (a template once put a whole table in it).
        if title is not None and (not title.strip() or "<" in title or len(title) > 60):
            wrong.append((endpoint, "title", title[:80]))
        allowed = role in STAFF_ROUTES[endpoint] and (endpoint, method, role) not in MAKER_REFUSED
        if method == "GET":
            ok = status == (200 if allowed else 403)
        else:
            ok = status not in (403, 404) and status < 500 if allowed else status == 403
        if not ok:
            wrong.append((endpoint, method, status, "allowed" if allowed else "denied"))
    assert wrong == []


def test_another_townships_records_answer_404_on_every_route(app, world, sample):
    """clerk_b works in 城关街道; everything in the sample belongs to 新店镇."""
    client = app.test_client()
    login(client, world.clerk_b.username)
    wrong = []
    for endpoint, method, status, has_id, _ in _walk(app, client, sample):
        allowed = CLERK in STAFF_ROUTES[endpoint]
        if not has_id:
            continue
        expected = {404} if allowed else {403, 404}
        if status not in expected:
            wrong.append((endpoint, method, status))
    assert wrong == []


def test_anonymous_visitors_are_sent_to_login_from_every_staff_route(app, sample):
    client = app.test_client()
    wrong = []
    for rule in _staff_rules(app):
        url = url_of(app, rule, sample)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        # A POST without a session has no CSRF token either: 400 before anything runs.
        if response.status_code not in (302, 400) or (
            response.status_code == 302 and "/login" not in response.headers["Location"]
        ):
            wrong.append((rule.endpoint, method, response.status_code))
    assert wrong == []


def test_logout_ends_the_session_for_every_role(app, world):
    for user in (world.clerk_a, world.reviewer_a, world.county_officer, world.admin):
        client = app.test_client()
        login(client, user.username)
        token = csrf_token(client, "/staff/")
        assert client.post("/logout", data={"csrf_token": token}).status_code == 302
        assert client.get("/staff/").status_code == 302
