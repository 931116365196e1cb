"""Request body size limits per route, enforced before the body is read; no NUL bytes in
form fields or query strings (PostgreSQL refuses them in text, SQLite stores them silently).

MAX_CONTENT_LENGTH is the default for every route; sign-in and the API take less, the roster
upload as much as a roster file may be. A bigger declared body is refused at once with 413;
a body without a declared length (chunked) is cut off at the same limit while it is read.
"""

from flask import Flask, abort, current_app, request

# Room for the multipart envelope and the other fields around an uploaded roster file.
UPLOAD_ENVELOPE_BYTES = 64 * 1024


def body_limit() -> int:
    """The largest request body the matched route takes, in bytes."""
    config = current_app.config
    if request.endpoint == "auth.login":
        return config["SIGN_IN_MAX_CONTENT_LENGTH"]
    if request.endpoint == "admin.import_roster":
        return config["ROSTER_MAX_FILE_BYTES"] + UPLOAD_ENVELOPE_BYTES
    if request.blueprint == "api":
        return config["API_MAX_CONTENT_LENGTH"]
    return config["MAX_CONTENT_LENGTH"]


def enforce_body_limit():
    """413 before reading a body that says it is too big; cut off one that grows too big."""
    limit = body_limit()
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        abort(413, f"the request body may hold at most {limit} bytes")


def refuse_nul_bytes():
    """400 for a NUL byte in any query or form value (uploaded files are the roster's job)."""
    values = list(request.args.values())
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        values += list(request.form.values())
    if any("\x00" in value for value in values):
        abort(400, "a NUL byte is not allowed in a form or query value")


def init_app(app: Flask) -> None:
    # First of all before_request hooks, so CSRF checking never reads an oversized form.
    hooks = app.before_request_funcs.setdefault(None, [])
    hooks[0:0] = [enforce_body_limit, refuse_nul_bytes]
