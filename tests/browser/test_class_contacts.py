"""Smaller truths on a phone, in Chinese and in English: a family contact for any student of
the class from Today (through the class's contacts, with the check pages' seat jump); the
sweep's button after a save says it saves changes; the first visit is only the sign-in page,
while a session that ended says so; the custody trail's and a case's lines have room inside
their borders."""

import pytest

from rollcall.auth.models import UserSession
from rollcall.demo.school import DEMO_PASSWORD
from rollcall.extensions import db
from tests.browser.test_checks_morning import school_clock, submit
from tests.browser.test_checks_scrolling import on_screen
from tests.checks_support import DAY

pytestmark = pytest.mark.both_languages

TEXT = {"zh": {"record": "记录家校沟通", "again": "请重新登录", "sign_in": "登录",
               "saved_sweep": "教室和校园已查看，保存修改"},
        "en": {"record": "Record a family contact", "again": "please sign in again",
               "sign_in": "Sign in", "saved_sweep": "Classroom and campus checked: save changes"}}


def test_a_family_contact_for_any_student_from_today(live_server, phone, lang, demo_class,
                                                     sign_in):
    text, base = TEXT[lang], live_server.url
    homeroom_id, seat = demo_class
    with school_clock(7, 40):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(f"{base}/homerooms/{homeroom_id}/today")
        with phone.expect_navigation():
            phone.locator(".today-more a", has_text=text["record"]).tap()
        # The check pages' seat jump: by seat number, by name, by the seat index.
        assert not on_screen(phone, "#seat-40")
        phone.locator(".jump-search input").fill("40")
        assert on_screen(phone, "#seat-40")
        name = phone.locator("#seat-23 .name").inner_text().strip()
        phone.locator(".jump-search input").fill(name)
        assert on_screen(phone, "#seat-23")
        phone.locator(".seat-index a", has_text="31").tap()
        phone.wait_for_url("**#seat-31")
        assert on_screen(phone, "#seat-31")
        # Any student, present or not: the name opens the form for that student's family.
        with phone.expect_navigation():
            phone.locator("#seat-23 .name").tap()
        assert phone.url.endswith(f"/students/{seat[23]}/family-contacts")
        assert name in phone.locator("h1").inner_text()
        assert phone.locator("form textarea").count()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_sweeps_button_says_it_saves_changes_once_saved(live_server, phone, lang,
                                                           demo_class, sign_in):
    text, base = TEXT[lang], live_server.url
    homeroom_id, _seat = demo_class
    url = f"{base}/homerooms/{homeroom_id}/checks/{DAY}/dismissal"
    with school_clock(17, 30):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(url)
        assert text["saved_sweep"] not in phone.locator("button.primary.big").inner_text()
        submit(phone)  # shown in place
        assert phone.locator("button.primary.big").inner_text() == text["saved_sweep"]
        phone.goto(url)  # and on the page loaded again
        assert phone.locator("button.primary.big").inner_text() == text["saved_sweep"]


def test_only_a_session_that_ended_asks_to_sign_in_again(live_server, phone, lang, sign_in,
                                                        demo_class):
    text, base, app = TEXT[lang], live_server.url, live_server.app
    phone.goto(base + "/")  # the very first visit
    assert phone.url.startswith(f"{base}/login")
    assert phone.locator(".flash").count() == 0
    sign_in(phone, base, "teacher1", DEMO_PASSWORD)
    # Today keeps the check pages for offline use in the background: let it finish first, or
    # its fetches after the session ends would be the ones shown the message.
    phone.goto(base + "/watch/", wait_until="networkidle")
    with app.app_context():  # the session ends (expired, or signed out from elsewhere)
        db.session.execute(db.delete(UserSession))
        db.session.commit()
    phone.goto(base + "/watch/")
    assert phone.url.startswith(f"{base}/login")
    assert text["again"] in phone.locator(".flash").inner_text()


def test_trail_and_timeline_lines_have_room_inside_their_borders(live_server, phone, lang,
                                                                demo_class, sign_in):
    base = live_server.url
    with school_clock(16, 0):
        sign_in(phone, base, "office1", DEMO_PASSWORD)
        phone.goto(f"{base}/items/")
        links = phone.locator("main a").evaluate_all("(as) => as.map((a) => a.pathname)")
        phone.goto(base + next(link for link in links if link.split("/")[-1].isdigit()))
        for line in (".custody-trail li",):
            padding = phone.locator(line).first.evaluate(
                "(li) => [getComputedStyle(li).paddingLeft, getComputedStyle(li).paddingTop]")
            assert [float(p.rstrip("px")) for p in padding] >= [8, 8], padding
