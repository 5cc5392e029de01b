"""A published snapshot never changes: its PDF and API answer carry strong ETags from its hash
and answer 304 to them; static files have versioned URLs kept a year."""

import re

from noticeboard.cases.models import Program
from noticeboard.notices import pre_approval

GZIP = {"Accept-Encoding": "gzip"}


def _published(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
    return pre_approval.publish_notice(world.reviewer_a, draft.id)


def test_pdf_has_a_strong_etag_from_the_snapshot_hash_and_answers_304(app, world, factory):
    notice = _published(world, factory)
    client = app.test_client(use_cookies=False)
    first = client.get(f"/notices/{notice.id}.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    etag = first.headers["ETag"]
    assert etag == f'"{notice.sha256_online}.A4-portrait"'  # strong: no W/
    control = first.cache_control
    assert control.public and control.max_age >= 3600 and control.s_maxage >= 86400
    again = client.get(f"/notices/{notice.id}.pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    other_paper = client.get(
        f"/notices/{notice.id}.pdf?paper=A3-portrait", headers={"If-None-Match": etag}
    )
    assert other_paper.status_code == 200


def test_api_notice_has_a_strong_etag_per_copy_and_answers_304(app, world, factory):
    notice = _published(world, factory)
    client = app.test_client(use_cookies=False)
    url = f"/api/v1/notices/{notice.id}"
    plain, zipped = client.get(url), client.get(url, headers=GZIP)
    assert plain.headers["ETag"].startswith(f'"{notice.sha256_online}.')
    assert zipped.headers["Content-Encoding"] == "gzip"
    # The gzipped bytes differ, so they carry a strong tag of their own.
    assert zipped.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
    for headers, etag in (({}, plain.headers["ETag"]), (GZIP, zipped.headers["ETag"])):
        again = client.get(url, headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304 and again.headers["ETag"] == etag


def test_api_etag_changes_when_the_notice_is_withdrawn(app, world, factory):
    notice = _published(world, factory)
    client = app.test_client(use_cookies=False)
    url = f"/api/v1/notices/{notice.id}"
    etag = client.get(url).headers["ETag"]
    pre_approval.withdraw_notice(world.reviewer_a, notice.id, "名单有误，撤回重新公示。")
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code != 304


def test_static_files_have_versioned_urls_kept_a_year(client):
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'href="(/static/style\.css\?v=[0-9a-f]{12})"', page).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    stale = client.get("/static/style.css?v=000000000000")
    assert stale.cache_control.max_age != 365 * 24 * 3600
