"""A student at the bag check at morning reading and gone by first class, on a phone in Chinese
and in English: attendance offers "came, then left" on that row (and it fits), keeps the bag
record, asks whether the family knows where the student is, and a family that does not answer
brings up the missing-student panel where the contact was logged."""

import pytest

from rollcall.demo.school import DEMO_PASSWORD
from tests.browser.test_checks_morning import checked, school_clock, submit, tap_status
from tests.checks_support import DAY

# Issue 23 asks for it on a phone in both languages.
pytestmark = pytest.mark.both_languages

TEXT = {
    "zh": {"left": "离校未归", "ask": "家长是否知道", "case": "学生失踪事件已立案",
           "texted": "已短信通知值班电话：+8613800000000, +8613800000001"},
    "en": {"left": "Came, then left", "ask": "do they know where",
           "case": "A missing-student case is open",
           "texted": "Texted to the on-duty office phones: +8613800000000, +8613800000001"},
}
# The row's status buttons all show their whole words on a 390 px phone.
FITS = """(seg) => [seg.scrollWidth <= seg.clientWidth,
  [...seg.querySelectorAll('span')].every((s) => s.scrollWidth <= s.clientWidth)]"""


def test_a_student_who_left_after_morning_reading_is_recorded_and_raises_the_alarm(
        live_server, phone, lang, demo_class, sign_in):
    base, text = live_server.url, TEXT[lang]
    homeroom_id, seat = demo_class
    left, stayed = seat[5], seat[6]
    page = f"{base}/homerooms/{homeroom_id}/checks/{DAY}"
    with school_clock(7, 20):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(f"{page}/bag")
        submit(phone)  # nothing found: every bag checked
    with school_clock(8, 10):
        phone.goto(f"{page}/attendance")
        row = phone.locator(f"li.row:has(input[name='s{left}'])")
        button = row.locator(".seg label:has(input[value='left_after_bag'])")
        assert button.inner_text() == text["left"] and len(text["left"]) <= 16
        assert row.locator(".seg").evaluate(FITS) == [True, True]
        tap_status(phone, left, "left_after_bag")
        submit(phone)
        assert checked(phone, left) == "left_after_bag"
        contacts = phone.locator("#contacts-first")
        assert text["ask"] in contacts.inner_text()
        assert phone.locator(".sweep-alarm").count() == 0
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with school_clock(8, 15):
        form = phone.locator(".contact-form")  # part of the check's form (page_forms)
        form.locator("select[name=student_id]").select_option(str(left))
        form.locator("input[name=person]").fill("母亲")
        form.locator("select[name=outcome]").select_option("no_answer")
        form.locator("input[name=contacted_at]").fill("08:14")
        with phone.expect_navigation():
            form.locator("button[type=submit]").tap()
        alarm = phone.locator("#contacts-first .sweep-alarm")
        assert alarm.is_visible()
        assert text["case"] in alarm.inner_text() and text["texted"] in alarm.inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.goto(f"{page}/bag")  # the bag record stands: the student was checked
        assert checked(phone, left) == checked(phone, stayed) == "clear"
