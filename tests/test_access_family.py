"""Access matrix for family contacts and parent meetings: the class's teachers, the office and
the admin of the school."""

import pytest

from tests.access_matrix import Row, assert_access, matrix_cases, signed_in

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

OWN_CLASS = signed_in(200, teacher2=404, other_office=404)
OWN_CLASS_REFUSED = signed_in(422, teacher2=404, other_office=404)

ROWS = [
    Row("GET", lambda s: f"/students/{s.student_ids['room1'][0]}/family-contacts", OWN_CLASS),
    Row("GET", lambda s: f"/students/{s.student_ids['other'][0]}/family-contacts", signed_in(
        404, other_office=200)),
    Row("POST", lambda s: f"/students/{s.student_ids['room1'][0]}/family-contacts",
        OWN_CLASS_REFUSED, data={"reason": "conduct", "method": "phone", "said": ""}),
    Row("GET", lambda s: f"/homerooms/{s.homeroom_ids['room1']}/parent-meetings", OWN_CLASS),
    Row("GET", lambda s: f"/homerooms/{s.homeroom_ids['room2']}/parent-meetings", signed_in(
        200, teacher=404, other_office=404)),
    Row("POST", lambda s: f"/homerooms/{s.homeroom_ids['room1']}/parent-meetings",
        OWN_CLASS_REFUSED, data={"topic": ""}),
]


@pytest.mark.parametrize(("row", "role"), matrix_cases(ROWS))
def test_family_access(login_as, school, row, role):
    assert_access(login_as, school, row, role)
