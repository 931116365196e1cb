"""Login throttling: failures per account name and per client address slow, then lock, sign-in.

Counters live in the database so every gunicorn worker sees the same ones. Names that
match no account are counted exactly like real ones, so the answers reveal nothing.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import LoginThrottle


@dataclass(frozen=True)
class Refusal:
    locked: bool  # True: locked for a while; False: asked to wait a few seconds
    wait_seconds: int


def _keys(username: str, ip: str | None) -> list[tuple[str, str]]:
    keys = [("account", "user:" + username.strip().lower()[:100])]
    if ip:
        keys.append(("ip", "ip:" + ip))
    return keys


def _lock_after(kind: str) -> int:
    setting = "LOGIN_ACCOUNT_LOCK_AFTER" if kind == "account" else "LOGIN_IP_LOCK_AFTER"
    return current_app.config[setting]


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def _delay_for(failures: int) -> timedelta:
    over = failures - current_app.config["LOGIN_SLOWDOWN_AFTER"]
    if over < 0:
        return timedelta(0)
    return timedelta(seconds=min(2 ** (over + 1), 60))


def _fresh(row: LoginThrottle | None) -> LoginThrottle | None:
    """The row, unless its failures are old enough to be forgotten."""
    if row is None:
        return None
    now = clock.now()
    if row.locked_until and row.locked_until > now:
        return row
    if row.last_failure_at and now - row.last_failure_at > _window():
        return None
    return row


def check(username: str, ip: str | None) -> Refusal | None:
    """Whether a sign-in attempt may go ahead now; a Refusal says how long to wait."""
    now = clock.now()
    for _kind, key in _keys(username, ip):
        row = _fresh(db.session.get(LoginThrottle, key))
        if row is None:
            continue
        if row.locked_until and row.locked_until > now:
            return Refusal(True, _seconds(row.locked_until - now))
        wait_until = row.last_failure_at + _delay_for(row.failures) if row.last_failure_at else now
        if row.failures >= current_app.config["LOGIN_SLOWDOWN_AFTER"] and wait_until > now:
            return Refusal(False, _seconds(wait_until - now))
    return None


def record_failure(username: str, ip: str | None) -> None:
    """Count a failed attempt against the account name and the address; lock past the limit."""
    now = clock.now()
    for kind, key in _keys(username, ip):
        row = db.session.get(LoginThrottle, key)
        if _fresh(row) is None:
            if row is None:
                row = LoginThrottle(key=key)
                db.session.add(row)
            row.failures, row.locked_until = 0, None
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= _lock_after(kind):
            row.locked_until = now + _window()
    db.session.commit()


def record_success(username: str) -> None:
    """A correct password clears the account's counter (not the address's)."""
    row = db.session.get(LoginThrottle, _keys(username, None)[0][1])
    if row is not None:
        db.session.delete(row)
    db.session.commit()


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))
