"""The office board promises the time the sender keeps: one rule for when an absence text is due
(rollcall.notify.settings.absence_text_due), read by both."""

from datetime import timedelta

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.jobs.absence_texts import queue_due_texts
from rollcall.models import School
from rollcall.office.parent_texts import absence_contacts
from tests import factories
from tests.notify_support import MONDAY, at

# (delay minutes, window, fixed send time): when the text of an absence taken at 08:00 is due.
CASES = [
    ((15, "07:00-21:00", None), at(8, 15)),
    ((15, "07:00-21:00", "09:30"), at(9, 30)),
    ((5, "08:30-21:00", None), at(8, 30)),
    ((90, "07:00-21:00", "08:10"), at(9, 30)),
]


@pytest.mark.parametrize(("settings", "expected"), CASES)
def test_the_board_shows_the_minute_the_sender_writes_the_text(app, school, settings, expected):
    delay, window, send_time = settings
    student_id = school.student_ids["room1"][0]
    with app.app_context():
        own = db.session.get(School, school.school_id)
        own.alert_delay_minutes, own.sms_window = delay, window
        own.settings = {"texts": {"send_time": send_time}} if send_time else {}
        db.session.commit()
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY,
                                   {student_id: "absent"}, at(8, 0))
        with clock.frozen(at(8, 0)):
            board = absence_contacts(school.school_id, MONDAY, [student_id])[student_id]
        assert (board["text"], board["due_at"]) == ("due", expected)
        with clock.frozen(board["due_at"] - timedelta(minutes=1)):
            assert queue_due_texts(db.session.get(School, school.school_id)) == 0
        with clock.frozen(board["due_at"]):
            assert queue_due_texts(db.session.get(School, school.school_id)) == 1
        db.session.remove()
