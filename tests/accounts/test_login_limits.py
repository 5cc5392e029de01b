"""Failed logins are counted per account and per client address, also behind a proxy."""

from tests.conftest import csrf_token
from tests.factories import PASSWORD

PROXY = "10.0.0.1"


def _attempt(client, username, password="a-wrong-guess", address=None, forwarded_for=None):
    """One login as a browser at `address` (or behind a proxy, as `forwarded_for`) sends it."""
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": PROXY if forwarded_for else (address or "127.0.0.1")},
        headers={"X-Forwarded-For": forwarded_for} if forwarded_for else {},
    )


def test_guesses_at_one_account_from_many_addresses_pause_that_account(client, world):
    for n in range(5):
        assert _attempt(client, "clerk_a", address=f"203.0.113.{n}").status_code == 401
    response = _attempt(client, "clerk_a", PASSWORD, address="203.0.113.99")
    assert response.status_code == 429
    assert "该账号登录失败次数过多" in response.get_data(as_text=True)


def test_the_account_count_ignores_the_case_of_the_username(client, world):
    for name in ("clerk_a", "CLERK_A", "Clerk_A", "clerk_A", "cLERK_a"):
        _attempt(client, name, address="203.0.113.7")
    assert _attempt(client, "clerk_a", PASSWORD, address="203.0.113.8").status_code == 429


def test_a_paused_account_does_not_lock_out_colleagues_in_the_same_office(client, world):
    office = "198.51.100.20"  # one township office, one public address
    for _ in range(6):
        _attempt(client, "clerk_a", address=office)
    assert _attempt(client, "reviewer_a", PASSWORD, address=office).status_code == 302


def test_one_address_is_still_paused_after_failures_on_many_accounts(
    app, client, world, monkeypatch
):
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_LIMIT", "3 per 5 minutes")
    for n in range(3):
        _attempt(client, f"guess{n}", address="203.0.113.50")
    response = _attempt(client, "clerk_a", PASSWORD, address="203.0.113.50")
    assert response.status_code == 429
    assert _attempt(client, "clerk_a", PASSWORD, address="203.0.113.51").status_code == 302


def test_behind_a_trusted_proxy_each_client_is_counted_separately(make_app, world):
    app = make_app(TRUSTED_PROXIES=1, LOGIN_FAILURE_LIMIT="3 per 5 minutes")
    client = app.test_client()
    for n in range(3):
        _attempt(client, f"guess{n}", forwarded_for="203.0.113.5")
    assert _attempt(client, "clerk_a", PASSWORD, forwarded_for="203.0.113.5").status_code == 429
    assert _attempt(client, "clerk_a", PASSWORD, forwarded_for="203.0.113.6").status_code == 302


def test_behind_a_proxy_guesses_at_one_account_do_not_stop_another(make_app, world):
    app = make_app(TRUSTED_PROXIES=1)
    client = app.test_client()
    for _ in range(5):
        assert _attempt(client, "clerk_a", forwarded_for="203.0.113.5").status_code == 401
    assert _attempt(client, "reviewer_a", PASSWORD, forwarded_for="203.0.113.6").status_code == 302
    assert _attempt(client, "clerk_a", PASSWORD, forwarded_for="203.0.113.6").status_code == 429


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(make_app, world):
    app = make_app(LOGIN_FAILURE_LIMIT="3 per 5 minutes")
    client = app.test_client()
    # A client that writes its own X-Forwarded-For does not get a fresh count with each value.
    for n in range(3):
        _attempt(client, f"guess{n}", forwarded_for=f"203.0.113.{n}")
    assert _attempt(client, "clerk_a", PASSWORD, forwarded_for="203.0.113.9").status_code == 429
