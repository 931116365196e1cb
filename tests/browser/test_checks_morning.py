"""A homeroom teacher's whole day on a phone, in Chinese or in English, then the office's view.

Bag check with one item found, attendance with two absent and one late, the late arrival of
an absent student, the dismissal sweep with one student still on campus; the office sees it.
"""

from contextlib import contextmanager

import pytest

from rollcall import clock
from rollcall.checks import services
from rollcall.demo.school import DEMO_PASSWORD
from rollcall.extensions import db
from rollcall.models import Homeroom, User
from tests.browser.conftest import sign_out
from tests.checks_support import at

TEXT = {
    "zh": {"saved": "已保存", "flag": "已上报政教处", "not_started": "未开始", "done": "完成",
           "found": "管制刀具或刀片", "campus": "已查看教室和校园"},
    "en": {"saved": "saved", "flag": "Flagged to the office", "not_started": "Not started",
           "done": "Done at", "found": "Controlled knife or blade",
           "campus": "classroom and campus checked at"},
}


@contextmanager
def school_clock(hour, minute=0):
    with clock.frozen(at(hour, minute)):
        yield


def tap_status(page, sid, status):
    page.locator(f".seg label:has(input[name='s{sid}'][value='{status}'])").tap()


def submit(page):
    """Tap submit and wait until the save shows: in place (checks.js swaps in the parts of the
    page that the save changed), or on the page loaded after it (the next check to do, or the
    server's page when it refused the save)."""
    page.evaluate("window.shownBefore = document.getElementById('flashes')")
    page.locator("button.primary.big").tap()
    page.wait_for_function("() => document.readyState === 'complete' && document"
                           ".getElementById('flashes') !== (window.shownBefore || null)")


def submit_plain(page):
    """Tap submit on a page without JavaScript: the form posts, the page is loaded again."""
    with page.expect_navigation():
        page.locator("button.primary.big").tap()


def open_check(page, base, homeroom_id, kind):
    page.goto(f"{base}/homerooms/{homeroom_id}/checks/2027-03-02/{kind}")


def checked(page, sid) -> str:
    return page.locator(f"input[name='s{sid}']:checked").get_attribute("value")


def test_a_teachers_day_and_the_office_sees_it(live_server, phone, lang, demo_class, sign_in):
    text, base = TEXT[lang], live_server.url
    homeroom_id, seat = demo_class
    with school_clock(7, 35):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        assert phone.url.endswith(f"/homerooms/{homeroom_id}/today")
        assert phone.locator(".today li").count() == 3
        assert text["not_started"] in phone.locator(".today").inner_text()
        # Bag check: a knife in seat 3's bag, seats 5 and 8 are not here.
        phone.locator(".today-link").first.tap()
        phone.wait_for_url("**/bag")
        box = phone.locator(".seg span").first.bounding_box()
        assert box["height"] >= 44
        tap_status(phone, seat[3], "found")
        phone.select_option(f"select[name='c{seat[3]}']", "knife")
        phone.fill(f"input[name='d{seat[3]}']", "折叠刀")
        phone.select_option(f"select[name='a{seat[3]}']", "handed_to_office")
        tap_status(phone, seat[5], "not_checked")
        tap_status(phone, seat[8], "not_checked")
        assert phone.locator("[data-count=not_checked]").inner_text() == "2"
        submit(phone)
        assert text["saved"] in phone.locator(".flash-success").inner_text()
        assert text["flag"] in phone.locator(".flash-error").inner_text()
    with school_clock(8, 0):
        # Attendance: seats 5 and 8 start absent; seat 10 came in late.
        open_check(phone, base, homeroom_id, "attendance")
        assert checked(phone, seat[5]) == "absent" and checked(phone, seat[8]) == "absent"
        tap_status(phone, seat[10], "late")
        phone.fill(f"input[name='t{seat[10]}']", "07:58")
        assert phone.locator("[data-count=present]").inner_text() == "43"
        assert phone.locator("[data-count=late]").inner_text() == "1"
        assert phone.locator("[data-count=absent]").inner_text() == "2"
        submit(phone)
        assert text["saved"] in phone.locator(".flash-success").inner_text()
    with school_clock(8, 40):
        # Seat 5 walks in at 08:40.
        open_check(phone, base, homeroom_id, "attendance")
        tap_status(phone, seat[5], "late")
        phone.fill(f"input[name='t{seat[5]}']", "08:40")
        submit(phone)
        assert checked(phone, seat[5]) == "late"
        assert "08:40" in phone.locator(".history").inner_text()
    with school_clock(17, 25):
        # Dismissal: seat 8 is absent and not listed; seat 12 is waiting for a parent.
        open_check(phone, base, homeroom_id, "dismissal")
        assert phone.locator(f"input[name='s{seat[8]}']").count() == 0
        tap_status(phone, seat[12], "on_campus")
        phone.fill(f"input[name='l{seat[12]}']", "传达室")
        phone.select_option(f"select[name='r{seat[12]}']", "waiting_for_parent")
        submit(phone)
        assert text["campus"] in phone.locator(".saved-by").inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        sign_out(phone)
        # The office sees exactly that.
        sign_in(phone, base, "office1", DEMO_PASSWORD)
        open_check(phone, base, homeroom_id, "bag")
        assert checked(phone, seat[3]) == "found"
        assert phone.locator(f"select[name='c{seat[3]}']").input_value() == "knife"
        assert text["found"] in phone.locator(".flash-error").inner_text()
        assert phone.locator(".seg input:checked[value=found]").count() == 1
        open_check(phone, base, homeroom_id, "attendance")
        assert [checked(phone, seat[n]) for n in (5, 8, 10)] == ["late", "absent", "late"]
        assert phone.locator(f"input[name='t{seat[5]}']").input_value() == "08:40"
        assert phone.locator(".seg input:checked:not([value=present])").count() == 3
        open_check(phone, base, homeroom_id, "dismissal")
        assert checked(phone, seat[12]) == "on_campus"
        assert phone.locator(f"input[name='l{seat[12]}']").input_value() == "传达室"
        assert phone.locator(".seg input:checked[value=on_campus]").count() == 1


@pytest.mark.both_languages
def test_check_pages_fit_a_360_px_phone(live_server, phone, lang, demo_class, sign_in):
    homeroom_id, _seat = demo_class
    phone.set_viewport_size({"width": 360, "height": 740})
    with school_clock(7, 35):
        sign_in(phone, live_server.url, "teacher1", DEMO_PASSWORD)
        for kind in ("bag", "attendance", "dismissal"):
            open_check(phone, live_server.url, homeroom_id, kind)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 360, kind


def test_the_check_works_as_a_plain_form_without_javascript(live_server, browser, demo_class,
                                                            sign_in):
    homeroom_id, seat = demo_class
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, viewport={
        "width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        with school_clock(8, 5):
            sign_in(page, live_server.url, "teacher1", DEMO_PASSWORD)
            open_check(page, live_server.url, homeroom_id, "attendance")
            tap_status(page, seat[2], "excused")
            page.fill(f"input[name='r{seat[2]}']", "看病")  # shown by CSS alone
            submit_plain(page)
            assert "已保存" in page.locator(".flash-success").inner_text()
            assert checked(page, seat[2]) == "excused"
            assert page.locator(f"input[name='r{seat[2]}']").input_value() == "看病"
    finally:
        context.close()


def test_two_people_on_one_check_nothing_is_overwritten(live_server, phone, lang, demo_class,
                                                        sign_in):
    """The office corrects attendance while the teacher's page is open: the teacher's change of
    another row merges; a change of the office's row is refused with both values and who, and
    tapping it again saves it."""
    homeroom_id, seat = demo_class
    both = {"zh": "他人也修改了这些行", "en": "Changed by someone else too"}[lang]
    with school_clock(8, 5):
        sign_in(phone, live_server.url, "teacher1", DEMO_PASSWORD)
        open_check(phone, live_server.url, homeroom_id, "attendance")
        submit(phone)
        open_check(phone, live_server.url, homeroom_id, "attendance")

        def office_marks_absent(student_index, version):
            with live_server.app.app_context():
                room = db.session.get(Homeroom, homeroom_id)
                office = db.session.scalar(db.select(User).where(User.username == "office1"))
                marked = room.students[student_index]
                services.save_check(room, at(8, 5).date(), "attendance",
                                    [{"student_number": marked.student_number,
                                      "status": "absent"}], version, office)
                db.session.commit()
                return marked.id, office.display_name

        marked_id, _office = office_marks_absent(3, 1)
        tap_status(phone, seat[7], "absent")
        submit(phone)  # another row: merged
        assert phone.locator(".conflicts").count() == 0
        assert checked(phone, seat[7]) == "absent"
        assert checked(phone, marked_id) == "absent"
        other_id, office_name = office_marks_absent(5, 3)
        tap_status(phone, other_id, "excused")
        phone.fill(f"input[name='r{other_id}']", "看病")
        tap_status(phone, seat[9], "late")
        phone.fill(f"input[name='t{seat[9]}']", "08:02")
        submit(phone)  # the same row: refused, both values and who shown
        conflict = phone.locator(".conflicts").inner_text()
        assert both in conflict and office_name in conflict and "看病" in conflict
        assert checked(phone, other_id) == "absent"  # what is saved now
        assert checked(phone, seat[9]) == "late"  # the other change is still on screen
        tap_status(phone, other_id, "excused")
        phone.fill(f"input[name='r{other_id}']", "看病")
        submit(phone)
        assert phone.locator(".conflicts").count() == 0
        assert checked(phone, other_id) == "excused" and checked(phone, seat[9]) == "late"
