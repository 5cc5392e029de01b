"""Passwords that are easy to guess are refused, with a message naming the field."""

import pytest

from noticeboard.accounts.models import Role
from noticeboard.accounts.services import authenticate, create_user
from noticeboard.core.errors import ValidationFailed
from tests.conftest import login, post_form
from tests.factories import PASSWORD


def _new_clerk(client, world, password, username="linxiuying"):
    return post_form(
        client,
        "/admin/users",
        {
            "username": username,
            "display_name": "林秀英",
            "password": password,
            "role": "clerk",
            "region_id": str(world.township_a.id),
        },
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("woaini1314", "密码：这是最常见的密码之一"),
        ("1234567890", "密码：这是最常见的密码之一"),
        ("QWERTYUIOP", "密码：这是最常见的密码之一"),
        ("linxiuying", "密码：不能与用户名相同，也不能包含用户名"),
        ("LinXiuYing2024", "密码：不能与用户名相同，也不能包含用户名"),
        ("8888888888", "密码：不能由同一个字符重复组成"),
        ("short-pw", "密码：至少 10 个字符"),
    ],
)
def test_an_administrator_cannot_give_a_new_account_a_guessable_password(
    app, world, password, message
):
    client = app.test_client()
    login(client, "admin")
    response = _new_clerk(client, world, password)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert authenticate("linxiuying", password) is None


def test_a_password_that_is_long_and_uncommon_is_accepted(app, world):
    client = app.test_client()
    login(client, "admin")
    assert _new_clerk(client, world, "dongfeng-cun-2024").status_code == 302
    assert authenticate("linxiuying", "dongfeng-cun-2024") is not None


@pytest.mark.parametrize("password", ["a123456789", "Password123", "woaini1314", "aaaaaaaaaaaa"])
def test_create_user_refuses_them_for_the_command_line_too(world, password):
    with pytest.raises(ValidationFailed) as refused:
        create_user("lin", password, Role.CLERK, world.township_a)
    assert refused.value.errors["password"]


def test_a_new_password_must_not_be_guessable_either(app, world):
    client = app.test_client()
    login(client, "clerk_a")
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "clerk_a-2024",
            "confirm_password": "clerk_a-2024",
        },
    )
    assert "新密码：不能与用户名相同，也不能包含用户名" in response.get_data(as_text=True)
    login(app.test_client(), "clerk_a", PASSWORD)


def test_a_new_password_must_be_typed_twice_the_same(app, world):
    client = app.test_client()
    login(client, "clerk_a")
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a-new-long-phrase",
            "confirm_password": "a-new-long-phrasf",
        },
    )
    assert "两次输入的新密码不一致" in response.get_data(as_text=True)
    login(app.test_client(), "clerk_a", PASSWORD)
