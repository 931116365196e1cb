"""Access matrix for the notify area's pages and webhooks."""

import pytest

from tests.access_matrix import Row, assert_access, everyone, matrix_cases, signed_in

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

ROWS = [
    Row("GET", lambda s: "/office/texts", signed_in(200, teacher=403, teacher2=403)),
    Row("GET", lambda s: "/office/texts.csv", signed_in(200, teacher=403, teacher2=403)),
    Row("GET", lambda s: f"/homerooms/{s.homeroom_ids['room1']}/texts",
        signed_in(200, teacher2=404, other_office=404)),
    Row("GET", lambda s: f"/homerooms/{s.homeroom_ids['other']}/texts",
        signed_in(404, other_office=200)),
    Row("GET", lambda s: "/admin/text-settings", signed_in(403, admin=200)),
    Row("POST", lambda s: "/admin/text-settings", signed_in(403, admin=200),
        data={"fan_out": "first", "sms_window": "bad"}),
    Row("POST", lambda s: "/twilio/status", everyone(403),
        data={"MessageSid": "SM1", "MessageStatus": "delivered"}),
    Row("POST", lambda s: "/twilio/inbound", everyone(403),
        data={"From": "+8613800000000", "Body": "STOP", "MessageSid": "SM1"}),
    Row("GET", lambda s: "/twilio/inbound", everyone(405)),
]


@pytest.mark.parametrize(("row", "role"), matrix_cases(ROWS))
def test_notify_access(login_as, school, row, role):
    assert_access(login_as, school, row, role)
