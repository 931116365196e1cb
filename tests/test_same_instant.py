"""Two admins doing the same thing at the same instant, each in its own thread and session: the
hourly limit of test texts holds, and a name taken a moment ago is refused in words, not with
a 500. On both databases."""

from rollcall.extensions import db
from rollcall.models import School, User
from rollcall.notify import test_texts
from rollcall.notify.models import OutboxText, TextKind
from tests.test_cases import DUTY, set_duty_phones
from tests.test_state_races import at_once

AT_ONCE = 2 * test_texts.TEST_TEXTS_PER_WINDOW


def sending_a_test_text(school):
    def step():
        main = db.session.get(School, school.school_id)
        admin = db.session.get(User, school.user_ids["admin"])
        return lambda: test_texts.send_test_text(main, DUTY[0], DUTY, admin)
    return step


def test_test_texts_sent_at_once_stay_within_the_hourly_limit(app, school):
    set_duty_phones(app, school)
    results = at_once(app, *[sending_a_test_text(school)] * AT_ONCE)
    refused = [r for r in results if isinstance(r, test_texts.TestTextRefused)]
    assert [r.reason for r in refused] == ["too_many"] * (AT_ONCE
                                                         - test_texts.TEST_TEXTS_PER_WINDOW)
    with app.app_context():
        queued = db.session.scalar(db.select(db.func.count(OutboxText.id)).where(
            OutboxText.kind == TextKind.TEST_TEXT))
        db.session.remove()
    assert queued == test_texts.TEST_TEXTS_PER_WINDOW
