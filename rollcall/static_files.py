"""Static file URLs carry a hash of the file, so a proxy may let browsers keep them for a year.

`url_for('static', filename='css/rollcall.css')` gives `/static/css/rollcall.css?v=<hash>`: an
upgrade that changes the file changes its URL, and no phone keeps yesterday's stylesheet. A
request that names the file's current hash may be kept for a year without asking again.
"""

import hashlib
import os

from flask import Flask, request

YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    folder = app.static_folder
    hashes: dict[tuple[str, int], str] = {}  # (filename, mtime) -> hash: edits show at once

    def version(filename: str) -> str | None:
        # os.path, not pathlib: every page links four static files, and building a Path
        # cost three times the stat.
        path = os.path.join(folder, filename)
        try:
            key = (filename, os.stat(path).st_mtime_ns)
            if key not in hashes:
                with open(path, "rb") as file:
                    hashes[key] = hashlib.sha256(file.read()).hexdigest()[:12]
        except OSError:
            return None
        return hashes[key]

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "v" in values or "filename" not in values:
            return
        if found := version(values["filename"]):
            values["v"] = found

    @app.after_request
    def keep_for_a_year(response):
        if request.endpoint == "static" and response.direct_passthrough:
            # Read the (small) file whole: Flask-Compress then compresses it in one piece, and
            # the file is closed with the response instead of being left to the collector.
            response.direct_passthrough = False
            response.make_sequence()
        if (request.endpoint == "static" and response.status_code in (200, 304)
                and request.args.get("v") and request.view_args
                and request.args["v"] == version(request.view_args.get("filename", ""))):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
            _drop_revalidation_headers(response)
        return response


def _drop_revalidation_headers(response) -> None:
    """A file kept a year under its hash is never asked for again: nothing to revalidate or
    resume, no file name to save under. Headers are not compressed over HTTP/1.1."""
    for name in ("ETag", "Last-Modified", "Accept-Ranges", "Content-Disposition"):
        response.headers.pop(name, None)
