"""Remembered sign-ins last the term; a user and the admin can sign phones out (issue 11)."""

from datetime import UTC, datetime

from rollcall import clock
from rollcall.auth.loader import load_user
from rollcall.auth.models import UserSession
from rollcall.auth.services import device_label
from rollcall.extensions import db
from rollcall.models import AuditLog, School, User
from tests.factories import PASSWORD

T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/126.0 Mobile Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def sign_in(client, username="t.wang", user_agent=ANDROID, **extra):
    return client.post("/login", data={"username": username, "password": PASSWORD, **extra},
                       headers={"User-Agent": user_agent})


def remember_cookie_header(response):
    return next(c for c in response.headers.getlist("Set-Cookie")
                if c.startswith("remember_token="))


def sessions_of(app, username):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        rows = db.session.scalars(db.select(UserSession).where(UserSession.user_id == user.id)
                                  .order_by(UserSession.created_at)).all()
        return [(row.handle, row.device, row.remembered, row.expires_at) for row in rows]


def audit_count(app):
    with app.app_context():
        return len(db.session.scalars(db.select(AuditLog).where(
            AuditLog.action == "user.sessions_ended")).all())


def test_remembered_sign_in_lasts_until_the_end_of_the_term(app, client, school):
    with clock.frozen(T0):
        response = sign_in(client, remember="y")
    # the term ends 31 January; the next starts 1 February 00:00 in Shanghai = 16:00 UTC
    assert "Expires=Sun, 31 Jan 2027 16:00:00 GMT" in remember_cookie_header(response)
    [(_, device, remembered, expires_at)] = sessions_of(app, "t.wang")
    assert device == "Android · Chrome" and remembered
    assert expires_at.replace(tzinfo=UTC) == datetime(2027, 1, 31, 16, 0, tzinfo=UTC)


def test_a_configured_term_start_ahead_ends_the_term_sooner(app, client, school):
    with app.app_context():
        main = db.session.get(School, school.school_id)
        main.settings = {**(main.settings or {}), "term_start": "2027-01-11"}
        db.session.commit()
    with clock.frozen(T0):
        response = sign_in(client, remember="y")
    assert "Expires=Sun, 10 Jan 2027 16:00:00 GMT" in remember_cookie_header(response)


def test_plain_sign_in_is_not_remembered(app, client, school):
    response = sign_in(client)
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))
    [(_, _, remembered, expires_at)] = sessions_of(app, "t.wang")
    assert not remembered and expires_at is None


def test_device_label_is_short_and_never_the_whole_user_agent():
    assert device_label(ANDROID) == "Android · Chrome"
    assert device_label(IPHONE) == "iPhone · Safari"
    assert device_label("x" * 500) == "x" * 60
    assert device_label(None) is None


def test_last_seen_is_written_at_most_once_an_hour(app, client, school):
    with clock.frozen(T0):
        sign_in(client)
    with clock.frozen(T0.replace(minute=30)):
        client.get("/account/password")
    with app.app_context():
        row = db.session.scalar(db.select(UserSession))
        assert row.last_seen_at.replace(tzinfo=UTC) == T0
    with clock.frozen(T0.replace(hour=2)):
        client.get("/account/password")
    with app.app_context():
        row = db.session.scalar(db.select(UserSession))
        assert row.last_seen_at.replace(tzinfo=UTC) == T0.replace(hour=2)


def test_loading_the_user_commits_nothing_before_the_view_is_done(app, client, school):
    with clock.frozen(T0):
        sign_in(client)
    with client.session_transaction() as session:
        token = session["_user_id"]  # what the cookie carries; only its digest is stored
    with clock.frozen(T0.replace(hour=2)), app.test_request_context("/account/password"):
        assert load_user(token).username == "t.wang"
        db.session.rollback()  # the view fails before it commits: nothing of the request stays
        row = db.session.scalar(db.select(UserSession))
        assert row.last_seen_at.replace(tzinfo=UTC) == T0


def test_account_page_lists_phones_and_marks_this_one(app, school):
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, remember="y")
    sign_in(laptop, user_agent=IPHONE)
    page = phone.get("/account/password").get_data(as_text=True)
    assert "Android · Chrome" in page and "iPhone · Safari" in page
    assert page.count("/account/sessions/") == 3  # two rows and "everywhere else"


def test_signing_out_one_phone_leaves_the_other_signed_in(app, school):
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, remember="y")
    sign_in(laptop, user_agent=IPHONE)
    phone_handle = sessions_of(app, "t.wang")[0][0]
    remember = phone.get_cookie("remember_token").value
    response = laptop.post(f"/account/sessions/{phone_handle}/end")
    assert response.status_code == 302
    assert phone.get("/account/password").headers["Location"].startswith("/login")
    copied = app.test_client()
    copied.set_cookie("remember_token", remember)
    assert copied.get("/account/password").status_code == 302
    assert laptop.get("/account/password").status_code == 200
    assert audit_count(app) == 1


def test_sign_out_everywhere_else_keeps_this_phone(app, school):
    phone, laptop, tablet = app.test_client(), app.test_client(), app.test_client()
    for client in (phone, laptop, tablet):
        sign_in(client)
    assert phone.post("/account/sessions/end-others").status_code == 302
    assert phone.get("/account/password").status_code == 200
    assert laptop.get("/account/password").status_code == 302
    assert tablet.get("/account/password").status_code == 302
    assert len(sessions_of(app, "t.wang")) == 1


def test_admin_signs_a_teachers_phones_out(app, school, login_as):
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, remember="y")
    sign_in(laptop, user_agent=IPHONE)
    admin = login_as("admin")
    teacher_id = school.user_ids["teacher"]
    page = admin.get(f"/admin/users/{teacher_id}").get_data(as_text=True)
    assert "Android · Chrome" in page and "iPhone · Safari" in page
    phone_handle = sessions_of(app, "t.wang")[0][0]
    assert admin.post(f"/admin/users/{teacher_id}/sessions/{phone_handle}/end").status_code == 302
    assert phone.get("/account/password").status_code == 302
    assert laptop.get("/account/password").status_code == 200
    assert admin.post(f"/admin/users/{teacher_id}/sessions/end-all").status_code == 302
    assert laptop.get("/account/password").status_code == 302
    assert admin.get("/account/password").status_code == 200
    assert audit_count(app) == 2


def test_a_teacher_cannot_sign_out_someone_elses_phone(app, school, login_as):
    other = app.test_client()
    sign_in(other, username=school.usernames["teacher2"])
    other_handle = sessions_of(app, school.usernames["teacher2"])[0][0]
    teacher = login_as("teacher")
    assert teacher.post(f"/account/sessions/{other_handle}/end").status_code == 404
    assert teacher.post(f"/admin/users/{school.user_ids['teacher2']}/sessions/end-all"
                        ).status_code == 403
    assert other.get("/account/password").status_code == 200
    assert audit_count(app) == 0


def test_unknown_or_foreign_handles_write_nothing(app, school, login_as):
    admin = login_as("admin")
    teacher_id = school.user_ids["teacher"]
    other = app.test_client()
    sign_in(other, username=school.usernames["teacher2"])
    other_handle = sessions_of(app, school.usernames["teacher2"])[0][0]
    for handle in ("0123456789abcdef", other_handle, "x" * 300):
        assert admin.post(f"/admin/users/{teacher_id}/sessions/{handle}/end").status_code == 404
    other_school_user = school.user_ids["other_office"]
    assert admin.post(f"/admin/users/{other_school_user}/sessions/end-all").status_code == 404
    assert other.get("/account/password").status_code == 200
    assert audit_count(app) == 0


def test_only_a_digest_of_the_session_token_is_stored(app, client, school):
    import hashlib

    sign_in(client, remember="y")
    with client.session_transaction() as session:
        token = session["_user_id"]
    with app.app_context():
        stored = db.session.scalar(db.select(UserSession.token))
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored
    with app.test_request_context("/"):
        assert load_user(stored) is None  # a copy of the table signs nobody in
        assert load_user(token).username == "t.wang"
