"""Flask-Login wiring: cookies carry a server-side session's token, never the user's id."""

from flask import Flask, current_app, flash, g, redirect, request, session
from flask_babel import gettext as _
from flask_login import login_url
from sqlalchemy import bindparam

from rollcall import clock
from rollcall.auth import services, session_mark
from rollcall.auth.models import UserSession, digest
from rollcall.auth.session_cookie import CookieSessions
from rollcall.extensions import db, login_manager
from rollcall.models import User

# Built once: every signed-in request runs it, and a statement built per request costs more
# CPU than the query itself. The session row's last use comes back as a column, not an object.
LIVE_SESSION = (
    db.select(User, UserSession.last_seen_at, UserSession.expires_at)
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.token == bindparam("token"), UserSession.user_stamp == User.session_token,
           User.active.is_(True),
           UserSession.expires_at.is_(None) | (UserSession.expires_at > bindparam("now")))
)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user of a live session: not signed out, no password change since, account active."""
    row = db.session.execute(LIVE_SESSION, {"token": digest(token), "now": clock.now()}).first()
    if row is None:
        return None
    user, last_seen_at, expires_at = row
    user.login_token, user.login_expires_at = token, expires_at
    if services.seen_long_ago(last_seen_at):
        g.seen_session_token = token  # written after the view: loading a user never commits
    return user


def sign_in_first():
    """To the sign-in page, back here after. A session that has ended (expired, signed out from
    another device) says so; a first visit is only the sign-in page, with nothing to regret."""
    remembered = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME",
                                                            "remember_token"))
    if session.get("_user_id") is not None or remembered:
        flash(_("Your session has ended: please sign in again."), "info")
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def note_session_seen(response):
    """After the view: write when the session was last used, unless the request failed or the
    view left changes it did not commit (they stay unwritten; a later request notes the use)."""
    token = g.pop("seen_session_token", None)
    if token is not None and response.status_code < 500 \
            and not (db.session.new or db.session.dirty or db.session.deleted):
        services.note_seen(token)
    return response


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.unauthorized_handler(sign_in_first)
    login_manager.session_protection = "basic"
    app.after_request(note_session_seen)
    session_mark.init_app(app)
