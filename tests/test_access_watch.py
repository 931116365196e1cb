"""Access matrix for the watch list: the student's homeroom teachers, the office and the admin
of the school; never another class's teacher, never another school."""

import dataclasses

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Student, User
from rollcall.watch import services as watch
from tests.access_matrix import Row, assert_access, matrix_cases, signed_in
from tests.checks_support import DAY, at

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

WATCH_PEOPLE = signed_in(200, teacher2=404, other_office=404)
REFUSED_FORM = signed_in(422, teacher2=404, other_office=404)

ROWS = [
    Row("GET", lambda s: "/watch/", signed_in(200)),
    Row("GET", lambda s: "/watch/new", signed_in(200)),
    Row("GET", lambda s: f"/watch/new?student={s.student_ids['room1'][0]}", WATCH_PEOPLE),
    Row("GET", lambda s: f"/watch/new?student={s.student_ids['room2'][0]}", signed_in(
        200, teacher=404, other_office=404)),
    Row("GET", lambda s: f"/watch/{s.watch_ids['room1']}", WATCH_PEOPLE),
    Row("GET", lambda s: f"/watch/{s.watch_ids['room2']}", signed_in(
        200, teacher=404, other_office=404)),
    Row("GET", lambda s: f"/watch/{s.watch_ids['other']}", signed_in(404, other_office=200)),
    Row("GET", lambda s: "/watch/999999", signed_in(404)),
    Row("POST", lambda s: f"/watch/{s.watch_ids['room1']}/notes", REFUSED_FORM,
        data={"day": "", "note": ""}),
    Row("POST", lambda s: f"/watch/{s.watch_ids['room1']}/close", REFUSED_FORM,
        data={"note": ""}),
    Row("POST", lambda s: "/watch/new", signed_in(422, teacher=404, other_office=404),
        data={"student_id": "{room2_student}", "reason": "truancy", "review_on": ""}),
]


@pytest.fixture
def school_with_watch(app, school):
    """A watched student in each class of the school and one in the other school."""
    school.watch_ids = {}
    with app.app_context(), clock.frozen(at(8, 30)):
        for key, who in (("room1", "office"), ("room2", "office"), ("other", "other_office")):
            student = db.session.get(Student, school.student_ids[key][0])
            actor = db.session.get(User, school.user_ids[who])
            school.watch_ids[key] = watch.add_to_watch(student, "truancy", DAY, None, actor).id
    return school


@pytest.mark.parametrize(("row", "role"), matrix_cases(ROWS))
def test_watch_access(login_as, school_with_watch, row, role):
    if row.data.get("student_id") == "{room2_student}":  # ids are known only once made
        row = dataclasses.replace(row, data=row.data | {
            "student_id": school_with_watch.student_ids["room2"][1]})
    assert_access(login_as, school_with_watch, row, role)
