"""Signing in and managing one's own account."""

from dataclasses import dataclass
from functools import cache

from werkzeug.security import generate_password_hash

from rollcall import audit
from rollcall.auth import throttle
from rollcall.extensions import db
from rollcall.models import User

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class SignIn:
    user: User | None = None
    refusal: throttle.Refusal | None = None  # throttled: not even checked


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password", method="scrypt")


def find_user(username: str) -> User | None:
    """The account with this username (case-insensitive), or None."""
    name = username.strip().lower()
    return db.session.scalar(db.select(User).where(db.func.lower(User.username) == name))


def authenticate(username: str, password: str, ip: str | None) -> SignIn:
    """Check a username and password, honouring and updating the login throttle."""
    refusal = throttle.check(username, ip)
    if refusal is not None:
        return SignIn(refusal=refusal)
    user = find_user(username)
    if user is None:
        User(password_hash=_dummy_hash()).check_password(password)  # same time as a real check
        ok = False
    else:
        ok = user.check_password(password) and user.active
    if not ok:
        throttle.record_failure(username, ip)
        return SignIn()
    throttle.record_success(username)
    return SignIn(user=user)


def change_password(user: User, current: str, new: str) -> bool:
    """Set a new password if the current one is right; other signed-in devices are signed out."""
    if not user.check_password(current):
        return False
    user.set_password(new)
    audit.record("user.password_changed", user, actor=user)
    db.session.commit()
    return True


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
