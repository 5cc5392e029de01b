"""Every public API answer validates against the schemas of /api/v1/openapi.json, and the
document describes every public API route."""

import re
from datetime import date

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from noticeboard.extensions import db
from noticeboard.notices.models import Notice
from tests.portal.helpers import travel
from tests.statistics.history import build


def _validator(document: dict, name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _schema_name(document: dict, path: str, status: int) -> str:
    """The schema the document names for `path` (as routed) and `status`."""
    template = next(
        p for p in document["paths"] if re.fullmatch(re.sub(r"\{\w+\}", r"\\d+", p), path)
    )
    answer = document["paths"][template]["get"]["responses"][str(status)]
    return answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def test_every_public_api_answer_validates_against_the_openapi_document(app, world, factory):
    build(world, factory)
    client = app.test_client()
    with travel(date(2026, 11, 20)):
        document = client.get("/api/v1/openapi.json").get_json()
        ids = [n.id for n in db.session.query(Notice).all()]
        paths = [
            "/api/v1/notices",
            f"/api/v1/notices?township={world.township_a.id}&program=dibao&kind=roster",
            "/api/v1/notices?state=ended&since=2026-03-01",
            "/api/v1/notices?state=in_force",
            "/api/v1/notices?kind=nonsense",
            "/api/v1/notices?since=yesterday",
            "/api/v1/notices/999999",
            *(f"/api/v1/notices/{i}" for i in ids),
            "/api/v1/statistics",
            "/api/v1/statistics?month=2026-06",
            f"/api/v1/statistics?month=2026-06&region={world.township_a.id}&program=dibao",
            f"/api/v1/statistics?region={world.village_a.id}",
            "/api/v1/statistics?month=2031-01",
        ]
        answers = {path: client.get(path) for path in paths}
    checked = set()
    for path, response in answers.items():
        if response.status_code == 404 and "/notices/" in path and path != "/api/v1/notices/999999":
            continue  # a notice out of public view (superseded roster, ended long ago)
        route = path.split("?")[0].removeprefix("/api/v1")
        name = _schema_name(document, route, response.status_code)
        errors = list(_validator(document, name).iter_errors(response.get_json()))
        assert errors == [], (path, [e.message for e in errors])
        checked.add((route.split("/")[1], response.status_code))
    assert {("notices", 200), ("notices", 400), ("notices", 404), ("statistics", 200),
            ("statistics", 400), ("statistics", 404)} <= checked  # fmt: skip


def test_the_document_describes_every_public_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert routes == set(document["paths"])


@pytest.mark.parametrize("path", ["/api/v1/notices", "/api/v1/statistics", "/api/v1/openapi.json"])
def test_any_site_may_read_the_api_and_poll_it_cheaply(client, world, path):
    first = client.get(path, headers={"Origin": "https://data.example.org"})
    assert first.status_code == 200
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in first.headers["Access-Control-Expose-Headers"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    preflight = client.options(path, headers={"Origin": "https://data.example.org",
                                              "Access-Control-Request-Method": "GET"})  # fmt: skip
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
