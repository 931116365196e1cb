"""The time of a record is the time it happened, on a phone in Chinese and in English: an
attendance tapped at 07:35 without signal and sent at 08:30, when the signal came back, is
recorded at 07:35 and says both times (Playwright's offline mode, and a phone clock that moves
on between the tap and the resend)."""

import pytest

from rollcall.checks.models import Check
from rollcall.demo.school import DEMO_PASSWORD
from rollcall.extensions import db
from tests.browser.test_checks_morning import school_clock, tap_status
from tests.browser.test_checks_offline import ready_offline
from tests.checks_support import DAY, at

# Issue 23 asks these on a phone in both languages.
pytestmark = pytest.mark.both_languages

BOTH = {"zh": "在手机上记录于 07:35，08:30 收到",
        "en": "recorded on the phone at 07:35, received at 08:30"}


def test_a_save_resent_later_keeps_the_time_of_the_tap(live_server, phone, lang, demo_class,
                                                        sign_in):
    base = live_server.url
    homeroom_id, seat = demo_class
    url = f"{base}/homerooms/{homeroom_id}/checks/{DAY}/attendance"
    phone.context.clock.set_fixed_time(at(7, 35))
    with school_clock(7, 35):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        ready_offline(phone, base)
        phone.goto(url)
        phone.context.set_offline(True)
        tap_status(phone, seat[5], "absent")
        phone.locator("button.primary.big").tap()
        # Not sent yet: said in the sticky bar, where the teacher tapped (point 6).
        phone.locator(".submit-bar #unsent").wait_for(state="visible")
        assert phone.locator(".submit-bar #unsent").is_visible()
    phone.clock.set_fixed_time(at(8, 30))
    with school_clock(8, 30):
        phone.context.set_offline(False)
        phone.locator(".flash-success").wait_for()
        assert BOTH[lang] in phone.locator("#saved").inner_text()
    with live_server.app.app_context():
        check = db.session.scalar(db.select(Check).filter_by(
            homeroom_id=homeroom_id, school_date=DAY, kind="attendance"))
        assert check.submitted_at == check.recorded_on_phone_at == at(7, 35)
        assert check.received_at == at(8, 30)
        assert {e.student_id: e.status for e in check.entries}[seat[5]] == "absent"
