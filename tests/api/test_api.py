"""/api/v1 and the township Atom feed: notices in public view, masked, re-hashable."""

import hashlib
import json
import xml.etree.ElementTree as ET
from datetime import date
from types import SimpleNamespace

from flask import render_template

from noticeboard.cases.models import Program
from noticeboard.core.types import utcnow
from noticeboard.notices import approval, linshi_lists, pre_approval
from tests.portal.helpers import START, publish, travel

ATOM = "{http://www.w3.org/2005/Atom}"


def test_list_has_the_notices_in_public_view_with_their_codes(client, world, factory):
    with travel(START):
        notice, _ = publish(world, factory, applicant_name="张三丰")
        withdrawn, _ = publish(world, factory, Program.TEKUN)
        pre_approval.withdraw_notice(world.reviewer_a, withdrawn.id, "金额录入错误")
        response = client.get("/api/v1/notices")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    body = response.get_json()
    assert [item["id"] for item in body["notices"]] == [notice.id] and body["count"] == 1
    item = body["notices"][0]
    assert item == {
        "id": notice.id,
        "kind": "pre_approval",
        "program": "dibao",
        "title": notice.title,
        "region": {"county": "示范县", "township": "新店镇", "village": "东风村"},
        "period": {"start": "2026-11-02", "end": "2026-11-08"},
        "month": None,
        "state": "in_force",
        "state_label": "公示中",
        "published_at": notice.published_at.isoformat(),
        "sha256": notice.sha256_online,
        "verification_code": notice.verification_code,
        "url": f"http://localhost/notices/{notice.id}",
    }
    assert "张三丰" not in response.get_data(as_text=True)


def test_list_filters_by_village_and_township(client, world, factory):
    with travel(START):
        in_a, _ = publish(world, factory)
        in_a2, _ = publish(world, factory, Program.TEKUN, village=world.village_a2)

        def ids(query):
            return [
                item["id"] for item in client.get(f"/api/v1/notices?{query}").get_json()["notices"]
            ]

        assert ids(f"village={world.village_a.id}") == [in_a.id]
        assert sorted(ids(f"township={world.township_a.id}")) == sorted([in_a.id, in_a2.id])
        assert ids(f"township={world.township_b.id}") == []
        for bad in (f"village={world.township_a.id}", "township=9999", "village=abc"):
            response = client.get(f"/api/v1/notices?{bad}")
            assert response.status_code == 404 and response.get_json() == {"error": "not found"}


def test_detail_carries_the_snapshot_whose_sha256_anyone_can_recompute(client, world, factory):
    with travel(START):
        notice, case = publish(world, factory, applicant_name="张三丰")
        response = client.get(f"/api/v1/notices/{notice.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    body = response.get_json()
    assert body["id"] == notice.id and body["state"] == "in_force"
    assert body["verification_code"] == notice.verification_code
    assert body["sha256"] == notice.sha256_online
    assert hashlib.sha256(body["snapshot"].encode("utf-8")).hexdigest() == body["sha256"]
    assert json.loads(body["snapshot"])["rows"] == body["rows"]
    assert body["rows"][0]["name"] == "张*丰" and body["rows"][0]["address"] == "东风村"
    assert body["phones"] == {"township": "0591-83210000", "county": "0591-87650000"}
    text = response.get_data(as_text=True)
    assert "张*丰" in text  # UTF-8, not \u escapes
    for private in ("张三丰", case.applicant_id_number, case.applicant_phone, case.members[0].name):
        assert private not in text


def test_detail_of_a_notice_not_in_public_view_is_a_json_404(client, world, factory):
    with travel(START):
        notice, _ = publish(world, factory)
        pre_approval.withdraw_notice(world.reviewer_a, notice.id, "金额录入错误")
        for url in (f"/api/v1/notices/{notice.id}", "/api/v1/notices/9999"):
            response = client.get(url)
            assert response.status_code == 404
            assert response.get_json() == {"error": "not found"}


def test_township_feed_is_atom_newest_first(app, client, world, factory):
    with travel(START):
        first, _ = publish(world, factory)
    with travel(date(2026, 11, 3)):
        second, _ = publish(world, factory, Program.TEKUN, village=world.village_a2)
        response = client.get(f"/townships/{world.township_a.id}/feed.atom")
        other = client.get(f"/townships/{world.township_b.id}/feed.atom")
        assert client.get(f"/townships/{world.village_a.id}/feed.atom").status_code == 404
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    assert "新店镇" in feed.findtext(f"{ATOM}title")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [second.title, first.title]
    newest = entries[0]
    assert newest.find(f"{ATOM}link").get("href") == f"http://localhost/notices/{second.id}"
    assert newest.findtext(f"{ATOM}id") == f"tag:localhost,2026-11-03:notice/{second.id}"
    assert newest.findtext(f"{ATOM}updated") == second.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert feed.findtext(f"{ATOM}updated") == newest.findtext(f"{ATOM}updated")
    assert ET.fromstring(other.get_data()).findall(f"{ATOM}entry") == []


def test_feed_escapes_names_so_the_xml_stays_well_formed(app):
    # Region names are typed by an administrator; the .xml template is autoescaped by Flask.
    township = SimpleNamespace(id=1, name="新店<镇> & 街道", parent=SimpleNamespace(name="示范县"))
    with app.test_request_context():
        body = render_template(
            "api/feed.atom.xml",
            township=township,
            entries=[],
            updated=utcnow(),
            tag_authority="localhost",
        )
    assert ET.fromstring(body).findtext(f"{ATOM}title") == "示范县新店<镇> & 街道社会救助公示"


def test_the_notice_list_comes_a_page_at_a_time(app, world, factory):
    """A whole county's list is long: the API gives it in pages, and says how many in all."""
    for _ in range(5):
        case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
        draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
        pre_approval.publish_notice(world.reviewer_a, draft.id)
    client = app.test_client()
    seen = []
    app.config["API_PAGE_SIZE"] = 2
    try:
        for number in (1, 2, 3):
            body = client.get(f"/api/v1/notices?page={number}").get_json()
            assert (body["count"], body["pages"], body["page"]) == (5, 3, number)
            seen += [item["id"] for item in body["notices"]]
    finally:
        app.config["API_PAGE_SIZE"] = 100
    assert len(seen) == len(set(seen)) == 5


def test_list_summaries_are_read_from_the_snapshots_as_the_detail_shows_them(
    client, world, factory
):
    """Lists read a notice's title, place and dates from the summary frozen beside its
    snapshot (the rows stay in the database): every kind must give the fields the full
    snapshot has."""
    with travel(START):
        _, case = publish(world, factory, applicant_name="张三丰")
    with travel(date(2026, 11, 9)):
        approval.approve_case(world.county_officer, case.id)
        factory.case(world.clerk_a, Program.LINSHI, world.village_a, paid_on="2026-11-05")
        linshi_lists.publish_linshi_list(world.reviewer_a, world.village_a.id, date(2026, 11, 1))
        listed = client.get("/api/v1/notices").get_json()["notices"]
        assert {item["kind"] for item in listed} == {"pre_approval", "roster", "linshi_list"}
        for item in listed:
            detail = client.get(f"/api/v1/notices/{item['id']}").get_json()
            snapshot = json.loads(detail["snapshot"])
            for key in ("kind", "program", "title", "region", "period", "month"):
                assert item[key] == snapshot[key], (item["kind"], key)


def test_list_filters_pages_with_a_next_link_in_a_stable_order(app, client, world, factory):
    from noticeboard.extensions import db
    from noticeboard.notices.models import Notice

    app.config["API_PAGE_SIZE"] = 2
    try:
        with travel(START):
            for _ in range(3):
                publish(world, factory)
            publish(world, factory, Program.TEKUN)
            first = client.get("/api/v1/notices?program=dibao&kind=pre_approval").get_json()
            assert first["count"] == 3 and first["pages"] == 2
            second = client.get(first["next"].removeprefix("http://localhost")).get_json()
            assert second["next"] is None
            ids = [n["id"] for n in first["notices"] + second["notices"]]
            expected = [
                n.id
                for n in sorted(
                    db.session.query(Notice).filter(Notice.program == "dibao"),
                    key=lambda n: (n.published_at, n.id),
                    reverse=True,
                )
            ]
            assert ids == expected
            assert "program=dibao" in first["next"] and "kind=pre_approval" in first["next"]
            assert client.get("/api/v1/notices?state=ended").get_json()["count"] == 0
            assert client.get("/api/v1/notices?since=2026-11-03").get_json()["count"] == 0
            assert client.get("/api/v1/notices?since=2026-11-02").get_json()["count"] == 4
        with travel(date(2026, 11, 20)):
            assert client.get("/api/v1/notices?state=ended").get_json()["count"] == 4
            assert client.get("/api/v1/notices?state=in_force").get_json()["count"] == 0
    finally:
        app.config["API_PAGE_SIZE"] = 100
