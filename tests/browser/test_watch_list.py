"""Students to watch on a phone, in Chinese or in English: a teacher puts a student on the
list, writes a dated note and sees the review on Today; another class's teacher sees nothing;
the office takes the student off with a note."""

from contextlib import contextmanager
from datetime import timedelta

import pytest

from rollcall import clock
from rollcall.demo.school import DEMO_PASSWORD, build_demo_school
from rollcall.extensions import db
from rollcall.models import Homeroom
from tests.browser.conftest import LOCALES, PHONE
from tests.checks_support import DAY, at

TEXT = {
    "zh": {"added": "已列入重点关注名单", "reason": "与校外人员来往", "due": "重点关注学生待复查",
           "empty": "重点关注名单为空", "off": "已移出重点关注名单",
           "past": "复查日期不能早于今天"},
    "en": {"added": "is on the watch list", "reason": "Contact with people outside school",
           "due": "Watch-list reviews due", "empty": "Nobody is on the watch list",
           "off": "is off the watch list", "past": "The review date cannot be in the past"},
}


@contextmanager
def school_clock(hour, minute=0):
    with clock.frozen(at(hour, minute)):
        yield


@pytest.fixture
def demo_class(live_server):
    with live_server.app.app_context(), clock.frozen(at(6, 0)):
        build_demo_school()
        db.session.commit()
        room = db.session.scalar(db.select(Homeroom).where(Homeroom.name == "九年级1班"))
        student = next(s for s in room.students if s.seat == 7)
        return room.id, student.id, student.name


def new_phone(browser, lang):
    context = browser.new_context(locale=LOCALES[lang], **PHONE)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def test_a_student_to_watch_on_a_phone(live_server, browser, phone, lang, demo_class, sign_in):
    text, base = TEXT[lang], live_server.url
    homeroom_id, student_id, name = demo_class
    with school_clock(9, 0):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(f"{base}/watch/new")
        phone.select_option("select[name=student_id]", str(student_id))
        phone.select_option("select[name=reason]", "outside_contacts")
        phone.fill("textarea[name=details]", "放学后常与校外青年在网吧门口聚集")
        phone.fill("input[name=review_on]", (DAY - timedelta(days=1)).isoformat())
        with phone.expect_navigation():
            phone.locator("form.card button[type=submit]").tap()
        assert text["past"] in phone.locator("#review_on-error").inner_text()
        phone.fill("input[name=review_on]", (DAY + timedelta(days=2)).isoformat())
        with phone.expect_navigation():
            phone.locator("form.card button[type=submit]").tap()
        assert text["added"] in phone.locator(".flash-success").inner_text()
        assert text["reason"] in phone.locator(".lead").inner_text()
        phone.fill("form[action$='/notes'] textarea[name=note]", "与母亲电话沟通，约定每天接送")
        with phone.expect_navigation():
            phone.locator("form[action$='/notes'] button:not([formaction])").tap()
        assert "约定每天接送" in phone.locator(".watch-notes").inner_text()
        phone.goto(f"{base}/homerooms/{homeroom_id}/today")
        assert text["due"] in phone.content() and name in phone.content()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    other_context, other = new_phone(browser, lang)
    try:
        with school_clock(9, 10):
            sign_in(other, base, "teacher2", DEMO_PASSWORD)
            other.goto(f"{base}/watch/")
            assert text["empty"] in other.content() and name not in other.content()
            response = other.goto(f"{base}/students/{student_id}")
            assert response.status == 404
    finally:
        other_context.close()

    office_context, office = new_phone(browser, lang)
    try:
        with school_clock(9, 20):
            sign_in(office, base, "office1", DEMO_PASSWORD)
            office.goto(f"{base}/watch/")
            with office.expect_navigation():
                office.locator(".watch-entry a", has_text=name).tap()
            office.fill("textarea[name=close-note]", "家长每天接送，一个月无异常")
            with office.expect_navigation():
                office.locator("button[formaction$='/close']").tap()
            assert text["off"] in office.locator(".flash-success").inner_text()
            office.goto(f"{base}/watch/")
            assert name not in office.locator(".watch-list").inner_text()
            assert office.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        office_context.close()
