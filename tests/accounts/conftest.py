"""Fixtures shared with tests/core: `make_app` builds a second app with settings read at start."""

from tests.core.conftest import make_app

__all__ = ["make_app"]
