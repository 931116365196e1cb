"""Static file URLs carry a hash of the file, so a proxy may let browsers keep them for a year.

`url_for('static', filename='css/rollcall.css')` gives `/static/css/rollcall.css?v=<hash>`: an
upgrade that changes the file changes its URL, and no phone keeps yesterday's stylesheet.
"""

import hashlib
from pathlib import Path

from flask import Flask


def init_app(app: Flask) -> None:
    folder = Path(app.static_folder)
    hashes: dict[tuple[str, int], str] = {}  # (filename, mtime) -> hash: edits show at once

    def version(filename: str) -> str | None:
        path = folder / filename
        try:
            key = (filename, path.stat().st_mtime_ns)
            if key not in hashes:
                hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        except OSError:
            return None
        return hashes[key]

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "v" in values or "filename" not in values:
            return
        if found := version(values["filename"]):
            values["v"] = found
