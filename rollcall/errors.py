"""The one error path: every error rolls back the failed transaction first, then answers with
JSON under /api/ and with the app's own page elsewhere; hostile input never reaches a 500.

Also here, because they are how hostile input is turned away before it costs anything: the
<int:…> converter bounded to the database's integer range, and JSON nesting depth."""

import json
import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest, HTTPException, MethodNotAllowed
from werkzeug.routing import IntegerConverter

from rollcall.extensions import db

log = logging.getLogger(__name__)

# The largest id any table holds (PostgreSQL's integer); a bigger one in a path matches no route.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """<int:…> in every route: non-negative and within the database's integer range."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class SafeJSONProvider(DefaultJSONProvider):
    """JSON nested too deep to parse is a bad request (ValueError), not a RecursionError."""

    def loads(self, s, **kwargs):
        try:
            return json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _rollback() -> None:
    """On PostgreSQL a failed statement poisons the transaction: end it before answering."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the connection itself may be gone; answer anyway)
        log.warning("rollback after an error failed", exc_info=True)


def handle_http_error(error: HTTPException):
    """An HTTP error as the API's JSON or the app's page, with the headers it needs (Allow)."""
    _rollback()
    code = error.code or 500
    if wants_json():
        response = jsonify({"error": (error.name or "error").lower().replace(" ", "_"),
                            "message": error.description or ""})
        response.status_code = code
    else:
        limit_mb = (f"{request.max_content_length / 2**20:.1f}"
                    if code == 413 and request.max_content_length else None)
        response = make_response(render_template(
            "errors/error.html", code=code, csrf=isinstance(error, CSRFError),
            limit_mb=limit_mb), code)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def handle_bad_data(error: DataError):
    """A value the database refuses (out of range, a NUL byte) is the client's bad request."""
    log.info("database refused a value: %s", type(error.orig).__name__)
    return handle_http_error(BadRequest("a value is out of range or not allowed"))


def handle_overflow(error: OverflowError):
    """A number too big for SQLite or a date past year 9999 came from the request."""
    log.info("a value overflowed: %s", error)
    return handle_http_error(BadRequest("a value is out of range"))


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.json = SafeJSONProvider(app)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DataError, handle_bad_data)
    app.register_error_handler(OverflowError, handle_overflow)
    # An unhandled exception reaches handle_http_error as Flask's InternalServerError.
