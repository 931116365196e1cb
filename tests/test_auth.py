"""Signing in and out, throttling, remembered devices and password changes."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import AuditLog, LoginThrottle, User
from tests.factories import PASSWORD

T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


def sign_in(client, username, password, **extra):
    return client.post("/login", data={"username": username, "password": password, **extra})


def test_right_password_signs_in_and_lands_on_home(client, school):
    response = sign_in(client, "t.wang", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/", headers={"Accept-Language": "en"},
                      follow_redirects=True).get_data(as_text=True)
    assert "王老师" in page and "九年级1班" in page and "九年级2班" not in page


def test_username_is_case_insensitive(client, school):
    assert sign_in(client, "T.Wang", PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["wrong", "", PASSWORD + " ", PASSWORD.upper()])
def test_wrong_password_never_signs_in(client, school, password):
    response = sign_in(client, "t.wang", password)
    assert response.status_code in (200, 400)
    assert client.get("/").status_code == 302


def test_unknown_and_known_usernames_get_the_same_answer(client, school):
    known = sign_in(client, "t.wang", "wrong").get_data(as_text=True)
    unknown = sign_in(client, "nobody", "wrong").get_data(as_text=True)
    strip = lambda page: page.split('name="csrf_token"')[0]  # noqa: E731
    assert strip(known) == strip(unknown)
    assert "Wrong username or password." in known or "用户名或密码错误" in known


def test_inactive_account_cannot_sign_in(app, client, school):
    with app.app_context():
        db.session.get(User, school.user_ids["teacher"]).active = False
        db.session.commit()
    assert sign_in(client, "t.wang", PASSWORD).status_code == 200
    assert client.get("/").status_code == 302


def test_failures_slow_down_then_lock_the_account(client, school):
    with clock.frozen(T0):
        for _ in range(3):
            assert sign_in(client, "t.wang", "wrong").status_code == 200
        slowed = sign_in(client, "t.wang", PASSWORD)
        assert slowed.status_code == 429
        assert "Wait 2 seconds" in slowed.get_data(as_text=True) or "2 秒" in slowed.get_data(
            as_text=True)
    attempt_at = T0
    for _ in range(5):  # keep failing, each time after the required pause
        attempt_at += timedelta(seconds=61)
        with clock.frozen(attempt_at):
            assert sign_in(client, "t.wang", "wrong").status_code == 200
    with clock.frozen(attempt_at + timedelta(seconds=1)):
        locked = sign_in(client, "t.wang", PASSWORD)
        assert locked.status_code == 429
        text = locked.get_data(as_text=True)
        assert "15 minutes" in text or "15 分钟" in text
    with clock.frozen(attempt_at + timedelta(minutes=14)):
        assert sign_in(client, "t.wang", PASSWORD).status_code == 429
    with clock.frozen(attempt_at + timedelta(minutes=16)):
        assert sign_in(client, "t.wang", PASSWORD).status_code == 302


def test_lock_applies_to_unknown_usernames_too(client, school):
    for step in range(8):
        with clock.frozen(T0 + timedelta(minutes=step)):
            sign_in(client, "ghost", "wrong")
    with clock.frozen(T0 + timedelta(minutes=8)):
        assert sign_in(client, "ghost", "wrong").status_code == 429


def test_failures_from_one_address_lock_that_pair_not_the_account(make_app, school):
    app = make_app(TRUSTED_PROXY_HOPS=1)
    stranger, owner = app.test_client(), app.test_client()
    attempt_at = T0
    for _ in range(8):
        attempt_at += timedelta(seconds=61)
        with clock.frozen(attempt_at):
            assert sign_in(stranger, "t.wang", "wrong").status_code == 200
    with clock.frozen(attempt_at + timedelta(seconds=1)):
        assert sign_in(stranger, "t.wang", PASSWORD).status_code == 429
    with clock.frozen(attempt_at + timedelta(seconds=3)):
        response = owner.post("/login", data={"username": "t.wang", "password": PASSWORD},
                              headers={"X-Forwarded-For": "10.0.0.2"})
        assert response.status_code == 302


def test_many_accounts_tried_from_one_address_do_not_lock_the_address(client, school):
    with clock.frozen(T0):
        for n in range(40):
            sign_in(client, f"guess{n}", "wrong")
        assert sign_in(client, "t.wang", PASSWORD).status_code == 302


def test_the_account_as_a_whole_only_slows_down(make_app, school):
    app = make_app(TRUSTED_PROXY_HOPS=1)
    client = app.test_client()
    with clock.frozen(T0):
        for n in range(10):  # ten addresses, one guess each: the account's tenth guess
            client.post("/login", data={"username": "t.wang", "password": "wrong"},
                        headers={"X-Forwarded-For": f"10.0.1.{n}"})
        slowed = client.post("/login", data={"username": "t.wang", "password": PASSWORD},
                             headers={"X-Forwarded-For": "10.0.2.1", "Accept-Language": "en"})
        assert slowed.status_code == 429
        assert "Wait 2 seconds" in slowed.get_data(as_text=True)
    with clock.frozen(T0 + timedelta(seconds=2)):
        response = client.post("/login", data={"username": "t.wang", "password": PASSWORD},
                               headers={"X-Forwarded-For": "10.0.2.1"})
        assert response.status_code == 302


def test_success_clears_the_account_counter(app, client, school):
    with clock.frozen(T0):
        sign_in(client, "t.wang", "wrong")
        sign_in(client, "t.wang", PASSWORD)
    with app.app_context():
        assert db.session.get(LoginThrottle, "user:t.wang") is None
        assert db.session.get(LoginThrottle, "pair:t.wang|127.0.0.1") is None


def test_old_failures_are_forgotten(client, school):
    for step in range(3):
        with clock.frozen(T0 + timedelta(seconds=step)):
            sign_in(client, "t.wang", "wrong")
    with clock.frozen(T0 + timedelta(minutes=30)):
        assert sign_in(client, "t.wang", PASSWORD).status_code == 302


def test_logout_signs_out(client, school):
    sign_in(client, "t.wang", PASSWORD)
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_logout_needs_post(client, school):
    sign_in(client, "t.wang", PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.get("/account/password").status_code == 200


def test_stay_signed_in_sets_a_long_lived_httponly_cookie(client, school):
    response = sign_in(client, "t.wang", PASSWORD, remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "Expires=" in cookie and "SameSite=Lax" in cookie


def test_without_stay_signed_in_no_remember_cookie(client, school):
    response = sign_in(client, "t.wang", PASSWORD)
    assert not any(c.startswith("remember_token=")
                   for c in response.headers.getlist("Set-Cookie"))


def test_remembered_device_comes_back_signed_in(app, school):
    phone = app.test_client()
    sign_in(phone, "t.wang", PASSWORD, remember="y")
    remember = phone.get_cookie("remember_token")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/account/password").status_code == 200


def test_changing_password_signs_out_other_devices_but_not_this_one(app, school):
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, "t.wang", PASSWORD, remember="y")
    sign_in(laptop, "t.wang", PASSWORD)
    response = phone.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a new long secret",
        "confirm": "a new long secret"})
    assert response.status_code == 302
    assert phone.get("/account/password").status_code == 200
    assert laptop.get("/account/password").status_code == 302
    stale = app.test_client()
    stale.set_cookie("remember_token", "whatever-old-token")
    assert stale.get("/account/password").status_code == 302
    assert sign_in(app.test_client(), "t.wang", "a new long secret").status_code == 302
    with app.app_context():
        assert db.session.scalar(
            db.select(AuditLog).where(AuditLog.action == "user.password_changed")) is not None


@pytest.mark.parametrize(("current", "new", "confirm", "error"), [
    ("wrong password", "a new long secret", "a new long secret", "current password is wrong"),
    (PASSWORD, "short", "short", "at least 8"),
    (PASSWORD, "a new long secret", "another long secret", "passwords differ"),
])
def test_bad_password_change_is_refused_and_changes_nothing(
        app, login_as, current, new, confirm, error):
    client = login_as("teacher")
    response = client.post("/account/password", data={
        "current_password": current, "new_password": new, "confirm": confirm},
        headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert error in response.get_data(as_text=True).lower()
    assert sign_in(app.test_client(), "t.wang", PASSWORD).status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:1",
                                    "/%5Cevil.example", "/%5C%5Cevil.example/x",
                                    "/%09/evil.example"])
def test_sign_in_never_redirects_off_site(client, school, target):
    response = client.post(f"/login?next={target}",
                           data={"username": "t.wang", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_sign_in_follows_a_local_next(client, school):
    response = client.post("/login?next=/account/password",
                           data={"username": "t.wang", "password": PASSWORD})
    assert response.headers["Location"] == "/account/password"


def test_passwords_are_stored_as_scrypt_hashes_with_production_strength(tmp_path):
    from rollcall import create_app

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        account = User(username="x", display_name="x", role="teacher")
        account.set_password(PASSWORD)
        assert account.password_hash.startswith("scrypt:32768:8:1$")
        assert PASSWORD not in account.password_hash
        assert account.check_password(PASSWORD) and not account.check_password("nope")


def test_a_username_differing_only_in_case_is_refused_by_the_database(app, school):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        other = User(school_id=school.school_id, username="T.WANG", display_name="x",
                     role="teacher")
        other.set_password(PASSWORD)
        db.session.add(other)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_create_user_refuses_a_name_that_differs_only_in_case(runner, school):
    result = runner.invoke(args=["create-user", "T.Wang", "--role", "teacher", "--school",
                                 "测试中学", "--password-stdin"], input="a long password\n")
    assert result.exit_code == 1 and "is taken" in result.output


def test_signing_out_ends_the_session_and_its_remember_cookie(app, school):
    phone = app.test_client()
    sign_in(phone, "t.wang", PASSWORD, remember="y")
    session_cookie = phone.get_cookie("session").value
    remember_cookie = phone.get_cookie("remember_token").value
    assert phone.post("/logout").status_code == 302
    copied_session, copied_remember = app.test_client(), app.test_client()
    copied_session.set_cookie("session", session_cookie)
    copied_remember.set_cookie("remember_token", remember_cookie)
    assert copied_session.get("/account/password").status_code == 302
    assert copied_remember.get("/account/password").status_code == 302


def test_signing_out_on_one_device_keeps_the_others(app, school):
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, "t.wang", PASSWORD)
    sign_in(laptop, "t.wang", PASSWORD)
    phone.post("/logout")
    assert laptop.get("/account/password").status_code == 200


def test_disabling_an_account_ends_its_sessions_and_remember_cookies(app, school):
    phone = app.test_client()
    sign_in(phone, "t.wang", PASSWORD, remember="y")
    remember_cookie = phone.get_cookie("remember_token").value
    with app.app_context():
        db.session.get(User, school.user_ids["teacher"]).active = False
        db.session.commit()
    assert phone.get("/account/password").status_code == 302
    remembered = app.test_client()
    remembered.set_cookie("remember_token", remember_cookie)
    assert remembered.get("/account/password").status_code == 302


def test_guesses_of_the_current_password_are_throttled(app, login_as):
    client = login_as("teacher")
    guess = {"new_password": "a new long secret", "confirm": "a new long secret"}
    with clock.frozen(T0):
        for _ in range(3):
            response = client.post("/account/password", data={"current_password": "no",
                                                              **guess})
            assert response.status_code == 200
        refused = client.post("/account/password", data={"current_password": PASSWORD,
                                                          **guess},
                              headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert "Wait 2 seconds" in refused.get_data(as_text=True)
    assert sign_in(app.test_client(), "t.wang", PASSWORD).status_code == 302  # unchanged


def test_an_account_without_a_password_costs_a_real_hash_check(app, school, monkeypatch):
    """Imported staff accounts have no password yet: refusing them must not be faster."""
    from rollcall import models

    with app.app_context():
        account = db.session.get(User, school.user_ids["teacher"])
        account.password_hash = "!" + "0" * 32  # as the roster import stores it
        db.session.commit()
    checked = []
    real_check = models.check_password_hash
    monkeypatch.setattr(models, "check_password_hash",
                        lambda stored, given: checked.append(stored) or real_check(stored,
                                                                                   given))
    assert sign_in(app.test_client(), "t.wang", "anything").status_code == 200
    assert len(checked) == 1
    assert checked[0].startswith(app.config["PASSWORD_HASH_METHOD"] + "$")


def test_forgotten_guess_counters_are_pruned(app, client, school):
    with clock.frozen(T0):
        sign_in(client, "ghost1", "wrong")
    with clock.frozen(T0 + timedelta(minutes=31)):
        sign_in(client, "ghost2", "wrong")
    with app.app_context():
        keys = set(db.session.scalars(db.select(LoginThrottle.key)))
    assert keys == {"pair:ghost2|127.0.0.1", "user:ghost2"}


def test_a_sign_in_commits_its_guess_its_clear_and_its_session_once_each(app, client, school):
    """The guess is counted against both keys in one transaction (before the password is
    checked), a right password clears them in a second, and the session is a third."""
    with app.app_context():
        engine = db.engine
    commits = []

    def note(connection):
        commits.append(connection)

    event.listen(engine, "commit", note)
    try:
        response = sign_in(client, "t.wang", PASSWORD)
    finally:
        event.remove(engine, "commit", note)
    assert response.status_code == 302
    assert len(commits) == 3
    with app.app_context():
        assert db.session.scalars(db.select(LoginThrottle.key)).all() == []
