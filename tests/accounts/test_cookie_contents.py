"""The session cookie is signed, not encrypted: what the app flashes must not name anyone."""

import json
import zlib

from itsdangerous import base64_decode

from tests.conftest import login, post_form


def read_without_the_key(cookie_value: str) -> str:
    """The session as anyone holding the cookie reads it: no secret key needed."""
    compressed = cookie_value.startswith(".")
    payload = base64_decode(cookie_value.lstrip(".").split(".")[0])
    return json.dumps(
        json.loads(zlib.decompress(payload) if compressed else payload), ensure_ascii=False
    )


def test_creating_an_account_flashes_no_name_into_the_cookie(app, world):
    client = app.test_client()
    login(client, "admin")
    response = post_form(
        client,
        "/admin/users",
        {
            "username": "ouyangnana",
            "display_name": "欧阳娜娜",
            "password": "dongfeng-cun-2024",
            "role": "clerk",
            "region_id": str(world.township_a.id),
        },
    )
    assert response.status_code == 302
    session = read_without_the_key(client.get_cookie("session").value)
    assert "_flashes" in session
    assert "ouyangnana" not in session
    assert "欧阳娜娜" not in session
