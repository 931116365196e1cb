"""Without signal, on a phone, in Chinese or in English: taps are kept until the server has
them, a queued save goes out by itself once the phone is back online and is saved once, and
Today's check pages open offline after one visit with signal. Taps stay with the person who
made them; the phone keeps only today's pages, and none once its user signs out."""

from datetime import date

import pytest
from playwright.sync_api import Error as PlaywrightError

from rollcall import clock
from rollcall.checks.models import Check
from rollcall.demo.school import DEMO_PASSWORD
from rollcall.extensions import db
from rollcall.models import AuditLog
from tests.browser.conftest import sign_out
from tests.browser.test_checks_morning import checked, school_clock, tap_status
from tests.checks_support import at

DAY = date(2027, 3, 2)
TEXT = {
    "zh": {"not_sent": "尚未发送", "restored": "尚未发送的点选已恢复", "saved": "已保存",
           "phone_only": "仅在本机"},
    "en": {"not_sent": "Not sent yet", "restored": "not sent yet are back", "saved": "saved",
           "phone_only": "Only on this phone"},
}


def ready_offline(page, base):
    """Today, opened once with signal: its check pages are kept for later."""
    page.goto(f"{base}/today")
    page.wait_for_selector("html[data-offline-ready]")


def saved_attendance(app, homeroom_id):
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(Check.homeroom_id == homeroom_id,
                                                         Check.kind == "attendance",
                                                         Check.school_date == DAY))
        if check is None:
            return None
        submits = db.session.scalar(db.select(db.func.count(AuditLog.id)).where(
            AuditLog.action == "check.submit", AuditLog.object_id == str(check.id)))
        return check.version, submits, {e.student_id: e.status for e in check.entries}


def test_a_save_without_signal_is_kept_and_sent_once_when_back_online(
        live_server, phone, lang, demo_class, sign_in):
    text, base = TEXT[lang], live_server.url
    homeroom_id, seat = demo_class
    url = f"{base}/homerooms/{homeroom_id}/checks/2027-03-02/attendance"
    with school_clock(7, 55):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        ready_offline(phone, base)
        phone.goto(url)
        phone.context.set_offline(True)
        tap_status(phone, seat[5], "absent")
        tap_status(phone, seat[8], "absent")
        tap_status(phone, seat[10], "late")
        phone.fill(f"input[name='t{seat[10]}']", "07:52")
        phone.locator("button.primary.big").tap()
        banner = phone.locator("#unsent")
        banner.wait_for(state="visible")
        assert text["not_sent"] in banner.inner_text()
        assert saved_attendance(live_server.app, homeroom_id) is None
        # Still offline, the teacher reloads: the taps come back, with the banner.
        phone.reload()
        assert text["not_sent"] in phone.locator("#unsent").inner_text()
        assert [checked(phone, seat[n]) for n in (5, 8, 10)] == ["absent", "absent", "late"]
        assert phone.locator(f"input[name='t{seat[10]}']").input_value() == "07:52"
        assert phone.locator("[data-count=absent]").inner_text() == "2"
        # Today, offline too, says this check is only on the phone.
        assert phone.goto(f"{base}/homerooms/{homeroom_id}/today").from_service_worker
        assert text["phone_only"] in phone.locator(".today-unsent").inner_text()
        phone.goto(url)
        # Signal again: the save goes out by itself, once, and shows where it is.
        phone.context.set_offline(False)
        phone.locator(".flash-success").wait_for()
        assert text["saved"] in phone.locator(".flash-success").inner_text()
        assert phone.locator("#unsent").is_hidden()
        phone.reload()  # nothing is left on the phone to send again
        assert phone.locator("#unsent").is_hidden()
    version, submits, statuses = saved_attendance(live_server.app, homeroom_id)
    assert (version, submits) == (1, 1)
    assert [statuses[seat[n]] for n in (5, 8, 10)] == ["absent", "absent", "late"]
    assert sorted(statuses.values()).count("present") == len(statuses) - 3


def test_todays_check_pages_open_offline_after_one_visit(live_server, phone, lang, demo_class,
                                                         sign_in):
    base = live_server.url
    homeroom_id, seat = demo_class
    with school_clock(7, 35):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        ready_offline(phone, base)
        # The note that says so appears under every link of Today: it moves none of them
        # while the teacher is tapping one.
        note = phone.locator(".offline-ready").bounding_box()
        links = phone.locator("main a").evaluate_all(
            "(links) => links.map((a) => a.getBoundingClientRect().bottom + window.scrollY)")
        assert note is not None and max(links) <= note["y"]
        phone.context.set_offline(True)
        for kind in ("bag", "attendance", "dismissal"):
            answer = phone.goto(f"{base}/homerooms/{homeroom_id}/checks/2027-03-02/{kind}")
            assert answer.from_service_worker, kind
            assert phone.locator(".row").count() >= 40, kind
            assert phone.locator("form.check-form").get_attribute("data-kind") == kind
        # The page works offline: taps count, styles apply (the stylesheet came from the cache).
        tap_status(phone, seat[3], "on_campus")
        assert phone.locator("[data-count=on_campus]").inner_text() == "1"
        assert phone.locator(".seg span").first.bounding_box()["height"] >= 44
        # Taps not saved yet survive a reload, with a banner and one button to send them.
        phone.reload()
        assert checked(phone, seat[3]) == "on_campus"
        assert TEXT[lang]["restored"] in phone.locator("#unsent").inner_text()
        assert phone.locator("#unsent button").count() == 1
        assert phone.goto(f"{base}/homerooms/{homeroom_id}/today").from_service_worker
        assert phone.locator(".today li").count() == 3
        assert phone.locator(".today-unsent").count() == 1


def test_unsent_taps_stay_with_the_teacher_who_tapped_them(live_server, phone, lang, demo_class,
                                                          sign_in):
    """Signing out warns first; on a shared phone the next person neither sees nor sends
    them; the teacher gets them back after signing in again."""
    base = live_server.url
    homeroom_id, seat = demo_class
    url = f"{base}/homerooms/{homeroom_id}/checks/2027-03-02/attendance"
    with school_clock(7, 55):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(url)
        tap_status(phone, seat[5], "absent")
        # Signing out with taps not sent warns first, by the send button; again goes ahead.
        phone.locator("form[action$='/logout'] button").tap()
        phone.locator(".submit-bar #keep").wait_for()
        sign_out(phone)
        sign_in(phone, base, "office1", DEMO_PASSWORD)
        phone.goto(url)
        assert phone.locator("fieldset[disabled]").count() == 0  # the office may save it too
        assert checked(phone, seat[5]) == "present"
        assert phone.locator("#unsent").is_hidden()
        phone.goto(f"{base}/homerooms/{homeroom_id}/today")
        assert phone.locator(".today-unsent").count() == 0
        sign_out(phone)
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        assert phone.locator(".today-unsent").count() == 1
        phone.goto(url)
        assert checked(phone, seat[5]) == "absent"
        assert TEXT[lang]["restored"] in phone.locator("#unsent").inner_text()
    assert saved_attendance(live_server.app, homeroom_id) is None


PAGES_KEPT = """async () => {
  const cache = await caches.open("rollcall-pages-v1");
  return (await cache.keys()).map((request) => new URL(request.url).pathname).sort();
}"""


def test_the_phone_keeps_only_todays_pages_and_forgets_them_on_sign_out(
        live_server, phone, demo_class, sign_in):
    base = live_server.url
    homeroom_id, _ = demo_class
    with school_clock(7, 35):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        ready_offline(phone, base)
        assert sum("/2027-03-02/" in path for path in phone.evaluate(PAGES_KEPT)) == 3
    with clock.frozen(at(7, 35, day=date(2027, 3, 3))):
        ready_offline(phone, base)
        kept = phone.evaluate(PAGES_KEPT)
        assert [path for path in kept if "/checks/" in path] == [
            f"/homerooms/{homeroom_id}/checks/2027-03-03/{kind}"
            for kind in ("attendance", "bag", "dismissal")]
        sign_out(phone)
        phone.wait_for_function(f"({PAGES_KEPT})().then((kept) => kept.length === 0)")
        phone.context.set_offline(True)
        with pytest.raises(PlaywrightError):
            phone.goto(f"{base}/homerooms/{homeroom_id}/checks/2027-03-03/attendance")
