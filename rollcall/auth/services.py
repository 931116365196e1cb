"""Signing in and managing one's own account."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from rollcall import audit, clock
from rollcall.auth import throttle
from rollcall.auth.models import UserSession, digest
from rollcall.extensions import db
from rollcall.models import UNUSABLE_HASH, User
from rollcall.school_days import next_term_start
from rollcall.state_change import hold

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class SignIn:
    user: User | None = None
    refusal: throttle.Refusal | None = None  # throttled: not even checked


def find_user(username: str) -> User | None:
    """The account with this username (case-insensitive), or None."""
    name = username.strip().lower()
    return db.session.scalar(db.select(User).where(db.func.lower(User.username) == name))


def authenticate(username: str, password: str, ip: str | None,
                 device: str | None = None) -> SignIn:
    """Check a username and password; the guess is counted before the password is checked
    (device: the id of a device this account signed in on before, see rollcall.auth.devices)."""
    keys = throttle.sign_in_keys(username, ip, device)
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


MAX_REMEMBER = timedelta(days=183)
SEEN_EVERY = timedelta(hours=1)  # last_seen_at is written at most this often


def remember_until(user: User) -> datetime:
    """When a remembered sign-in ends: the end of the term's last day on the school's clock
    (the day before the next term starts), and never more than about half a year away."""
    now = clock.now()
    school = user.school
    if school is None:
        return now + MAX_REMEMBER
    day = next_term_start(school, clock.school_today(school))
    end = clock.school_datetime(school, day, time(0, 0))
    return min(end, now + MAX_REMEMBER)


def device_label(user_agent: str | None) -> str | None:
    """A short name for a browser, such as "Android · Chrome"; never the whole User-Agent."""
    ua = (user_agent or "").strip()
    if not ua:
        return None
    lowered = ua.lower()
    system = next((name for key, name in (
        ("iphone", "iPhone"), ("ipad", "iPad"), ("android", "Android"), ("harmonyos", "HarmonyOS"),
        ("windows", "Windows"), ("mac os", "Mac"), ("cros", "ChromeOS"), ("linux", "Linux"))
        if key in lowered), None)
    browser = next((name for key, name in (
        ("micromessenger", "WeChat"), ("edg/", "Edge"), ("firefox", "Firefox"),
        ("fxios", "Firefox"), ("crios", "Chrome"), ("chrome", "Chrome"), ("safari", "Safari"))
        if key in lowered), None)
    label = " · ".join(part for part in (system, browser) if part)
    return (label or ua)[:60]


def start_session(user: User, remember_for: timedelta, *, remembered: bool = False,
                  user_agent: str | None = None, expires_at: datetime | None = None) -> None:
    """Record a new sign-in on the server; user.get_id() then names it for the cookies."""
    now = clock.now()
    db.session.execute(db.delete(UserSession).where(  # this user's dead sessions
        UserSession.user_id == user.id,
        ((UserSession.expires_at.is_(None)) & (UserSession.created_at < now - remember_for))
        | (UserSession.expires_at < now)
        | (UserSession.user_stamp != user.session_token)))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token=digest(token), user_id=user.id, user_stamp=user.session_token,
                               created_at=now, last_seen_at=now, remembered=remembered,
                               device=device_label(user_agent),
                               expires_at=expires_at if remembered else None))
    db.session.commit()
    user.login_token, user.login_expires_at = token, expires_at if remembered else None


def _aware(instant: datetime | None) -> datetime | None:
    return instant.replace(tzinfo=UTC) if instant and instant.tzinfo is None else instant


def seen_long_ago(last_seen_at: datetime | None) -> bool:
    """True when a session last used then is worth writing again (at most once an hour)."""
    seen = _aware(last_seen_at)
    return seen is None or seen < clock.now() - SEEN_EVERY


def note_seen(token: str) -> None:
    """Write that the session with this token was used just now (commits)."""
    db.session.execute(db.update(UserSession).where(UserSession.token == digest(token))
                       .values(last_seen_at=clock.now()))
    db.session.commit()


def sessions_of(user: User) -> list[UserSession]:
    """A user's live sessions, newest first."""
    return list(db.session.scalars(
        db.select(UserSession).where(UserSession.user_id == user.id,
                                     UserSession.user_stamp == user.session_token)
        .order_by(UserSession.created_at.desc())))


def end_sessions(user: User, handles, *, actor: User, keep_token: str | None = None) -> int:
    """Sign out the user's sessions named by handle (None: all but keep_token); audited.
    Handles that name none of this user's sessions end nothing and write nothing."""
    chosen = [row for row in sessions_of(user)
              if (handles is None or row.handle in handles) and not row.is_for(keep_token)]
    if not chosen:
        return 0
    for row in chosen:
        db.session.delete(row)
    audit.record("user.sessions_ended", user, actor=actor,
                 after={"sessions": [row.device or "?" for row in chosen]})
    db.session.commit()
    return len(chosen)


def end_session(token: str | None) -> None:
    """Sign one session out: its session cookie and its remember cookie stop working."""
    if token:
        db.session.execute(db.delete(UserSession).where(UserSession.token == digest(token)))
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
    """Create an account; the caller has checked the username is free.

    Takes turns with a roster import on the school's row first, as the admin's new account
    does (admin.services.create): an import adding the same teacher at that instant finds
    this account, and this save, coming second, meets the import's (the caller says the name
    is taken), rather than one of them failing on the unique key."""
    hold(school)
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
