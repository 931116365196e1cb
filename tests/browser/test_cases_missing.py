"""A missing student on a phone, in Chinese or in English: the teacher reaches a family that
did not know, the case is red on Today and on the office board, the office adds to its
timeline and cannot close it without a note, then closes it with where the student was."""

from contextlib import contextmanager

import pytest

from rollcall import clock
from rollcall.checks import services
from rollcall.demo.school import DEMO_PASSWORD, build_demo_school
from rollcall.extensions import db
from rollcall.models import Homeroom, School, User
from tests.browser.conftest import LOCALES, PHONE
from tests.checks_support import DAY, at

TEXT = {
    "zh": {"missing": "学生失联", "trigger": "已联系家长，家长不知情", "close": "结案",
           "needs_note": "结案须填写说明", "closed": "在家找到", "added": "已记入"},
    "en": {"missing": "Missing students", "trigger": "the family was reached and did not know",
           "close": "Close the case", "needs_note": "Closing a case needs a note",
           "closed": "Found at home", "added": "Note added"},
}


@contextmanager
def school_clock(hour, minute=0):
    with clock.frozen(at(hour, minute)):
        yield


@pytest.fixture
def absent_student(live_server):
    """The demo school; seat 4 of 九年级1班 is absent this morning; two on-duty phones."""
    with live_server.app.app_context(), clock.frozen(at(8, 0)):
        school = build_demo_school()
        school.settings = {**(school.settings or {}), "cases": {
            "duty_phones": ["+8613900000001", "+8613900000002"], "unreached_by": "10:00"}}
        db.session.commit()
        room = db.session.scalar(db.select(Homeroom).where(Homeroom.name == "九年级1班"))
        teacher = db.session.scalar(db.select(User).where(User.username == "teacher1"))
        student = next(s for s in room.students if s.seat == 4)
        services.save_check(room, DAY, "attendance", [
            {"student_number": student.student_number, "status": "absent"}], None, teacher)
        return room.id, student.id, student.name, db.session.get(School, school.id).id


def test_a_missing_student_from_the_teachers_phone_to_the_offices_close(
        live_server, browser, phone, lang, absent_student, sign_in):
    text, base = TEXT[lang], live_server.url
    homeroom_id, student_id, name, _school_id = absent_student
    with school_clock(8, 20):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(f"{base}/homerooms/{homeroom_id}/checks/{DAY.isoformat()}/attendance")
        form = phone.locator(".contact-form")
        form.locator("select[name=student_id]").select_option(str(student_id))
        form.locator("input[name=person]").fill("母亲")
        form.locator("select[name=method]").select_option("phone")
        form.locator("select[name=outcome]").select_option("unaware")
        form.locator("input[name=contacted_at]").fill("08:18")
        form.locator("textarea[name=note]").fill("母亲以为孩子在学校")
        with phone.expect_navigation():
            form.locator("button[type=submit]").tap()
        phone.goto(f"{base}/homerooms/{homeroom_id}/today")
        block = phone.locator(".missing-cases")
        assert text["missing"] in block.inner_text() and name in block.inner_text()
        assert text["trigger"] in block.inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    office_context = browser.new_context(locale=LOCALES[lang], **PHONE)
    office_context.set_default_timeout(10_000)
    office = office_context.new_page()
    try:
        with school_clock(8, 30):
            sign_in(office, base, "office1", DEMO_PASSWORD)
            office.goto(f"{base}/office/")
            first = office.locator("#board > *").first
            assert "missing-cases" in first.get_attribute("class")
            # In the school's red: the same colour as var(--bad), not the board's ink.
            colors = first.evaluate("""el => {
                const probe = document.createElement('span');
                probe.style.color = 'var(--bad)';
                document.body.appendChild(probe);
                const red = getComputedStyle(probe).color;
                probe.remove();
                return [getComputedStyle(el).color, red, getComputedStyle(document.body).color];
            }""")
            assert colors[0] == colors[1] != colors[2]
            with office.expect_navigation():
                first.locator("a").first.tap()
            assert "母亲以为孩子在学校" in office.locator(".timeline").inner_text()
            assert "+8613900000001" in office.content()
            office.fill("form[action$='/notes'] textarea[name=note]", "已通知保卫处查看监控")
            with office.expect_navigation():
                office.locator("form[action$='/notes'] button:not([formaction])").tap()
            assert text["added"] in office.locator(".flash-success").inner_text()
            assert "已通知保卫处查看监控" in office.locator(".timeline").inner_text()
            # The case page is one form (page_forms): the closing part's fields are prefixed.
            office.locator("select[name=close-outcome]").select_option("found_at_home")
            with office.expect_navigation():
                office.locator("button[formaction$='/close']").tap()
            assert text["needs_note"] in office.locator("#closing-note-error").inner_text()
            assert office.locator("button[formaction$='/close']").count() == 1
            office.locator("select[name=close-outcome]").select_option("found_at_home")
            office.locator("textarea[name=close-note]").fill("母亲在家找到孩子，已回电")
            with office.expect_navigation():
                office.locator("button[formaction$='/close']").tap()
            assert text["closed"] in office.locator(".lead").first.inner_text()
            assert office.locator("button[formaction$='/close']").count() == 0
            office.goto(f"{base}/office/")
            assert office.locator(".missing-cases").count() == 0
            assert office.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        office_context.close()
