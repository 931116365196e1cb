"""Devices that signed in before: a signed cookie naming the accounts signed in on this phone or
browser, so a stranger's guesses at an account (which slow the account down) never slow the
owner's own sign-in there. Signed with the app's secret: nobody can make one for an account
they have not signed in to."""

import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "rollcall_device"
LIFETIME = timedelta(days=400)  # browsers keep a cookie at most this long
MAX_ACCOUNTS = 8  # a shared classroom phone: a few teachers
_SALT = "rollcall.known-device"


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=_SALT)


def _read(secret: str, cookie: str | None) -> tuple[str | None, list[str]]:
    """(device id, accounts signed in here) from the cookie; (None, []) when absent or forged."""
    if not cookie or len(cookie) > 2000:
        return None, []
    try:
        value = _serializer(secret).loads(cookie)
    except BadSignature:
        return None, []
    if not (isinstance(value, dict) and isinstance(value.get("d"), str)
            and isinstance(value.get("u"), list)):
        return None, []
    return value["d"], [name for name in value["u"] if isinstance(name, str)]


def _account(username: str) -> str:
    return username.strip().lower()[:60]


def known_device(secret: str, cookie: str | None, username: str) -> str | None:
    """The id of this device when the account signed in on it before, else None."""
    device, accounts = _read(secret, cookie)
    return device if device and _account(username) in accounts else None


def signed_in_here(secret: str, cookie: str | None, username: str) -> str:
    """The cookie's new value once the account signed in on this device (kept: the last few)."""
    device, accounts = _read(secret, cookie)
    name = _account(username)
    accounts = [*(other for other in accounts if other != name), name][-MAX_ACCOUNTS:]
    return _serializer(secret).dumps({"d": device or secrets.token_urlsafe(16), "u": accounts})
