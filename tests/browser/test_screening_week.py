"""The weekly conflict screening on a phone, in Chinese or in English: a teacher records a
conflict with a student of another class, it carries over to next week, the office sees the
risk of violence at once and takes it over."""

from datetime import timedelta

import pytest

from rollcall import clock
from rollcall.demo.school import DEMO_PASSWORD, build_demo_school
from rollcall.extensions import db
from rollcall.models import Homeroom
from tests.browser.conftest import LOCALES, PHONE
from tests.checks_support import DAY, at

TEXT = {
    "zh": {"recorded": "矛盾已登记", "carried": "前几周未化解的矛盾",
           "office": "需政教处关注的矛盾",
           "updated": "矛盾处理情况已更新", "taken": "由", "empty": "请填写矛盾的起因和内容"},
    "en": {"recorded": "Conflict recorded", "carried": "Carried over from earlier weeks",
           "office": "Conflicts for the office", "updated": "Conflict updated",
           "taken": "Taken over by", "empty": "Say what the conflict is about."},
}


@pytest.fixture
def demo(live_server):
    with live_server.app.app_context(), clock.frozen(at(6, 0)):
        build_demo_school()
        db.session.commit()
        rooms = {h.name: h for h in db.session.scalars(db.select(Homeroom))}
        mine = next(s for s in rooms["九年级1班"].students if s.seat == 3)
        theirs = next(s for s in rooms["九年级2班"].students if s.seat == 5)
        return rooms["九年级1班"].id, mine.id, theirs.id


def test_a_conflict_from_the_screening_to_the_office(live_server, browser, phone, lang, demo,
                                                     sign_in):
    text, base = TEXT[lang], live_server.url
    homeroom_id, mine, theirs = demo
    with clock.frozen(at(15, 0)):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(f"{base}/homerooms/{homeroom_id}/screening")
        form = phone.locator("form[action$='/screening/conflicts']")
        form.locator("select[name=student_ids]").select_option([str(mine), str(theirs)])
        form.locator("select[name=severity]").select_option("risk_of_violence")
        with phone.expect_navigation():
            form.locator("button").tap()
        assert text["empty"] in phone.locator("#about-error").inner_text()
        form = phone.locator("form[action$='/screening/conflicts']")
        form.locator("select[name=student_ids]").select_option([str(mine), str(theirs)])
        form.locator("select[name=severity]").select_option("risk_of_violence")
        form.locator("textarea[name=about]").fill("扬言放学后在校外约架")
        form.locator("textarea[name=action]").fill("已分别谈话")
        with phone.expect_navigation():
            form.locator("button").tap()
        assert text["recorded"] in phone.locator(".flash-success").inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with clock.frozen(at(8, 0, DAY + timedelta(days=7))):
        phone.goto(f"{base}/homerooms/{homeroom_id}/screening")
        assert text["carried"] in phone.content()
        assert "扬言放学后在校外约架" in phone.locator("ul.conflicts").first.inner_text()

    context = browser.new_context(locale=LOCALES[lang], **PHONE)
    context.set_default_timeout(10_000)
    office = context.new_page()
    try:
        with clock.frozen(at(8, 30, DAY + timedelta(days=7))):
            sign_in(office, base, "office1", DEMO_PASSWORD)
            office.goto(f"{base}/office/")
            assert text["office"] in office.content()
            with office.expect_navigation():
                office.locator(".conflict a").first.tap()
            office.select_option("select[name=state]", "mediating")
            office.fill("textarea[name=note]", "政教处约双方家长面谈调解")
            office.locator("input[name=take_over]").check()
            with office.expect_navigation():
                office.locator("form.card button").tap()
            assert text["updated"] in office.locator(".flash-success").inner_text()
            assert text["taken"] in office.locator(".lead").inner_text()
            assert "面谈调解" in office.locator(".conflict-updates").inner_text()
            assert office.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
