"""A confiscated item on a phone, in Chinese or in English: the teacher finds a lighter and
keeps it, hands it to the office, the office tries to return it to someone who is not the
student's guardian, then returns it to the mother; the held list empties."""

import pytest

from rollcall import clock
from rollcall.demo.school import DEMO_PASSWORD, build_demo_school
from rollcall.extensions import db
from rollcall.models import Homeroom
from tests.browser.conftest import LOCALES, PHONE
from tests.checks_support import DAY, at

TEXT = {
    "zh": {"kept": "班主任保管", "recorded": "保管记录已保存", "office": "已交政教处",
           "wrong": "只能归还给该学生的监护人", "returned": "已归还监护人"},
    "en": {"kept": "Kept by the teacher", "recorded": "Custody recorded",
           "office": "Handed to the office", "wrong": "Only a guardian of this student",
           "returned": "Returned to a guardian"},
}


@pytest.fixture
def demo(live_server):
    with live_server.app.app_context(), clock.frozen(at(6, 0)):
        build_demo_school()
        db.session.commit()
        rooms = {h.name: h for h in db.session.scalars(db.select(Homeroom))}
        student = next(s for s in rooms["九年级1班"].students if s.seat == 6)
        stranger = next(s for s in rooms["九年级2班"].students if s.seat == 6)
        return (rooms["九年级1班"].id, student.id, student.guardian_links[0].guardian_id,
                stranger.guardian_links[0].guardian_id, student.name)


def test_an_item_from_the_bag_to_the_guardian(live_server, browser, phone, lang, demo,
                                              sign_in):
    text, base = TEXT[lang], live_server.url
    homeroom_id, sid, guardian_id, stranger_id, name = demo
    with clock.frozen(at(7, 40)):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(f"{base}/homerooms/{homeroom_id}/checks/{DAY.isoformat()}/bag")
        phone.locator(f".seg label:has(input[name='s{sid}'][value='found'])").tap()
        phone.select_option(f"select[name='c{sid}']", "fire")
        phone.fill(f"input[name='d{sid}']", "打火机")
        phone.select_option(f"select[name='a{sid}']", "kept_by_teacher")
        with phone.expect_navigation():
            phone.locator("button.primary.big").tap()
        phone.goto(f"{base}/items/")
        assert text["kept"] in phone.locator(".custody-list").inner_text()
        with phone.expect_navigation():
            phone.locator(".custody-item a").first.tap()
        phone.select_option("select[name=to]", "with_office")
        phone.fill("input[name=at]", f"{DAY.isoformat()}T07:39")
        phone.select_option("select[name=received_by_id]", index=1)
        with phone.expect_navigation():
            phone.locator("form.card button").tap()
        assert text["recorded"] in phone.locator(".flash-success").inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        item_url = phone.url

    context = browser.new_context(locale=LOCALES[lang], **PHONE)
    context.set_default_timeout(10_000)
    office = context.new_page()
    try:
        with clock.frozen(at(12, 0)):
            sign_in(office, base, "office1", DEMO_PASSWORD)
            office.goto(item_url)
            office.select_option("select[name=to]", "returned")
            office.fill("input[name=at]", f"{DAY.isoformat()}T11:50")
            office.evaluate(  # a guardian of another student, as a forged form would send
                "id => { const o = document.createElement('option'); o.value = id; "
                "document.querySelector('select[name=guardian_id]').appendChild(o); }",
                str(stranger_id))
            office.select_option("select[name=guardian_id]", str(stranger_id))
            with office.expect_navigation():
                office.locator("form.card button").tap()
            assert text["wrong"] in office.locator("#guardian_id-error").inner_text()
            office.select_option("select[name=to]", "returned")
            office.select_option("select[name=guardian_id]", str(guardian_id))
            with office.expect_navigation():
                office.locator("form.card button").tap()
            trail = office.locator(".custody-trail").inner_text()
            assert text["kept"] in trail and text["returned"] in trail
            office.goto(f"{base}/items/")
            assert name not in office.locator(".custody-list").inner_text()
            assert office.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
