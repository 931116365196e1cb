"""The audit trail on a phone: one card per change, a page a few screens tall, no sideways
scrolling, in both languages."""

import pytest

from rollcall import audit, clock
from rollcall.checks import services
from rollcall.demo.school import DEMO_PASSWORD
from rollcall.extensions import db
from rollcall.models import Homeroom, User
from rollcall.office.audit_trail import PER_PAGE
from tests.browser.test_checks_morning import school_clock
from tests.checks_support import at


@pytest.mark.both_languages
def test_the_audit_trail_is_cards_a_few_screens_tall(live_server, phone, lang, demo_class,
                                                     sign_in):
    homeroom_id, _seat = demo_class
    with live_server.app.app_context(), clock.frozen(at(8, 0)):
        room = db.session.get(Homeroom, homeroom_id)
        office = db.session.scalar(db.select(User).where(User.username == "office1"))
        students = room.students[:PER_PAGE + 5]
        audit.record("admin.homeroom.update", room, actor=office,
                     before={"name": room.name}, after={"name": room.name + "（新）"})
        services.save_check(room, at(8, 0).date(), "attendance", [], None, office)
        for version, student in enumerate(students, start=1):
            services.save_check(room, at(8, 0).date(), "attendance", [
                {"student_number": student.student_number, "status": "excused",
                 "reason": "家长来电请假，医院复查"}], version, office)
        db.session.commit()
    with school_clock(9, 0):
        sign_in(phone, live_server.url, "office1", DEMO_PASSWORD)
        phone.goto(f"{live_server.url}/office/audit")
        cards = phone.locator("li.audit-card")
        assert cards.count() == PER_PAGE
        assert phone.locator("table.audit").count() == 0
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        height = phone.evaluate("document.documentElement.scrollHeight")
        assert height <= 844 * 8, height  # a few screens, not 18,000 px
        first = cards.first.inner_text()
        assert "09:00" not in first and "08:00" in first  # the school's clock
        assert ("把" in first) if lang == "zh" else ("changed" in first)
        with phone.expect_navigation():
            phone.locator("a[rel=next]").first.tap()
        assert phone.locator("li.audit-card").count() > 0
