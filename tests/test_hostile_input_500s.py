"""The last 500s of hostile input, each answered with a 4xx and a message, nothing written."""

import pytest

from rollcall.api import tokens
from rollcall.checks.models import Check
from rollcall.custody.models import ConfiscatedItem, CustodyEvent
from rollcall.extensions import db
from rollcall.family.models import ContactLog, ParentMeeting
from rollcall.models import AuditLog, Homeroom, Student
from tests.checks_support import DAY, check_url, page, school_time, table_rows, user

EN = {"Accept-Language": "en"}


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


def family_rows(app) -> tuple:
    return (table_rows(app, ContactLog), table_rows(app, ParentMeeting),
            table_rows(app, CustodyEvent), len(table_rows(app, AuditLog)))


def item_of_room1(app, login_as, school) -> int:
    sid = school.student_ids["room1"][0]
    with school_time(7, 40):
        login_as("teacher").post(check_url(school, "bag"), data={
            f"s{sid}": "found", f"c{sid}": "fire", f"d{sid}": "打火机",
            f"a{sid}": "kept_by_teacher"})
    [item] = table_rows(app, ConfiscatedItem)
    return item["id"]


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "1969-12-31T23:59", "9999-12-31T23:59"])
@pytest.mark.parametrize("form", ["meeting", "contact", "custody"])
def test_a_date_time_out_of_any_school_year_is_refused_next_to_the_field(
        app, login_as, school, form, when):
    sid = school.student_ids["room1"][0]
    url, field, data = {
        "meeting": (f"/homerooms/{school.homeroom_ids['room1']}/parent-meetings", "held_at",
                    {"topic": "家长会"}),
        "contact": (f"/students/{sid}/family-contacts", "contacted_at", {
            "reason": "conduct", "method": "phone", "person": "父亲", "said": "已沟通"}),
        "custody": (None, "at", {"to": "disposed", "disposed_by": "王老师", "how": "扔了"}),
    }[form]
    if form == "custody":
        url = f"/items/{item_of_room1(app, login_as, school)}/move"
    before = family_rows(app)
    with school_time(18, 0):
        response = login_as("teacher").post(url, data={**data, field: when}, headers=EN)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page(response)
    assert "Give a date between 1970 and 9998." in page(response)
    assert family_rows(app) == before


def guardians_of(app, student_id) -> list:
    with app.app_context():
        return [(link.guardian.name, link.guardian.relationship_label)
                for link in db.session.get(Student, student_id).guardian_links]


def test_a_new_guardian_posted_without_its_relationship_is_saved_without_one(
        app, login_as, school):
    sid = school.student_ids["room1"][0]
    response = login_as("admin").post(f"/admin/students/{sid}/guardians/new", data={
        "name": "外婆", "phone": "13912345678", "language": "zh_Hans"})
    assert response.status_code == 302
    assert guardians_of(app, sid)[-1] == ("外婆", None)
