"""Fixtures for settings read once at start (proxies, HTTPS): a second app on the test database."""

import pytest

from noticeboard import create_app
from noticeboard.extensions import db
from tests.conftest import FreshContextClient

# The session app's settings that a second app must share to use the same database and cookies.
SHARED_SETTINGS = (
    "TESTING",
    "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY",
    "WTF_CSRF_ENABLED",
    "SERVER_NAME",
    "PUBLIC_BASE_URL",
)


@pytest.fixture
def make_app(app):
    """`make_app(TRUSTED_PROXIES=1)`: an app built with these settings on the test database."""
    made = []

    def make(**settings):
        other = create_app({**{key: app.config[key] for key in SHARED_SETTINGS}, **settings})
        other.test_client_class = FreshContextClient
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()
