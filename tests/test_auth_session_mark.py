"""What the service worker is told of the sign-in (rollcall/auth/session_mark.py): each page
names the sign-in it was made for, a readable cookie names the one the browser holds, and the
first answer after the session ended anywhere deletes the cookie (tests/browser/
test_shared_phone.py shows the worker acting on both)."""

from datetime import UTC, datetime

from rollcall import clock
from rollcall.auth.session_mark import COOKIE, HEADER
from tests.factories import PASSWORD

T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def mark_cookie(response) -> str | None:
    """The Set-Cookie line of the mark, if the answer sets or deletes it."""
    return next((line for line in response.headers.getlist("Set-Cookie")
                 if line.startswith(COOKIE + "=")), None)


def sign_in(client, **extra):
    response = client.post("/login", data={"username": "t.wang", "password": PASSWORD, **extra})
    assert response.status_code == 302
    return response


def test_the_mark_follows_the_sign_in_and_goes_when_it_ends_elsewhere(app, school):
    phone, desk = app.test_client(), app.test_client()
    with clock.frozen(T0):
        line = mark_cookie(sign_in(phone))
        assert "HttpOnly" not in line and "Expires" not in line  # the browser's session only
        held = phone.get_cookie(COOKIE).value
        page = phone.get("/today", follow_redirects=True)
        assert page.headers[HEADER] == held and mark_cookie(page) is None  # set once
        static = phone.get("/static/css/rollcall.css")
        static.close()
        assert static.headers.get(HEADER) is None  # a file the browser keeps a year
        sign_in(desk)
        assert desk.get_cookie(COOKIE).value != held  # each sign-in its own mark
        desk.post("/account/sessions/end-others")
        answer = phone.get("/today")
        assert answer.status_code == 302 and answer.headers[HEADER] == "none"
        assert phone.get_cookie(COOKIE) is None


def test_a_remembered_sign_in_keeps_its_mark_until_the_end_of_the_term(app, school):
    phone = app.test_client()
    with clock.frozen(T0):
        line = mark_cookie(sign_in(phone, remember="y"))
    assert "Expires=" in line


def test_signing_out_deletes_the_mark(app, school):
    phone = app.test_client()
    with clock.frozen(T0):
        sign_in(phone)
        answer = phone.post("/logout")
    assert answer.headers[HEADER] == "none" and phone.get_cookie(COOKIE) is None
