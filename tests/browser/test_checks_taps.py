"""The teacher's morning in taps, on a phone in Chinese or in English: a 46-student class, the bag
check with one knife confiscated, attendance with two absent and one late, the dismissal sweep
with one student still on campus. Every click, tap and text entry counts, page changes too."""

from datetime import date, datetime

from rollcall.checks.models import Check
from rollcall.demo.school import DEMO_PASSWORD
from rollcall.extensions import db
from tests.browser.test_checks_morning import school_clock, submit

DAY = date(2027, 3, 2)


class Taps:
    """Taps on a page, counted."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, selector, navigates=False, saves=False):
        self.count += 1
        if saves:  # shown in place, or on the page the save leads to
            submit(self.page)
        elif navigates:
            with self.page.expect_navigation():
                self.page.locator(selector).first.tap()
        else:
            self.page.locator(selector).first.tap()

    def fill(self, selector, text):
        self.count += 1
        self.page.fill(selector, text)


def status(sid, value):
    return f".seg label:has(input[name='s{sid}'][value='{value}'])"


def test_the_morning_takes_at_most_twelve_taps(live_server, phone, lang, demo_class, sign_in):
    homeroom_id, seat = demo_class
    base = live_server.url
    with school_clock(7, 35):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)  # signed in already, on their phone
        taps = Taps(phone)
        assert phone.url.endswith(f"/homerooms/{homeroom_id}/today")
        taps.tap(".today-link", navigates=True)  # the bag check
        taps.tap(status(seat[3], "found"))
        taps.tap("li#seat-3 .chips button[data-value=knife]")
        assert phone.locator(f"select[name='a{seat[3]}']").input_value() == "kept_by_teacher"
        taps.tap("button.primary.big", saves=True)  # saved: attendance opens
        assert phone.url.endswith("/attendance")
    with school_clock(8, 0):
        # The phone's own clock (what checks.js stamps a late arrival with) says 07:59 too.
        phone.clock.set_fixed_time(datetime(2027, 3, 2, 7, 59))
        taps.tap(status(seat[5], "absent"))
        taps.tap(status(seat[8], "absent"))
        taps.tap(status(seat[10], "late"))  # the time of the tap is its arrival time
        taps.tap("button.primary.big", saves=True)  # saved, and shown where it is
    with school_clock(17, 25):
        taps.tap(".next-check a", navigates=True)  # one tap away: the dismissal sweep
        assert phone.url.endswith("/dismissal")
        taps.tap(status(seat[12], "on_campus"))
        taps.fill(f"input[name='l{seat[12]}']", "传达室")  # why: waiting for a parent, preset
        taps.tap("button.primary.big", saves=True)
    with live_server.app.app_context():
        saved = {check.kind: {e.student_id: e for e in check.entries}
                 for check in db.session.scalars(db.select(Check).where(
                     Check.homeroom_id == homeroom_id, Check.school_date == DAY))}
    bag, attendance, dismissal = saved["bag"], saved["attendance"], saved["dismissal"]
    assert (bag[seat[3]].status, bag[seat[3]].category, bag[seat[3]].action) == (
        "found", "knife", "kept_by_teacher")
    assert [attendance[seat[n]].status for n in (5, 8, 10)] == ["absent", "absent", "late"]
    assert attendance[seat[10]].arrived_at is not None
    assert [bag[seat[n]].status for n in (5, 8)] == ["not_checked", "not_checked"]
    assert (dismissal[seat[12]].status, dismissal[seat[12]].reason,
            dismissal[seat[12]].location) == ("on_campus", "waiting_for_parent", "传达室")
    print(f"the morning in {taps.count} taps ({lang})")
    assert taps.count <= 12
