"""A stranger guessing from ever new addresses cannot keep the owner out: a phone that signed
in to the account before is counted on its own (a signed cookie), so the account-wide slowdown
that strangers' guesses bring on never refuses its owner there. IPv6 is counted by /64."""

import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

from rollcall import clock
from rollcall.auth import devices
from rollcall.extensions import db
from rollcall.models import LoginThrottle
from tests.factories import PASSWORD
from tests.proxied_server import NoRedirect

T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def sign_in(base: str, password: str, address: str, device: str | None = None):
    """(status, the device cookie set, if any) of one sign-in to t.wang from address."""
    body = urllib.parse.urlencode({"username": "t.wang", "password": password}).encode()
    headers = {"X-Forwarded-For": address}
    if device:
        headers["Cookie"] = f"{devices.COOKIE}={device}"
    request = urllib.request.Request(f"{base}/login", data=body, headers=headers)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            status, cookies = response.status, response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as error:
        status, cookies = error.code, error.headers.get_all("Set-Cookie") or []
        error.close()
    set_device = next((c.split(";")[0].split("=", 1)[1] for c in cookies
                       if c.startswith(f"{devices.COOKIE}=")), None)
    return status, set_device


def test_rotating_strangers_never_keep_the_owner_out_of_a_phone_that_signed_in_before(
        proxied_server):
    app, base = proxied_server
    with clock.frozen(T0):
        status, phone = sign_in(base, PASSWORD, "10.1.1.1")
    assert status == 302 and phone
    owner, newcomer, at = [], [], T0 + timedelta(minutes=1)
    for attack in range(6):
        with clock.frozen(at):  # the clock stands still: the account's pause never ends
            strangers = [sign_in(base, "wrong", f"10.{attack}.9.{n}")[0] for n in range(15)]
            # The owner's phone moves between networks too: a new address every time.
            owner.append(sign_in(base, PASSWORD, f"172.16.{attack}.7", phone)[0])
            newcomer.append(sign_in(base, PASSWORD, f"172.17.{attack}.7")[0])
        assert strangers.count(429) >= 5  # the account is slowed down for everyone else
        at += timedelta(minutes=1)
    assert owner == [302] * 6
    assert newcomer == [429] * 6  # a browser the owner never signed in on waits its turn


def test_a_device_cookie_made_for_another_account_or_forged_counts_for_nothing(app, school):
    secret = app.config["SECRET_KEY"]
    theirs = devices.signed_in_here(secret, None, "t.chen")
    assert devices.known_device(secret, theirs, "t.wang") is None
    assert devices.known_device(secret, theirs, "T.Chen ") is not None
    assert devices.known_device("another-secret", theirs, "t.chen") is None
    assert devices.known_device(secret, theirs[:-2] + "xx", "t.chen") is None


def test_ipv6_guesses_are_counted_by_their_64(app, school):
    for host in ("1", "2", "ffff:ffff:ffff:ffff"):
        client = app.test_client()
        address = "2001:db8:aa:bb::" + host if ":" not in host else f"2001:db8:aa:bb:{host}"
        with clock.frozen(T0):
            client.post("/login", data={"username": "t.wang", "password": "wrong"},
                        environ_base={"REMOTE_ADDR": address})
    with app.app_context():
        keys = {row.key: row.failures for row in db.session.scalars(db.select(LoginThrottle))}
    assert keys["pair:t.wang|2001:db8:aa:bb::/64"] == 3
