"""Versioned URLs for static files (/static/style.css?v=<hash of the file>), kept a year.

A changed file gets a new URL, so browsers and a CDN may keep each version for good instead
of asking again every few minutes."""

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, request
from werkzeug.wrappers import Response

ONE_YEAR = 365 * 24 * 3600


@cache
def _version(path: Path, modified: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def file_version(folder: str, filename: str) -> str | None:
    path = Path(folder, filename)
    try:
        return _version(path, path.stat().st_mtime)
    except OSError:
        return None


def init_static_versions(app: Flask) -> None:
    @app.url_defaults
    def versioned(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "filename" not in values or "v" in values:
            return
        if version := file_version(app.static_folder, values["filename"]):
            values["v"] = version

    @app.after_request
    def kept_long(response: Response) -> Response:
        if (
            request.endpoint == "static"
            and request.args.get("v")
            and request.args["v"] == file_version(app.static_folder, request.view_args["filename"])
            and response.status_code in (200, 304)
        ):
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
