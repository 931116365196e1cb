"""The fast path on a phone, in Chinese or in English: the bag check first, then attendance with two
absent; the bag check, Today, the office board and the student's history agree."""

from flask_babel import force_locale

from rollcall import vocabulary
from rollcall.checks.models import AttendanceStatus, BagStatus
from rollcall.demo.school import DEMO_PASSWORD
from rollcall.extensions import db
from rollcall.models import Student
from tests.browser.conftest import sign_out
from tests.browser.test_checks_morning import (
    checked,
    open_check,
    school_clock,
    submit,
    tap_status,
)

LOCALE = {"zh": "zh_Hans", "en": "en"}


def words(app, lang, *members) -> list[str]:
    with app.test_request_context(), force_locale(LOCALE[lang]):
        return [vocabulary.name(member) for member in members]


def test_bag_check_first_then_two_absent_everyone_agrees(live_server, browser, phone, lang,
                                                         demo_class, sign_in):
    base, (homeroom_id, seat) = live_server.url, demo_class
    clear, not_checked, absent = words(live_server.app, lang, BagStatus.CLEAR,
                                       BagStatus.NOT_CHECKED, AttendanceStatus.ABSENT)
    size = len(seat)
    with live_server.app.app_context():
        names = {n: db.session.get(Student, seat[n]).name for n in (2, 4)}
    with school_clock(7, 35):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        open_check(phone, base, homeroom_id, "bag")
        assert phone.locator("[data-count=clear]").inner_text() == str(size)
        submit(phone)  # nothing found, one tap
    with school_clock(8, 0):
        open_check(phone, base, homeroom_id, "attendance")
        tap_status(phone, seat[2], "absent")
        tap_status(phone, seat[4], "absent")
        submit(phone)
        # The teacher's bag check now says the two were not checked (absent).
        open_check(phone, base, homeroom_id, "bag")
        assert checked(phone, seat[2]) == checked(phone, seat[4]) == "not_checked"
        assert phone.locator("[data-count=clear]").inner_text() == str(size - 2)
        assert phone.locator("[data-count=not_checked]").inner_text() == "2"
        phone.goto(f"{base}/homerooms/{homeroom_id}/today")
        today = phone.locator(".today").inner_text()
        assert f"{clear} {size - 2}" in today and f"{not_checked} 2" in today
        assert f"{absent} 2" in today
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        sign_out(phone)
        # The office board: two absent, named as the teacher named them.
        sign_in(phone, base, "office1", DEMO_PASSWORD)
        phone.goto(f"{base}/office/")
        absent_figure = phone.locator(".totals li.total", has_text=absent).locator(".figure")
        assert absent_figure.inner_text() == "2"
        rows = phone.locator("table.absent-list tbody tr").all_inner_texts()
        assert len(rows) == 2
        for row in rows:
            assert absent in row and any(name in row for name in names.values())
        # The student's history: today is an absence, in the same word.
        phone.goto(f"{base}/students/{seat[2]}")
        cell = phone.locator("td.day[title^='2027-03-02']")
        colon = "：" if lang == "zh" else ": "
        assert cell.get_attribute("title") == f"2027-03-02{colon}{absent}"
        # And the office's log agrees about the bag check.
        phone.goto(f"{base}/office/log?show=all&kind=bag&date_from=2027-03-02&date_to=2027-03-02"
                   f"&student={names[2]}")
        assert not_checked in phone.locator("table tbody").inner_text()
