"""Without JavaScript, on a phone in Chinese and in English: the menu's language switch and
sign-out keep what was typed on a page of one form (rollcall/page_forms.py). The language
switch brings the page back as typed in the other language; signing out with something typed
brings it back as typed with a message and a button that signs out anyway; with nothing typed,
signing out is one tap. (With JavaScript: tests/browser/test_forms_kept.py.)"""

import pytest

from rollcall.checks.models import Check
from rollcall.demo.school import DEMO_PASSWORD
from rollcall.extensions import db
from rollcall.family.models import ContactLog
from rollcall.watch.models import WatchEntry, WatchNote
from tests.browser.conftest import LOCALES, PHONE
from tests.browser.test_checks_morning import checked, school_clock, submit_plain, tap_status
from tests.browser.test_forms_kept import NOTE, TEXT_FIELDS, fill_every_form, stored
from tests.checks_support import DAY

pytestmark = pytest.mark.both_languages

TEXT = {"zh": {"held": "尚未保存", "anyway": "仍然退出", "other": "en"},
        "en": {"held": "not saved yet", "anyway": "Sign out anyway", "other": "zh-Hans"}}
LANGUAGE = "#site-menu button[formaction*='/language']"
SIGN_OUT = "#site-menu button[formaction*='/logout']"


@pytest.fixture
def plain_phone(browser, lang):
    """A phone-sized, touch-enabled page with JavaScript turned off."""
    context = browser.new_context(locale=LOCALES[lang], java_script_enabled=False, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def press(page, button):
    with page.expect_navigation():
        page.locator(button).tap()


def typed_values(page) -> list[str]:
    return page.locator(TEXT_FIELDS).evaluate_all("(fs) => fs.map((f) => f.value)")


def saved_status(app, homeroom_id, student_id) -> str | None:
    with app.app_context():
        check = db.session.scalar(db.select(Check).filter_by(
            kind="attendance", school_date=DAY, homeroom_id=homeroom_id))
        status = {e.student_id: e.status for e in check.entries}.get(student_id)
        db.session.remove()
        return status


def sign_out_is_held(page, text, still_there):
    """Signing out with something typed: the page comes back as typed with a message, next to
    a button that signs out anyway."""
    press(page, SIGN_OUT)
    message = page.locator("main .flash-warning[role=alert]")
    assert message.is_visible() and text["held"] in message.inner_text()
    assert message.locator(f"button:text('{text['anyway']}')").is_visible()
    still_there()


def test_the_attendance_page_keeps_taps_and_a_contact_through_the_menu(
        live_server, plain_phone, lang, demo_class, sign_in):
    text, base, app, page = TEXT[lang], live_server.url, live_server.app, plain_phone
    homeroom_id, seat = demo_class
    url = f"{base}/homerooms/{homeroom_id}/checks/{DAY}/attendance"
    with school_clock(7, 55):
        sign_in(page, base, "teacher1", DEMO_PASSWORD)
        page.goto(url)
        assert not page.locator("form.lang-switch").is_visible()  # the page's buttons instead
        tap_status(page, seat[5], "absent")
        submit_plain(page)
        contact = page.locator(".contact-form")
        contact.locator("select[name=student_id]").select_option(str(seat[5]))
        contact.locator("input[name=person]").fill("母亲")
        contact.locator("input[name=contacted_at]").fill("07:50")
        contact.locator("textarea[name=note]").fill(NOTE)
        tap_status(page, seat[8], "absent")  # not saved yet

        def still_there():
            assert checked(page, seat[8]) == "absent"
            assert contact.locator("textarea[name=note]").input_value() == NOTE
            assert contact.locator("input[name=person]").input_value() == "母亲"
            assert page.url.startswith(base) and "/login" not in page.url

        press(page, LANGUAGE)
        assert page.locator("html").get_attribute("lang") == text["other"]
        still_there()
        assert stored(app, ContactLog, note=NOTE) == []
        assert saved_status(app, homeroom_id, seat[8]) != "absent"

        press(page, LANGUAGE)  # and back: still as typed
        assert page.locator("html").get_attribute("lang") == {"zh": "zh-Hans", "en": "en"}[lang]
        still_there()
        sign_out_is_held(page, text, still_there)
        assert stored(app, ContactLog, note=NOTE) == []
        assert saved_status(app, homeroom_id, seat[8]) != "absent"

        # The page shown again still saves what it holds: the taps and the contact.
        submit_plain(page)
        assert saved_status(app, homeroom_id, seat[8]) == "absent"
        assert len(stored(app, ContactLog, note=NOTE)) == 1
        # Nothing typed now: signing out is one tap.
        press(page, SIGN_OUT)
        assert page.url.endswith("/login")


def test_a_staff_page_keeps_its_notes_through_the_menu(live_server, plain_phone, lang,
                                                      demo_class, sign_in):
    """A watched student's page as the admin, whose menu shows in full without JavaScript."""
    text, base, app, page = TEXT[lang], live_server.url, live_server.app, plain_phone
    entry = stored(app, WatchEntry)[0]
    url = f"{base}/watch/{entry.id}"
    with school_clock(10, 0):
        sign_in(page, base, "admin", DEMO_PASSWORD)
        page.goto(url)
        typed = fill_every_form(page, "watch")
        assert len(typed) >= 2  # a note, and the note for taking off the list

        def still_there():
            assert typed_values(page) == typed

        press(page, LANGUAGE)
        assert page.locator("html").get_attribute("lang") == text["other"]
        assert page.url.startswith(base) and "/login" not in page.url
        still_there()
        press(page, LANGUAGE)  # and back
        still_there()
        sign_out_is_held(page, text, still_there)
        press(page, f"main .flash-warning button:text('{text['anyway']}')")
        assert page.url.endswith("/login")
    assert stored(app, WatchNote, entry_id=entry.id, note=typed[0]) == []
    assert stored(app, WatchEntry, id=entry.id)[0].closed_at is None
