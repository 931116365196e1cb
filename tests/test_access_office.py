"""Access matrix for the office area: office and admin see their school; teachers their class."""

import csv
import io

import pytest

from tests import factories
from tests.access_matrix import Row, assert_access, everyone, matrix_cases, signed_in
from tests.office_helpers import DAY, at

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

OFFICE_ONLY = signed_in(200, teacher=403, teacher2=403)
OWN_CLASS = signed_in(200, teacher2=404, other_office=404)
OTHER_CLASS = signed_in(200, teacher=404, other_office=404)
OTHER_SCHOOL = signed_in(404, other_office=200)

ROWS = [
    Row("GET", lambda s: "/office/", OFFICE_ONLY),
    Row("GET", lambda s: "/office/board.fragment", OFFICE_ONLY),
    Row("GET", lambda s: "/office/log", OFFICE_ONLY),
    Row("GET", lambda s: "/office/log?kind=attendance&status=absent", OFFICE_ONLY),
    Row("GET", lambda s: "/office/log.csv", OFFICE_ONLY),
    Row("GET", lambda s: "/office/charts", OFFICE_ONLY),
    Row("GET", lambda s: "/office/audit", OFFICE_ONLY),
    Row("GET", lambda s: f"/students/{s.student_ids['room1'][0]}", OWN_CLASS),
    Row("GET", lambda s: f"/students/{s.student_ids['room2'][0]}", OTHER_CLASS),
    Row("GET", lambda s: f"/students/{s.student_ids['other'][0]}", OTHER_SCHOOL),
    Row("GET", lambda s: "/students/999999", signed_in(404)),
    Row("GET", lambda s: f"/homerooms/{s.homeroom_ids['room1']}/week/2026-W48", OWN_CLASS),
    Row("GET", lambda s: f"/homerooms/{s.homeroom_ids['room2']}/week/2026-W48", OTHER_CLASS),
    Row("GET", lambda s: f"/homerooms/{s.homeroom_ids['other']}/week/2026-W48", OTHER_SCHOOL),
    Row("GET", lambda s: f"/homerooms/{s.homeroom_ids['room1']}/week", signed_in(
        302, teacher2=404, other_office=404)),
    Row("POST", lambda s: "/office/audit", everyone(405)),
    Row("POST", lambda s: "/office/", everyone(405)),
]


@pytest.mark.parametrize(("row", "role"), matrix_cases(ROWS))
def test_office_access(login_as, school, row, role):
    assert_access(login_as, school, row, role)


@pytest.fixture
def both_schools(app, school):
    """A recorded morning in each school, with an absence in each."""
    with app.app_context():
        factories.record_check(school.homeroom_ids["room1"], DAY, "attendance",
                               {school.student_ids["room1"][0]: "absent"}, at(8, 0))
        factories.record_check(school.homeroom_ids["other"], DAY, "attendance",
                               {school.student_ids["other"][0]: "absent"}, at(8, 0))
    return school


@pytest.mark.parametrize(
    "url", ["/office/", "/office/log", "/office/log?show=all", "/office/charts", "/office/audit"])
def test_another_schools_office_sees_none_of_our_data(both_schools, login_as, url):
    from rollcall import clock

    with clock.frozen(at(9, 0)):
        html = login_as("other_office").get(url).get_data(as_text=True)
    ours = both_schools.student_ids["room1"] + both_schools.student_ids["room2"]
    assert "九年级2班" not in html and "王老师" not in html and "张主任" not in html
    assert not any(f'href="/students/{student_id}"' in html for student_id in ours)
    assert "1班00" not in html  # our student numbers


def test_another_schools_csv_holds_only_its_rows(both_schools, login_as):
    data = login_as("other_office").get("/office/log.csv?show=all").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert len(rows) == 2 and rows[1][2] == "X001"


def test_another_schools_class_cannot_be_used_as_a_filter(both_schools, login_as):
    other_room = both_schools.homeroom_ids["room1"]
    assert login_as("other_office").get(f"/office/log?homeroom={other_room}").status_code == 400
