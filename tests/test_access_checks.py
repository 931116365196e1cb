"""Access matrix for the checks pages (the API has its own in tests/test_api.py)."""

import pytest

from tests.access_matrix import Row, assert_access, matrix_cases, signed_in
from tests.checks_support import DAY, school_time

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py


def room(key):
    return lambda s: s.homeroom_ids[key]


def check(kind, key="room1", day=DAY):
    return lambda s: f"/homerooms/{room(key)(s)}/checks/{day.isoformat()}/{kind}"


ROWS = [
    Row("GET", lambda s: "/today", signed_in(200, teacher=302, teacher2=302, other_office=302)),
    Row("GET", lambda s: f"/homerooms/{room('room1')(s)}/today",
        signed_in(200, teacher2=404, other_office=404)),
    Row("GET", lambda s: f"/homerooms/{room('other')(s)}/today",
        signed_in(404, other_office=200)),
    Row("GET", check("bag"), signed_in(200, teacher2=404, other_office=404)),
    Row("GET", check("attendance"), signed_in(200, teacher2=404, other_office=404)),
    Row("GET", check("dismissal", "room2"), signed_in(200, teacher=404, other_office=404)),
    Row("POST", check("attendance"), signed_in(302, teacher2=404, other_office=404)),
    Row("POST", check("bag", "room2"), signed_in(302, teacher=404, other_office=404)),
    # A refused contact comes back with what was typed and why (422), not a redirect.
    Row("POST", lambda s: check("attendance")(s) + "/contacts",
        signed_in(422, teacher2=404, other_office=404), data={"person": ""}),
    Row("GET", check("lunch"), signed_in(404)),
]


@pytest.mark.parametrize(("row", "role"), matrix_cases(ROWS))
def test_checks_access(login_as, school, row, role):
    with school_time(7, 45):
        assert_access(login_as, school, row, role)
