"""Guess throttling: every password guess is counted before it is checked, per account and
client address pair, with a gentle slowdown per account.

A pair (this account from this address) gets a few fast guesses, then waits longer and longer,
then is locked for a while; strangers elsewhere never lock the owner out. The account as a
whole only slows down (one guess every few seconds) once many guesses failed from anywhere.
Names that match no account are counted exactly like real ones, so the answers reveal nothing.

Counting is one compare-and-set UPDATE of the row per key, so parallel guesses each take a
slot (no read-check-write race) on SQLite and PostgreSQL alike. A guess counts against all its
keys in one short transaction: on SQLite it opens with a write (the INSERT of a missing row), so
it holds the write lock from its first statement and claims run one after another; on
PostgreSQL (READ COMMITTED) each statement sees what others committed, so a compare-and-set
that lost is simply tried again inside it. Every claim and clear takes the rows of its keys in
the same order (the pair, then the account), so two transactions never wait on each other in
a circle; pruning, which may touch anyone's rows, skips the rows another claim holds, so it
never waits. A guess is one transaction; a right password's clear is a second.
"""

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from rollcall import clock
from rollcall.extensions import db, insert_unless_present
from rollcall.models import LoginThrottle

CLAIM_TRIES = 100  # compare-and-set retries under contention before refusing for a second


@dataclass(frozen=True)
class Refusal:
    locked: bool  # True: locked for a while; False: asked to wait a few seconds
    wait_seconds: int


@dataclass(frozen=True)
class _Rule:
    slowdown_after: int  # this many guesses go fast; then each waits longer (2, 4, 8 … s)
    lock_after: int | None  # this many guesses lock the key for the window
    pause_seconds: int | None = None  # gentle: a fixed pause instead of a growing one


def _name(username: str) -> str:
    return username.strip().lower()[:60]


def _address(ip: str | None) -> str:
    """The client as counted: an IPv4 address, or an IPv6 address's /64 (one subscriber's
    network: a phone or a home router holds all of it)."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return ip or "-"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def sign_in_keys(username: str, ip: str | None,
                 device: str | None = None) -> list[tuple[str, _Rule]]:
    """The pair that locks, then the account that only slows down. On a device the account
    signed in on before (rollcall.auth.devices), only that device's own count: strangers'
    guesses at the account elsewhere never slow its owner down there."""
    config = current_app.config
    pair = _Rule(config["LOGIN_SLOWDOWN_AFTER"], config["LOGIN_PAIR_LOCK_AFTER"])
    if device is not None:
        return [(f"device:{_name(username)}|{device}", pair)]
    account = _Rule(config["LOGIN_ACCOUNT_SLOWDOWN_AFTER"], None,
                    config["LOGIN_ACCOUNT_PAUSE_SECONDS"])
    return [(f"pair:{_name(username)}|{_address(ip)}", pair),
            (f"user:{_name(username)}", account)]


def password_change_keys(user_id: int) -> list[tuple[str, _Rule]]:
    """Guesses of the current password on the change-password form, per account."""
    config = current_app.config
    return [(f"change:{user_id}",
             _Rule(config["LOGIN_SLOWDOWN_AFTER"], config["LOGIN_PAIR_LOCK_AFTER"]))]


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def _delay_after(guesses: int, rule: _Rule) -> timedelta:
    """How long the next guess must wait after this many guesses."""
    over = guesses - rule.slowdown_after
    if over < 0:
        return timedelta(0)
    if rule.pause_seconds is not None:
        return timedelta(seconds=rule.pause_seconds)
    return timedelta(seconds=min(2 ** (over + 1), 60))


def claim(keys: list[tuple[str, _Rule]]) -> Refusal | None:
    """Count one guess against every key, in order, unless one refuses it (None: go ahead).

    A key that refuses stops the count there, so a locked pair does not slow its account.
    """
    refusal, created = None, False
    with db.engine.begin() as connection:
        for key, rule in keys:
            refusal, new = _claim_one(connection, key, rule)
            created = created or new
            if refusal is not None:
                break
        if created:
            _prune(connection)
    return refusal


def clear(keys: list[tuple[str, _Rule]]) -> None:
    """A right password forgets the guesses counted against these keys."""
    table = LoginThrottle.__table__
    with db.engine.begin() as connection:
        for key, _ in keys:  # one at a time, in the claim's order (see the module docstring)
            connection.execute(table.delete().where(table.c.key == key))


def _claim_one(connection, key: str, rule: _Rule) -> tuple[Refusal | None, bool]:
    """(refusal or None, whether the key's row was created) for one key, in the claim's
    transaction."""
    table = LoginThrottle.__table__
    created = connection.execute(
        _insert_if_missing(connection, key).returning(table.c.key)).first() is not None
    for _ in range(CLAIM_TRIES):
        now = clock.now()
        row = connection.execute(db.select(table).where(table.c.key == key)).one_or_none()
        if row is None:  # cleared by a right password meanwhile
            connection.execute(_insert_if_missing(connection, key))
            continue
        guesses = row.failures
        stale = row.last_failure_at is None or now - row.last_failure_at > _window()
        if row.locked_until and row.locked_until > now:
            return Refusal(True, _seconds(row.locked_until - now)), created
        if stale:
            guesses = 0
        else:
            wait_until = row.last_failure_at + _delay_after(guesses, rule)
            if wait_until > now:
                return Refusal(False, _seconds(wait_until - now)), created
        counted = guesses + 1
        lock = now + _window() if rule.lock_after and counted >= rule.lock_after else None
        taken = connection.execute(
            table.update()
            .where(table.c.key == key, table.c.failures == row.failures)
            .values(failures=counted, last_failure_at=now, locked_until=lock)
        ).rowcount
        if taken == 1:
            return None, created
    return Refusal(False, 1), created


def _prune(connection) -> None:
    """Forget counters whose last guess is older than the window and any lock (a stranger's
    random names and addresses must not pile up)."""
    table = LoginThrottle.__table__
    # Rows another claim holds are skipped (PostgreSQL; SQLite runs one writer at a time), so
    # pruning never waits on a claim that may be waiting on this one.
    forgotten = (db.select(table.c.key)
                 .where(table.c.last_failure_at < clock.now() - 2 * _window())
                 .with_for_update(skip_locked=True))
    connection.execute(table.delete().where(table.c.key.in_(forgotten)))


def _insert_if_missing(connection, key: str):
    return insert_unless_present(LoginThrottle.__table__, connection.dialect.name,
                                 key=key, failures=0)


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))
