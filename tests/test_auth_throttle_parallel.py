"""Guess throttling under parallel attempts, against the app served on a real socket."""

import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import LoginThrottle
from tests.factories import PASSWORD
from tests.proxied_server import NoRedirect

T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
STRANGER = "10.9.9.9"
OWNER_PHONE = "10.1.1.1"


def post_sign_in(base: str, username: str, password: str, address: str) -> int:
    body = urllib.parse.urlencode({"username": username, "password": password}).encode()
    request = urllib.request.Request(f"{base}/login", data=body,
                                     headers={"X-Forwarded-For": address})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def in_parallel(base: str, attempts: list[tuple[str, str, str]]) -> list[int]:
    """Fire every (username, password, address) at once; their status codes, in order."""
    start = threading.Barrier(len(attempts))

    def attempt(args):
        start.wait()
        return post_sign_in(base, *args)

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(attempt, attempts))


def stored(app, key: str) -> int | None:
    with app.app_context():
        row = db.session.get(LoginThrottle, key)
        return None if row is None else row.failures


def test_twenty_parallel_wrong_guesses_get_three_checked_and_the_rest_wait(proxied_server):
    app, base = proxied_server
    with clock.frozen(T0):
        codes = in_parallel(base, [("t.wang", "wrong", STRANGER)] * 20)
    assert sorted(codes) == [200] * 3 + [429] * 17  # 3 checked (wrong password), 17 refused
    assert stored(app, f"pair:t.wang|{STRANGER}") == 3


def test_parallel_bursts_check_eight_guesses_in_all_then_lock_the_pair(proxied_server):
    app, base = proxied_server
    checked = 0
    at = T0
    for _ in range(8):
        with clock.frozen(at):
            checked += in_parallel(base, [("t.wang", "wrong", STRANGER)] * 10).count(200)
        at += timedelta(seconds=61)
    assert checked == 8
    with clock.frozen(at):
        assert post_sign_in(base, "t.wang", PASSWORD, STRANGER) == 429


def test_twenty_parallel_wrong_sign_ins_do_not_stop_the_owner_from_another_address(proxied_server):
    app, base = proxied_server
    at = T0
    for _ in range(8):  # bursts of 20, each after the pause: the stranger's pair gets locked
        with clock.frozen(at):
            in_parallel(base, [("t.wang", "wrong", STRANGER)] * 20)
        at += timedelta(seconds=61)
    with clock.frozen(at):
        assert post_sign_in(base, "t.wang", PASSWORD, STRANGER) == 429
        assert post_sign_in(base, "t.wang", PASSWORD, OWNER_PHONE) == 302


def test_right_and_wrong_sign_ins_to_one_account_at_once_never_fail(proxied_server):
    app, base = proxied_server
    attempts = [("t.wang", PASSWORD if n % 2 else "wrong", f"10.2.0.{n}") for n in range(30)]
    codes = in_parallel(base, attempts)
    assert set(codes) <= {200, 302, 429}, codes
    assert codes.count(302) >= 1
