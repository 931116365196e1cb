"""Flask-Login wiring: sessions identify a user by a token that changes with the password."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from rollcall.extensions import db, login_manager
from rollcall.models import User


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.session_token == session_token))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
