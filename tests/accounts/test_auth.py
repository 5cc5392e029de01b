"""Login, password hashing, rate limit, cookies and security headers."""

import re

from sqlalchemy import select

from noticeboard.accounts.models import User
from noticeboard.accounts.services import authenticate
from noticeboard.extensions import db
from tests.conftest import csrf_token, login, post_form
from tests.factories import PASSWORD


def test_passwords_are_stored_as_argon2id_hashes(world):
    user = db.session.scalar(select(User).where(User.username == "clerk_a"))
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert authenticate("clerk_a", PASSWORD).id == user.id
    assert authenticate("clerk_a", "wrong-password") is None
    assert authenticate("nobody", PASSWORD) is None


def test_disabled_account_cannot_log_in(world):
    world.clerk_a.is_enabled = False
    db.session.commit()
    assert authenticate("clerk_a", PASSWORD) is None


def test_login_and_logout(client, world):
    login(client, "clerk_a")
    assert "林经办" in client.get("/staff/").get_data(as_text=True)
    token = csrf_token(client, "/staff/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_wrong_password_says_so_without_telling_which_part(client, world):
    response = post_form(client, "/login", {"username": "clerk_a", "password": "nope-nope"})
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)


def test_repeated_failed_logins_are_paused(client, world):
    for _ in range(5):
        response = post_form(client, "/login", {"username": "clerk_a", "password": "guess"})
        assert response.status_code == 401
    response = post_form(client, "/login", {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)


def test_successful_logins_do_not_count_towards_the_pause(client, world):
    for _ in range(7):
        login(client, "clerk_a")


def test_session_cookie_is_httponly_and_samesite(client, world):
    response = login(client, "clerk_a")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_does_not_redirect_to_another_site(client, world):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=//evil.example/x",
        data={"username": "clerk_a", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/staff/home"


def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_staff_pages_are_not_cached(clerk_client):
    assert clerk_client.get("/staff/").headers["Cache-Control"] == "no-store"


def test_login_form_has_a_csrf_token(client):
    page = client.get("/login").get_data(as_text=True)
    assert re.search(r'name="csrf_token" type="hidden" value="[^"]{20,}"', page)


def test_only_admin_manages_users(app, world):
    client = app.test_client()
    login(client, "clerk_a")
    assert client.get("/admin/users").status_code == 403
    login(client, "admin")
    response = post_form(
        client,
        "/admin/users",
        {
            "username": "clerk_c",
            "display_name": "新经办",
            "password": "long-enough-pw",
            "role": "clerk",
            "region_id": str(world.township_a.id),
        },
    )
    assert response.status_code == 302
    assert authenticate("clerk_c", "long-enough-pw").region_id == world.township_a.id


def test_clerk_must_be_bound_to_a_township(app, world):
    client = app.test_client()
    login(client, "admin")
    response = post_form(
        client,
        "/admin/users",
        {
            "username": "clerk_c",
            "display_name": "新经办",
            "password": "long-enough-pw",
            "role": "clerk",
            "region_id": str(world.county.id),
        },
    )
    assert "所属区划：乡镇经办人须绑定到乡镇/街道" in response.get_data(as_text=True)


def test_redirect_targets_must_stay_on_this_site(app):
    from noticeboard.core.security import safe_next

    with app.test_request_context():
        for target in (
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "/%0a/x\n",
            "https://evil.example/",
            "/ok\r\nSet-Cookie: x",
        ):
            assert safe_next(target, "/") == "/", target
        assert safe_next("/staff/?page=2", "/") == "/staff/?page=2"


def test_public_addresses_ignore_the_request_host(app):
    from noticeboard.core.security import public_url

    with app.test_request_context("/", base_url="http://evil.example"):
        assert public_url("portal.notice", notice_id=7) == "http://localhost/notices/7"
