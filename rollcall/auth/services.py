"""Signing in and managing one's own account."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from rollcall import audit, clock
from rollcall.auth import throttle
from rollcall.auth.models import UserSession
from rollcall.extensions import db
from rollcall.models import UNUSABLE_HASH, User

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class SignIn:
    user: User | None = None
    refusal: throttle.Refusal | None = None  # throttled: not even checked


def find_user(username: str) -> User | None:
    """The account with this username (case-insensitive), or None."""
    name = username.strip().lower()
    return db.session.scalar(db.select(User).where(db.func.lower(User.username) == name))


def authenticate(username: str, password: str, ip: str | None) -> SignIn:
    """Check a username and password; the guess is counted before the password is checked."""
    keys = throttle.sign_in_keys(username, ip)
    refusal = throttle.claim(keys)
    if refusal is not None:
        return SignIn(refusal=refusal)
    user = find_user(username)
    if user is None:
        User(password_hash=UNUSABLE_HASH).check_password(password)  # as slow as a real one
        return SignIn()
    if not (user.check_password(password) and user.active):
        return SignIn()
    throttle.clear(keys)
    return SignIn(user=user)


def start_session(user: User, remember_for: timedelta) -> None:
    """Record a new sign-in on the server; user.get_id() then names it for the cookies."""
    now = clock.now()
    db.session.execute(db.delete(UserSession).where(  # this user's dead sessions
        UserSession.user_id == user.id,
        (UserSession.created_at < now - remember_for)
        | (UserSession.user_stamp != user.session_token)))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token=token, user_id=user.id, user_stamp=user.session_token,
                               created_at=now))
    db.session.commit()
    user.login_token = token


def end_session(token: str | None) -> None:
    """Sign one session out: its session cookie and its remember cookie stop working."""
    if token:
        db.session.execute(db.delete(UserSession).where(UserSession.token == token))
        db.session.commit()


@dataclass(frozen=True)
class PasswordChange:
    changed: bool
    refusal: throttle.Refusal | None = None  # too many wrong guesses: not even checked


def change_password(user: User, current: str, new: str) -> PasswordChange:
    """Set a new password if the current one is right (guesses throttled like sign-in);
    every session made before, on any device, is signed out."""
    keys = throttle.password_change_keys(user.id)
    refusal = throttle.claim(keys)
    if refusal is not None:
        return PasswordChange(False, refusal)
    if not user.check_password(current):
        return PasswordChange(False)
    throttle.clear(keys)
    user.set_password(new)
    audit.record("user.password_changed", user, actor=user)
    db.session.commit()
    return PasswordChange(True)


def create_user(*, school, username: str, password: str, role: str, display_name: str,
                homerooms=(), phone_e164: str | None = None, actor=None) -> User:
    """Create an account; the caller has checked the username is free."""
    user = User(school=school, username=username.strip(), role=role,
                display_name=display_name, phone_e164=phone_e164)
    user.set_password(password)
    user.homerooms = list(homerooms)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, actor=actor,
                 after={"username": user.username, "role": role,
                        "homerooms": [h.name for h in homerooms]})
    return user
