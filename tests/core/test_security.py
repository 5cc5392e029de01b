"""Behind HTTPS the session cookie is Secure and browsers are told to stay on HTTPS."""

from tests.conftest import login


def test_an_https_site_sends_hsts_and_secure_session_cookies(make_app, world):
    app = make_app(PUBLIC_BASE_URL="https://gongshi.example.gov.cn")
    client = app.test_client()
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"
    response = login(client, "clerk_a")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in cookie


def test_a_plain_http_site_sends_neither(client, world):
    assert "Strict-Transport-Security" not in client.get("/").headers
    response = login(client, "clerk_a")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" not in cookie
