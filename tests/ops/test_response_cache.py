"""The public answers a worker keeps (core/response_cache.py): given again without the app
for as long as they say any cache may keep them, never for staff, never past their max-age."""

import pytest
import time_machine

from noticeboard import create_app
from noticeboard.cases.models import Program
from noticeboard.core import response_cache
from noticeboard.notices import pre_approval


@pytest.fixture
def cached_app(app):
    """The app as served: the same database, with the response cache on."""
    served = create_app(
        {
            **{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING")},
            "RESPONSE_CACHE_MB": 4,
        }
    )
    return served


@pytest.fixture
def published(world, factory):
    case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(world.clerk_a, world.village_a.id, "dibao", [case.id])
    return pre_approval.publish_notice(world.reviewer_a, draft.id)


def _count_app_calls(cached_app, monkeypatch) -> list:
    calls = []
    inner = cached_app.wsgi_app.app

    def counting(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    monkeypatch.setattr(cached_app.wsgi_app, "app", counting)
    return calls


def test_a_public_page_is_kept_for_its_max_age_and_revalidated_from_memory(
    cached_app, published, monkeypatch
):
    calls = _count_app_calls(cached_app, monkeypatch)
    client = cached_app.test_client(use_cookies=False)
    url = f"/notices/{published.id}"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    second = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == second.status_code == 200
    assert second.data == first.data and "Age" in second.headers
    assert calls == [url]  # the second never reached the app
    again = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b"" and calls == [url]
    plain = client.get(url)  # the copy without gzip is another answer
    assert "Content-Encoding" not in plain.headers and calls == [url, url]
    max_age = first.cache_control.max_age
    monotonic = response_cache.time.monotonic
    monkeypatch.setattr(response_cache.time, "monotonic", lambda: monotonic() + max_age + 1)
    client.get(url, headers={"Accept-Encoding": "gzip"})
    assert calls == [url, url, url]  # past its max-age it is asked for again


def test_staff_and_private_answers_always_reach_the_app(cached_app, world, monkeypatch):
    calls = _count_app_calls(cached_app, monkeypatch)
    staff = cached_app.test_client()
    staff.get("/login")  # a session cookie from here on
    staff.get("/")
    staff.get("/")
    anonymous = cached_app.test_client(use_cookies=False)
    anonymous.get("/login")
    anonymous.get("/login")  # a form with a CSRF token: private, never kept
    assert calls == ["/login", "/", "/", "/login", "/login"]


def test_memory_is_bounded(cached_app):
    cache = cached_app.wsgi_app
    cache.max_bytes = 10_000
    client = cached_app.test_client(use_cookies=False)
    for page in range(1, 40):
        client.get(f"/?q=村{page}")
    assert 0 < cache.size <= 10_000


def test_kept_answers_never_outlive_the_day_they_change_on(cached_app, published):
    """A village page kept at 23:59:30 Beijing time says so in its max-age (30 s)."""
    client = cached_app.test_client(use_cookies=False)
    with time_machine.travel("2026-11-26 15:59:30 +0000", tick=False):
        response = client.get(f"/townships/{published.region.parent_id}")
    assert response.cache_control.max_age <= 30
