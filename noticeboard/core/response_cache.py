"""Each worker keeps the public answers it has just given, for as long as they say any cache
may keep them, and gives them again without running the app.

Public pages are one copy for everyone (portal/caching.py): an anonymous GET answered with
`Cache-Control: public, max-age=N` and no cookie may be kept N seconds by a township's proxy
or a CDN, so keeping it here for at most the same time shows nothing later than they already
may. Where no proxy stands in front (the embedded default), this is what lets two CPUs answer
thousands of readers a second: a kept answer costs a dictionary look-up instead of the queries
and the templates. A kept answer carries `Age`, so a cache behind this one keeps it no longer
than N seconds in all.

Requests with a cookie or an Authorization header (staff) always reach the app, and so does
anything the app did not mark public. The memory used is bounded (RESPONSE_CACHE_MB per
worker, least recently used answers go first).
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

MAX_AGE = re.compile(r"(?:^|,)\s*max-age=(\d+)")
# Answers larger than this are not kept (a long PDF): they would push out many pages.
MAX_ENTRY_BYTES = 2 * 1024 * 1024


class Entry:
    __slots__ = ("body", "expires", "headers", "status", "stored", "tags")

    def __init__(self, status: str, headers: list, body: bytes, max_age: int):
        self.status, self.headers, self.body = status, headers, body
        self.stored = time.monotonic()
        self.expires = self.stored + max_age
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        # If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" and "x" name the same.
        self.tags = {etag.removeprefix("W/")} if etag else set()


class PublicResponseCache:
    """WSGI middleware around the app (outermost, before ProxyFix and Flask)."""

    def __init__(self, app: Callable, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.lock = threading.Lock()

    @staticmethod
    def _key(environ) -> tuple | None:
        """(path, query, gzip or not, If-None-Match): what the app's answer depends on."""
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        if environ.get("HTTP_COOKIE") or environ.get("HTTP_AUTHORIZATION"):
            return None
        gzip = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        wanted = environ.get("HTTP_IF_NONE_MATCH", "")
        return (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), gzip, wanted)

    def _get(self, key: tuple) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if time.monotonic() >= entry.expires:
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def _drop(self, key: tuple) -> None:
        entry = self.entries.pop(key)
        self.size -= len(entry.body)

    def _put(self, key: tuple, entry: Entry) -> None:
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = entry
            self.size += len(entry.body)
            while self.size > self.max_bytes and self.entries:
                self._drop(next(iter(self.entries)))

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        # The app's answer to this very request (a 304 to a revalidation is kept too), else
        # its 200 to a plain request, checked against If-None-Match here.
        entry = self._get(key)
        if entry is None and key[3]:
            entry = self._get((*key[:3], ""))
        if entry is not None:
            return self._replay(entry, environ, start_response)
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.app(environ, capture)
        try:
            chunks = list(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        max_age = self._keepable(captured.get("status", ""), captured.get("headers", []))
        data = b"".join(chunks)
        if max_age and len(data) <= MAX_ENTRY_BYTES:
            self._put(key, Entry(captured["status"], captured["headers"], data, max_age))
        return [data]

    @staticmethod
    def _keepable(status: str, headers: list) -> int:
        """Seconds the app allows any cache to keep this answer; 0: not to keep."""
        if not status.startswith(("200", "304")):
            return 0
        names = {k.lower(): v for k, v in headers}
        control = names.get("cache-control", "").lower()
        if "set-cookie" in names or "public" not in control or "no-store" in control:
            return 0
        match = MAX_AGE.search(control)
        return int(match.group(1)) if match else 0

    @staticmethod
    def _replay(entry: Entry, environ, start_response) -> Iterable[bytes]:
        age = int(time.monotonic() - entry.stored)
        headers = [*entry.headers, ("Age", str(age))]
        wanted = environ.get("HTTP_IF_NONE_MATCH")
        if wanted and entry.tags and entry.status.startswith("200"):
            asked = {t.strip().removeprefix("W/") for t in wanted.split(",")}
            if "*" in asked or asked & entry.tags:
                kept = [(k, v) for k, v in headers if k.lower() != "content-length"]
                start_response("304 NOT MODIFIED", kept)
                return [b""]
        start_response(entry.status, headers)
        return [entry.body]


def init_response_cache(app) -> None:
    megabytes = int(app.config.get("RESPONSE_CACHE_MB", 0))
    if megabytes > 0:
        app.wsgi_app = PublicResponseCache(app.wsgi_app, megabytes * 1024 * 1024)
