"""gzip for text responses (HTML, CSS, JSON, Atom, SVG) when the client accepts it.

Residents read notices on cheap phones over slow mobile networks: a 50-row notice page is
about 45 KB of HTML and about 6 KB gzipped. A dozen lines here rather than Flask-Compress,
which would bring Brotli and Zstandard bindings and a cache this app does not need; when
a reverse proxy (nginx `gzip on`) compresses instead, responses arrive here already encoded
and are left alone.
"""

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/atom+xml",
    "application/xml",
    "application/javascript",
    "image/svg+xml",
)
# Below this, gzip's own header and the CPU cost outweigh the bytes saved.
MIN_SIZE = 500
# Static files are read into memory to compress them; ours are a few KB.
MAX_FILE_SIZE = 1024 * 1024


GZIP_SUFFIX = "-gzip"


def unchanged_since(tag: str) -> bool:
    """Whether the client's If-None-Match names strong ETag `tag`, as sent plain or gzipped."""
    wanted = request.if_none_match
    return wanted.star_tag or any(wanted.contains_weak(t) for t in (tag, tag + GZIP_SUFFIX))


def init_compression(app: Flask) -> None:
    app.after_request(gzip_response)


def gzip_response(response: Response) -> Response:
    if not (response.mimetype or "").startswith(COMPRESSIBLE):
        return response
    # Caches must keep the gzip and the plain copy apart, whichever this one is.
    response.vary.add("Accept-Encoding")
    accepted = request.accept_encodings["gzip"] > 0
    if response.status_code == 304 and accepted:
        _name_gzipped_copy(response)  # the copy this client holds is the gzipped one
    if (
        not accepted
        or response.status_code in (204, 206, 304)
        or response.status_code < 200
        or "Content-Encoding" in response.headers
    ):
        return response
    if response.direct_passthrough:  # a static file, sent as it is read
        if (response.content_length or MAX_FILE_SIZE + 1) > MAX_FILE_SIZE:
            return response
        response.direct_passthrough = False
    elif response.is_streamed:
        return response
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    _name_gzipped_copy(response)
    return response


def _name_gzipped_copy(response: Response) -> None:
    """The gzipped copy's bytes differ from the plain one's, its content does not.

    An answer tagged per encoding (portal/caching.immutable, whose check unchanged_since
    knows both names) keeps a strong ETag, "<tag>-gzip" for the gzipped copy, as Apache does.
    Any other strong ETag (a static file's, which werkzeug checks itself) turns weak: it then
    names the content, and If-None-Match, compared weakly, answers 304 for either copy."""
    etag, weak = response.get_etag()
    if not etag or weak or etag.endswith(GZIP_SUFFIX):
        return
    if getattr(response, "tagged_per_encoding", False):
        response.set_etag(etag + GZIP_SUFFIX)
    else:
        response.set_etag(etag, weak=True)
