"""Access matrix for the weekly conflict screening: the class's teachers, the office and the
admin of the school; the admin alone sets the cut-off."""

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Homeroom, User
from rollcall.screening import services as screening
from tests.access_matrix import Row, assert_access, matrix_cases, signed_in
from tests.checks_support import at

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

OWN_CLASS = signed_in(200, teacher2=404, other_office=404)
OWN_CLASS_REFUSED = signed_in(422, teacher2=404, other_office=404)
ADMIN_ONLY = signed_in(403, admin=200)

ROWS = [
    Row("GET", lambda s: f"/homerooms/{s.homeroom_ids['room1']}/screening", OWN_CLASS),
    Row("GET", lambda s: f"/homerooms/{s.homeroom_ids['room2']}/screening", signed_in(
        200, teacher=404, other_office=404)),
    Row("GET", lambda s: f"/homerooms/{s.homeroom_ids['other']}/screening", signed_in(
        404, other_office=200)),
    Row("POST", lambda s: f"/homerooms/{s.homeroom_ids['room1']}/screening/conflicts",
        OWN_CLASS_REFUSED, data={"about": "", "severity": "minor", "state": "open"}),
    Row("GET", lambda s: f"/conflicts/{s.conflict_ids['room1']}", OWN_CLASS),
    Row("GET", lambda s: f"/conflicts/{s.conflict_ids['other']}", signed_in(
        404, other_office=200)),
    Row("GET", lambda s: "/conflicts/999999", signed_in(404)),
    Row("POST", lambda s: f"/conflicts/{s.conflict_ids['room1']}/update", OWN_CLASS_REFUSED,
        data={"state": "mediating", "note": ""}),
    Row("GET", lambda s: "/admin/screening", ADMIN_ONLY),
    Row("POST", lambda s: "/admin/screening", ADMIN_ONLY | {"admin": 422},
        data={"weekday": "4", "time": "five"}),
]


@pytest.fixture
def school_with_conflicts(app, school):
    school.conflict_ids = {}
    with app.app_context(), clock.frozen(at(10, 0)):
        for key, who in (("room1", "teacher"), ("other", "other_teacher")):
            homeroom = db.session.get(Homeroom, school.homeroom_ids[key])
            actor = db.session.get(User, school.user_ids[who])
            school.conflict_ids[key] = screening.record_conflict(
                homeroom, screening.week_start(clock.school_today(homeroom.school)), actor,
                student_ids=[school.student_ids[key][0]], about="争执", severity="minor",
                action=None, state="open").id
    return school


@pytest.mark.parametrize(("row", "role"), matrix_cases(ROWS))
def test_screening_access(login_as, school_with_conflicts, row, role):
    assert_access(login_as, school_with_conflicts, row, role)


def test_the_admin_moves_the_cut_off_and_the_board_follows(app, login_as, school):
    from datetime import date

    admin = login_as("admin")
    response = admin.post("/admin/screening", data={"weekday": "3", "time": "12:00"})
    assert response.status_code == 302
    with clock.frozen(at(12, 0, date(2027, 3, 4))):  # Thursday noon
        board = login_as("office").get("/office/").get_data(as_text=True)
    assert board.count("screening-overdue") == 2
