"""Security headers on every response."""

from flask import Flask, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# Static stylesheets and scripts: the page's policy applies to them, not theirs (a worker
# script is the exception, and /sw.js is not a static file: it keeps every header). Each
# header dropped from them is bytes saved on every first visit over HTTP/1.1, where headers
# are not compressed.
SUBRESOURCES = {"text/css", "text/javascript", "application/javascript"}


def add_security_headers(response):
    """No inline script, no framing, no sniffing, no referrer leaks across sites."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.endpoint == "static" and response.mimetype in SUBRESOURCES:
        return response  # the rest governs documents: a stylesheet or script ignores it
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def no_store_for_people(response):
    """Pages, exports and API answers for a signed-in person (phone numbers, names) never
    stay in a browser's or a proxy's cache; static files and the sign-in page may.
    (Whether anyone signed in, not is_authenticated: that would reload the user a save's
    COMMIT expired, a second transaction for a header.)"""
    if request.endpoint != "static" and (not current_user.is_anonymous
                                         or request.blueprint == "api"):
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.after_request(no_store_for_people)
    if app.config["ENV"] == "production":
        app.after_request(_hsts)


def _hsts(response):
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
