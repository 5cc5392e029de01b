"""A session ends when it should: logout, password change, disabled account, idle and age."""

from datetime import UTC, datetime, timedelta

import time_machine

from tests.conftest import csrf_token, login, post_form
from tests.factories import PASSWORD

STAFF_HOME = "/staff/"
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.77"}


def _replayed(app, client):
    """A new browser, at another address, holding the session cookie `client` has now."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain=cookie.domain)
    thief.environ_base.update(ELSEWHERE)
    return thief


def _logout(client):
    return client.post("/logout", data={"csrf_token": csrf_token(client, STAFF_HOME)})


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_cookie_captured_before_logout_is_refused_after_it(app, world):
    client = app.test_client()
    login(client, "clerk_a")
    stolen = _replayed(app, client)
    assert stolen.get(STAFF_HOME).status_code == 200  # the copy works while the session lives

    assert _logout(client).status_code == 302
    assert _sent_to_login(stolen.get(STAFF_HOME))


def test_logging_out_ends_the_accounts_sessions_on_other_computers(app, world):
    office, home = app.test_client(), app.test_client()
    login(office, "clerk_a")
    login(home, "clerk_a")
    _logout(office)
    assert _sent_to_login(home.get(STAFF_HOME))


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, world):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "clerk_a")
    login(elsewhere, "clerk_a")
    response = post_form(
        here,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a-new-long-phrase",
            "confirm_password": "a-new-long-phrase",
        },
    )
    assert response.status_code == 302
    assert "密码已修改" in here.get(STAFF_HOME).get_data(as_text=True)
    assert _sent_to_login(elsewhere.get(STAFF_HOME))
    login(app.test_client(), "clerk_a", "a-new-long-phrase")
    refused = post_form(app.test_client(), "/login", {"username": "clerk_a", "password": PASSWORD})
    assert refused.status_code == 401


def test_changing_the_password_needs_the_current_one(app, world):
    client = app.test_client()
    login(client, "clerk_a")
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": "not-my-password",
            "new_password": "a-new-long-phrase",
            "confirm_password": "a-new-long-phrase",
        },
    )
    assert "当前密码：不正确" in response.get_data(as_text=True)
    login(app.test_client(), "clerk_a", PASSWORD)


def test_disabling_an_account_ends_its_sessions_for_good(app, world):
    clerk, admin = app.test_client(), app.test_client()
    login(clerk, "clerk_a")
    login(admin, "admin")
    token = csrf_token(admin, "/admin/users")
    disabled = admin.post(f"/admin/users/{world.clerk_a.id}/disable", data={"csrf_token": token})
    assert disabled.status_code == 302
    assert _sent_to_login(clerk.get(STAFF_HOME))
    # Enabling the account again does not bring the old session back; a new login works.
    admin.post(f"/admin/users/{world.clerk_a.id}/enable", data={"csrf_token": token})
    assert _sent_to_login(clerk.get(STAFF_HOME))
    login(clerk, "clerk_a")
    assert clerk.get(STAFF_HOME).status_code == 200


def test_administrators_cannot_disable_themselves(app, world):
    admin = app.test_client()
    login(admin, "admin")
    token = csrf_token(admin, "/admin/users")
    admin.post(f"/admin/users/{world.admin.id}/disable", data={"csrf_token": token})
    page = admin.get("/admin/users")
    assert page.status_code == 200
    assert "不能停用自己的账号" in page.get_data(as_text=True)


def _clock():
    return time_machine.travel(datetime(2026, 3, 2, 1, 0, tzinfo=UTC), tick=False)


def test_an_idle_session_times_out_after_30_minutes(app, world):
    with _clock() as clock:
        client = app.test_client()
        login(client, "clerk_a")
        clock.shift(timedelta(minutes=29))
        assert client.get(STAFF_HOME).status_code == 200
        clock.shift(timedelta(minutes=29))  # each request restarts the idle clock
        assert client.get(STAFF_HOME).status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get(STAFF_HOME)
        assert _sent_to_login(response)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "登录已超时，请重新登录" in page
        assert "请先登录" not in page


def test_a_busy_session_still_ends_after_12_hours(app, world):
    with _clock() as clock:
        client = app.test_client()
        login(client, "clerk_a")
        for _ in range(28):  # 11 h 40 min of work, never idle for long
            clock.shift(timedelta(minutes=25))
            assert client.get(STAFF_HOME).status_code == 200
        clock.shift(timedelta(minutes=25))
        assert _sent_to_login(client.get(STAFF_HOME))
        assert "登录已超时" in client.get("/login").get_data(as_text=True)


def test_timeouts_follow_the_settings(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    with _clock() as clock:
        client = app.test_client()
        login(client, "clerk_a")
        clock.shift(timedelta(minutes=6))
        assert _sent_to_login(client.get(STAFF_HOME))


def test_a_csrf_token_from_before_login_is_refused_after_it(client, world):
    before = csrf_token(client, "/login")
    client.post("/login", data={"username": "clerk_a", "password": PASSWORD, "csrf_token": before})
    assert client.get(STAFF_HOME).status_code == 200
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.get(STAFF_HOME).status_code == 200
