"""Fixtures: one app per session on a real database built by the migrations; clean tables per test.

The database is an SQLite file by default; TEST_DATABASE_URL points the suite at PostgreSQL
(scripts/test-all.sh does this inside pg_virtualenv).
"""

import os
import re

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from noticeboard import create_app
from noticeboard.extensions import db, limiter
from noticeboard.jobs.queue import huey
from tests.factories import PASSWORD, Factory
from tests.walk import sample  # noqa: F401 (a fixture for every test module)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    """argon2's production cost (~0.1 s a hash) times five users per test would dominate the
    suite; tests check that hashes are argon2 and verify, not their cost."""
    from argon2 import PasswordHasher, profiles

    from noticeboard.accounts import passwords

    production = passwords._hasher
    passwords._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    passwords._hasher = production


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    Tests hold an app context for the services; without this, requests would share its `g`
    (and Flask-Login's cached user) and its database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": True,
            "SERVER_NAME": "localhost",
            "PUBLIC_BASE_URL": "http://localhost",
            # Tests travel in time and change data between requests; the kept answers have
            # tests of their own (tests/ops/test_response_cache.py).
            "RESPONSE_CACHE_MB": 0,
            # Rendering every published notice's PDF at once (immediate mode) would add
            # seconds to hundreds of tests; tests/printing/test_prerender.py turns it on.
            "PRERENDER_PDFS": False,
            "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path_factory.mktemp('limits') / 'l.db'}",
        }
    )
    app.test_client_class = FreshContextClient
    # Jobs run at once, in the request that queues them (huey's immediate mode, in memory):
    # a test sees a job's end state right away. tests/ops/test_jobs.py also runs a real worker.
    huey.immediate = True
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()  # the schema comes from the migrations, as in production
    return app


_STATISTICS = text("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'")


def _forget_planner_statistics():
    """Drop the statistics an ANALYZE left (an import runs one, core/planner.py), so the
    next test plans as on a new database, not from this test's few rows. A connection keeps
    the statistics it loaded, so the pooled connections are closed too."""
    analyzed = db.session.execute(_STATISTICS).scalars().all()
    for name in analyzed:
        db.session.execute(text(f"DROP TABLE {name}"))
    if analyzed:
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(app):
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                db.session.execute(table.delete())
            _forget_planner_statistics()
        db.session.commit()
        limiter.reset()


@pytest.fixture
def factory(app):
    return Factory()


@pytest.fixture
def world(factory):
    """A county with two townships (A: 新店镇, B: 城关街道), villages and one user per role."""
    return factory.world()


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on `url`, as a browser would submit it."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict, form_url: str | None = None):
    """Submit a form like a browser: fetch the page for its token, then POST."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, form_url or url)})


def seen_on(page: str) -> str:
    """The fingerprint of the draft that a notice page's publish form carries."""
    marker = 'name="seen" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def login(client, username: str, password: str = PASSWORD):
    response = post_form(client, "/login", {"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def clerk_client(app, world):
    client = app.test_client()
    login(client, world.clerk_a.username)
    return client
