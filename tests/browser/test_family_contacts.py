"""Family contacts on a phone, in Chinese or in English: from a confiscated item the teacher
opens the contact form filled in, is told a contact cannot be dated in the future, records it
with a follow-up that then shows on Today, and records a parent meeting with who came."""

from datetime import timedelta

import pytest

from rollcall import clock
from rollcall.checks import services
from rollcall.demo.school import DEMO_PASSWORD, build_demo_school
from rollcall.extensions import db
from rollcall.models import Homeroom, User
from tests.checks_support import DAY, at

TEXT = {
    "zh": {"future": "沟通时间不能晚于现在", "logged": "联系记录已保存", "follow": "家校沟通待跟进",
           "meeting": "家长会已记录", "came": "到会家庭 (2)"},
    "en": {"future": "A contact cannot be dated in the future", "logged": "Contact logged",
           "follow": "Family follow-ups", "meeting": "Parent meeting recorded",
           "came": "Families that attended (2)"},
}


@pytest.fixture
def demo(live_server):
    with live_server.app.app_context(), clock.frozen(at(7, 40)):
        build_demo_school()
        db.session.commit()
        room = db.session.scalar(db.select(Homeroom).where(Homeroom.name == "九年级1班"))
        teacher = db.session.scalar(db.select(User).where(User.username == "teacher1"))
        student = next(s for s in room.students if s.seat == 9)
        services.save_check(room, DAY, "bag", [{
            "student_number": student.student_number, "status": "found", "category": "tobacco",
            "description": "电子烟", "action": "kept_by_teacher"}], None, teacher)
        seats = {s.seat: s.id for s in room.students}
        return room.id, student.id, seats


def test_family_contacts_on_a_phone(live_server, phone, lang, demo, sign_in):
    text, base = TEXT[lang], live_server.url
    homeroom_id, student_id, seats = demo
    with clock.frozen(at(16, 40)):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(f"{base}/items/")
        with phone.expect_navigation():
            phone.locator(".custody-item a").first.tap()
        with phone.expect_navigation():
            phone.locator(f"a[href*='/students/{student_id}/family-contacts']").tap()
        assert phone.locator("select[name=reason]").input_value() == "bag_finding"
        assert "电子烟" in phone.locator("textarea[name=said]").input_value()
        phone.select_option("select[name=method]", "phone")
        phone.fill("input[name=person]", "母亲")
        phone.fill("input[name=contacted_at]", f"{DAY + timedelta(days=1)}T09:00")
        phone.fill("textarea[name=agreed]", "家长周五来校取回")
        phone.fill("input[name=follow_up_on]", (DAY + timedelta(days=3)).isoformat())
        with phone.expect_navigation():
            phone.locator("form.card button").tap()
        assert text["future"] in phone.locator("#contacted_at-error").inner_text()
        phone.fill("input[name=contacted_at]", f"{DAY}T16:35")
        with phone.expect_navigation():
            phone.locator("form.card button").tap()
        assert text["logged"] in phone.locator(".flash-success").inner_text()
        assert "家长周五来校取回" in phone.locator(".family-contacts").inner_text()
        phone.goto(f"{base}/homerooms/{homeroom_id}/parent-meetings")
        phone.fill("textarea[name=topic]", "中考前安全教育")
        phone.locator(f"input[name=attended][value='{seats[1]}']").check()
        phone.locator(f"input[name=attended][value='{seats[2]}']").check()
        phone.fill("input[name=held_at]", f"{DAY}T16:00")
        with phone.expect_navigation():
            phone.locator("form.card button").tap()
        assert text["meeting"] in phone.locator(".flash-success").inner_text()
        assert text["came"] in phone.locator(".meetings").inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with clock.frozen(at(7, 30, DAY + timedelta(days=2))):
        phone.goto(f"{base}/homerooms/{homeroom_id}/today")
        assert text["follow"] in phone.content() and "家长周五来校取回" in phone.content()
