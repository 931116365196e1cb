"""A disabled account stays cut off: its sessions, "stay signed in" cookies and API tokens
end for good, and ticking "Active" again does not revive them. A password change ends the
user's API tokens as it ends their other sessions."""

from rollcall.api import tokens
from rollcall.extensions import db
from rollcall.models import User
from tests.factories import PASSWORD


def signed_in_phone(app, username="t.wang"):
    """A client signed in with "stay signed in", and a second one holding only its remember
    cookie (a browser restarted without its session cookie)."""
    phone = app.test_client()
    assert phone.post("/login", data={"username": username, "password": PASSWORD,
                                      "remember": "y"}).status_code == 302
    restarted = app.test_client()
    restarted.set_cookie("remember_token", phone.get_cookie("remember_token").value)
    return phone, restarted


def api_token(app, school, role="teacher"):
    with app.app_context():
        token = tokens.create_token(db.session.get(User, school.user_ids[role]))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def set_active(login_as, school, active: bool):
    data = {"username": "t.wang", "display_name": "王老师", "role": "teacher",
            "homerooms": [str(school.homeroom_ids["room1"])]}
    if active:
        data["active"] = "y"
    response = login_as("admin").post(f"/admin/users/{school.user_ids['teacher']}", data=data)
    assert response.status_code == 302


def still_in(app, phone, restarted, bearer) -> list[bool]:
    return [phone.get("/account/password").status_code == 200,
            restarted.get("/account/password").status_code == 200,
            app.test_client().get("/api/v1/homerooms", headers=bearer).status_code == 200]


def test_an_account_disabled_then_enabled_again_stays_signed_out(app, school, login_as):
    phone, restarted = signed_in_phone(app)
    bearer = api_token(app, school)
    assert still_in(app, phone, restarted, bearer) == [True, True, True]
    set_active(login_as, school, False)
    assert still_in(app, phone, restarted, bearer) == [False, False, False]
    set_active(login_as, school, True)
    assert still_in(app, phone, restarted, bearer) == [False, False, False]
    fresh = app.test_client()  # the teacher signs in again with the password
    assert fresh.post("/login", data={"username": "t.wang", "password": PASSWORD}
                      ).status_code == 302


def test_editing_an_active_account_leaves_its_sign_ins_alone(app, school, login_as):
    phone, restarted = signed_in_phone(app)
    bearer = api_token(app, school)
    set_active(login_as, school, True)
    assert still_in(app, phone, restarted, bearer) == [True, True, True]


def test_a_password_change_ends_the_users_api_tokens(app, school):
    phone, _ = signed_in_phone(app)
    bearer = api_token(app, school)
    other = api_token(app, school, "office")
    response = phone.post("/account/password", headers={"Accept-Language": "en"}, data={
        "current_password": PASSWORD, "new_password": "a new long one",
        "confirm": "a new long one"}, follow_redirects=True)
    assert "your API tokens stop working" in response.get_data(as_text=True)
    client = app.test_client()
    assert client.get("/api/v1/homerooms", headers=bearer).status_code == 401
    assert client.get("/api/v1/homerooms", headers=other).status_code == 200
    assert phone.get("/account/password").status_code == 200  # this device stays signed in


def test_a_password_set_by_the_admin_ends_the_users_api_tokens(app, school, login_as):
    bearer = api_token(app, school)
    response = login_as("admin").post(f"/admin/users/{school.user_ids['teacher']}", data={
        "username": "t.wang", "display_name": "王老师", "role": "teacher", "active": "y",
        "homerooms": [str(school.homeroom_ids["room1"])], "password": "another long one"})
    assert response.status_code == 302
    assert app.test_client().get("/api/v1/homerooms", headers=bearer).status_code == 401
