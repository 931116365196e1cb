"""Access matrix for confiscated items: the class's teachers, the office and the admin of the
school; never another class's teacher or another school."""

import pytest

from rollcall import clock
from rollcall.checks import services as checks
from rollcall.custody.models import ConfiscatedItem
from rollcall.extensions import db
from rollcall.models import Homeroom, Student, User
from tests.access_matrix import Row, assert_access, matrix_cases, signed_in
from tests.checks_support import DAY, at

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

OWN_CLASS = signed_in(200, teacher2=404, other_office=404)

ROWS = [
    Row("GET", lambda s: "/items/", signed_in(200)),
    Row("GET", lambda s: f"/items/{s.item_ids['room1']}", OWN_CLASS),
    Row("GET", lambda s: f"/items/{s.item_ids['other']}", signed_in(404, other_office=200)),
    Row("GET", lambda s: "/items/999999", signed_in(404)),
    Row("POST", lambda s: f"/items/{s.item_ids['room1']}/move",
        signed_in(422, teacher2=404, other_office=404), data={"to": "disposed", "at": ""}),
]


@pytest.fixture
def school_with_items(app, school):
    school.item_ids = {}
    with app.app_context(), clock.frozen(at(7, 40)):
        for key, who in (("room1", "teacher"), ("other", "other_teacher")):
            homeroom = db.session.get(Homeroom, school.homeroom_ids[key])
            student = db.session.get(Student, school.student_ids[key][0])
            checks.save_check(homeroom, DAY, "bag", [{
                "student_number": student.student_number, "status": "found",
                "category": "tobacco", "action": "kept_by_teacher"}], None,
                db.session.get(User, school.user_ids[who]))
            school.item_ids[key] = db.session.scalar(db.select(ConfiscatedItem.id).where(
                ConfiscatedItem.student_id == student.id))
    return school


@pytest.mark.parametrize(("row", "role"), matrix_cases(ROWS))
def test_custody_access(login_as, school_with_items, row, role):
    assert_access(login_as, school_with_items, row, role)


def test_the_list_shows_a_teacher_only_their_classs_items(login_as, school_with_items):
    school = school_with_items
    with clock.frozen(at(9, 0)):
        mine = login_as("teacher").get("/items/").get_data(as_text=True)
        other = login_as("teacher2").get("/items/").get_data(as_text=True)
    assert f"/items/{school.item_ids['room1']}" in mine
    assert f"/items/{school.item_ids['room1']}" not in other
