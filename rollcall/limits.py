"""Request body size limits per route, enforced before the body is read.

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


def init_app(app: Flask) -> None:
    # First of all before_request hooks, so CSRF checking never reads an oversized form.
    app.before_request_funcs.setdefault(None, []).insert(0, enforce_body_limit)
