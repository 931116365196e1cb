"""What the service worker knows of the sign-in its cached pages belong to (static/js/sw.js).

Every page answered to a signed-in person says which sign-in it was made for (a header, kept
with the cached copy), and a cookie that scripts may read says which sign-in the browser holds
now. The cookie lives exactly as long as the sign-in on this browser: a browser cookie like the
session's (until the end of the term for "stay signed in"), deleted by the first answer that
finds the session ended (signed out here or elsewhere, the account disabled). The worker opens a
cached page only while the two agree. The mark names a sign-in; it signs nobody in.
"""

import hashlib

from flask import Flask, current_app, g, request

HEADER = "Rollcall-Session"
COOKIE = "rollcall_sw"
SIGNED_OUT = "none"


def mark(token: str) -> str:
    """A short name for the sign-in with this token: not the token, and no way back to it."""
    return hashlib.sha256(b"rollcall service worker\0" + token.encode()).hexdigest()[:16]


def mark_response(response):
    """After the view: a page says whose it is; the cookie follows the sign-in. Nothing on a
    static file (the browser keeps those a year) nor where nobody asked who is signed in."""
    user = g.get("_login_user")  # Flask-Login's user of this request, if it was loaded
    if user is None or request.endpoint in (None, "static"):
        return response
    # Only the token the loader set: reading a column of the user again would cost a query
    # after the view's commit. The anonymous user has none.
    token = getattr(user, "login_token", None)
    now = mark(token) if token else SIGNED_OUT
    response.headers[HEADER] = now
    config = current_app.config
    held = request.cookies.get(COOKIE)
    if now == SIGNED_OUT and held is not None:
        response.delete_cookie(COOKIE, path="/", samesite="Lax",
                               secure=config.get("SESSION_COOKIE_SECURE", False))
    elif now != SIGNED_OUT and held != now:
        response.set_cookie(COOKIE, now, expires=getattr(user, "login_expires_at", None),
                            path="/", samesite="Lax", httponly=False,  # the worker reads it
                            secure=config.get("SESSION_COOKIE_SECURE", False))
    return response


def init_app(app: Flask) -> None:
    app.after_request(mark_response)
