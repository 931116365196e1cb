"""The last 500s of hostile input, each answered with a 4xx and a message, nothing written."""

import pytest

from rollcall.api import tokens
from rollcall.checks.models import Check
from rollcall.extensions import db
from rollcall.models import AuditLog, Homeroom
from tests.checks_support import DAY, school_time, table_rows, user


@pytest.fixture
def bearer(app, school):
    with app.app_context():
        token = tokens.create_token(user(school, "admin"))
        db.session.commit()
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def stored(app) -> tuple:
    return table_rows(app, Check), len(table_rows(app, AuditLog))


def put_check(client, homeroom_id, headers, body, kind="attendance"):
    return client.put(f"/api/v1/homerooms/{homeroom_id}/checks/{DAY}/{kind}", json=body,
                      headers=headers)


@pytest.mark.parametrize("number", [{"a": 1}, ["9001"], None, 7])
def test_an_entry_with_a_base_and_a_student_number_not_a_string_gets_422(
        app, client, school, bearer, number):
    before = stored(app)
    with school_time(8, 20):
        response = put_check(client, school.homeroom_ids["room1"], bearer, {
            "version": None,
            "entries": [{"student_number": number, "status": "absent", "base": None}]})
    assert response.status_code == 422
    assert response.json["errors"][0] == {
        "field": "entries[0].student_number", "message": "A student number is needed."}
    assert stored(app) == before


@pytest.fixture
def empty_homeroom(app, school):
    with app.app_context():
        room = Homeroom(school_id=school.school_id, name="九年级9班", grade=9)
        db.session.add(room)
        db.session.commit()
        return room.id


@pytest.mark.parametrize("version", [1, 5, None])
def test_any_version_of_a_check_of_a_class_with_no_students(
        app, client, school, bearer, empty_homeroom, version):
    with school_time(8, 20):
        first = put_check(client, empty_homeroom, bearer, {"version": None, "entries": []})
        assert first.status_code == 200, first.json
        before = stored(app)
        again = put_check(client, empty_homeroom, bearer, {"version": version, "entries": []})
    assert again.status_code in (200, 409), again.json
    assert stored(app)[0] == before[0]
