"""Login limits hold across gunicorn's workers (the embedded SQLite counters) and across
machines (a real Redis through RATELIMIT_STORAGE_URI, Debian's redis-server)."""

import http.cookiejar
import os
import re
import urllib.parse
import urllib.request

import pytest

from tests.ops.servers import app_env, gunicorn, redis_server, serving

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="builds an SQLite database of its own: once per make test, on the SQLite pass",
)
LIMIT = 3
ATTEMPTS = 8


def _failed_logins(base: str) -> list[int]:
    """ATTEMPTS wrong passwords for one account, each from a new browser (new connection, so
    gunicorn hands them to either worker)."""
    statuses = []
    for _ in range(ATTEMPTS):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base + "/login", timeout=10).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"csrf_token": token, "username": "lin", "password": "wrong-password-1"}
        ).encode()
        try:
            statuses.append(opener.open(base + "/login", data=data, timeout=10).status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


def _check(env: dict) -> None:
    # Failures count per account name whether or not it exists: no account is needed.
    with serving(env, gunicorn(workers=2)) as (base, _):
        statuses = _failed_logins(base)
    # The first LIMIT attempts are wrong passwords (401); every one after is refused (429),
    # whichever worker it reached.
    assert statuses == [401] * LIMIT + [429] * (ATTEMPTS - LIMIT)


def test_login_limit_holds_across_two_workers_on_the_embedded_default(tmp_path):
    _check(app_env(tmp_path, LOGIN_ACCOUNT_FAILURE_LIMIT=f"{LIMIT} per 5 minutes"))


def test_login_limit_holds_across_workers_sharing_a_real_redis(tmp_path):
    with redis_server(tmp_path) as url:
        env = app_env(
            tmp_path,
            LOGIN_ACCOUNT_FAILURE_LIMIT=f"{LIMIT} per 5 minutes",
            RATELIMIT_STORAGE_URI=url,
        )
        _check(env)
        import redis

        assert redis.Redis.from_url(url).keys("*")  # the counts really went to Redis
