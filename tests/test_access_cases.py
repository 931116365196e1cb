"""Access matrix for missing-student cases: the office and admin of the school and the
student's homeroom teachers; never another class's teacher or another school."""

import pytest

from rollcall import clock
from rollcall.cases import services as cases
from rollcall.extensions import db
from rollcall.models import Student
from tests.access_matrix import Row, assert_access, matrix_cases, signed_in
from tests.checks_support import DAY, at

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

CASE_PEOPLE = signed_in(200, teacher2=404, other_office=404)
CASE_FORM_REFUSED = signed_in(422, teacher2=404, other_office=404)
ADMIN_ONLY = signed_in(403, admin=200)

ROWS = [
    Row("GET", lambda s: "/cases/", signed_in(200)),
    Row("GET", lambda s: f"/cases/{s.case_ids['room1']}", CASE_PEOPLE),
    Row("GET", lambda s: f"/cases/{s.case_ids['room2']}", signed_in(
        200, teacher=404, other_office=404)),
    Row("GET", lambda s: f"/cases/{s.case_ids['other']}", signed_in(404, other_office=200)),
    Row("GET", lambda s: "/cases/999999", signed_in(404)),
    Row("POST", lambda s: f"/cases/{s.case_ids['room1']}/notes", CASE_FORM_REFUSED,
        data={"note": ""}),
    Row("POST", lambda s: f"/cases/{s.case_ids['room1']}/close", CASE_FORM_REFUSED,
        data={"outcome": "other", "note": ""}),
    Row("POST", lambda s: f"/cases/{s.case_ids['other']}/close", signed_in(
        404, other_office=422), data={"outcome": "other", "note": ""}),
    Row("GET", lambda s: "/admin/missing-students", ADMIN_ONLY),
    Row("POST", lambda s: "/admin/missing-students", ADMIN_ONLY | {"admin": 422},
        data={"duty_phones": "not a phone", "unreached_by": "10:00"}),
    # Not an on-duty phone of the school: nothing is queued, the page says why.
    Row("POST", lambda s: "/admin/missing-students/test-text", ADMIN_ONLY | {"admin": 302},
        data={"phone": "+8613800000000"}),
    Row("GET", lambda s: "/admin/missing-students/test-text", signed_in(405, anon=405)),
]


@pytest.fixture
def school_with_cases(app, school):
    """An open case in each class of the school and one in the other school."""
    school.case_ids = {}
    with app.app_context(), clock.frozen(at(8, 30)):
        for key in ("room1", "room2", "other"):
            student = db.session.get(Student, school.student_ids[key][0])
            school.case_ids[key] = cases.raise_case(student, DAY, "family_unaware").id
    return school


@pytest.mark.parametrize(("row", "role"), matrix_cases(ROWS))
def test_case_access(login_as, school_with_cases, row, role):
    assert_access(login_as, school_with_cases, row, role)


def test_the_case_list_shows_a_teacher_only_their_classs_cases(login_as, school_with_cases):
    school = school_with_cases
    with clock.frozen(at(9, 0)):
        mine = login_as("teacher").get("/cases/").get_data(as_text=True)
        office = login_as("office").get("/cases/").get_data(as_text=True)
    assert f"/cases/{school.case_ids['room1']}" in mine
    assert f"/cases/{school.case_ids['room2']}" not in mine
    assert f"/cases/{school.case_ids['room2']}" in office
    assert f"/cases/{school.case_ids['other']}" not in office
