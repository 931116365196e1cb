"""Feedback where the finger is, on a phone in Chinese and in English: the action a tapped
"item found" preselects is visible above the sticky bar, a status that needs a field marks it
required, and a refused save brings the first refused row into view with the focus on it."""

import pytest

from rollcall.demo.school import DEMO_PASSWORD
from tests.browser.test_checks_morning import school_clock, submit, tap_status
from tests.checks_support import DAY

# Issue 23 asks these on a phone in both languages.
pytestmark = pytest.mark.both_languages

ABOVE_THE_BAR = """(el) => {
  const box = el.getBoundingClientRect();
  const bar = document.querySelector(".submit-bar").getBoundingClientRect();
  return box.top >= 0 && box.bottom <= bar.top;
}"""


def test_the_bag_checks_preselected_action_shows_above_the_sticky_bar(live_server, phone, lang,
                                                                      demo_class, sign_in):
    base = live_server.url
    homeroom_id, seat = demo_class
    with school_clock(7, 35):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(f"{base}/homerooms/{homeroom_id}/checks/{DAY}/bag")
        row = phone.locator(f"li.row:has(input[name='s{seat[12]}'])")
        # The row sits just above the sticky bar, where a thumb taps it.
        row.evaluate("""(row) => {
          const bar = document.querySelector(".submit-bar").getBoundingClientRect();
          window.scrollBy(0, row.getBoundingClientRect().bottom - bar.top + 4);
        }""")
        tap_status(phone, seat[12], "found")
        action = row.locator("label.more.m-found").last
        phone.wait_for_timeout(300)  # the scroll settles
        assert action.evaluate(ABOVE_THE_BAR)
        assert row.locator("label.more.m-found").last.locator(
            "button[aria-pressed=true]").is_visible()


def test_a_needed_field_is_marked_and_a_refused_save_focuses_its_row(live_server, phone, lang,
                                                                     demo_class, sign_in):
    base = live_server.url
    homeroom_id, seat = demo_class
    with school_clock(17, 30):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(f"{base}/homerooms/{homeroom_id}/checks/{DAY}/dismissal")
        tap_status(phone, seat[20], "on_campus")
        where = phone.locator(f"label.more.m-on_campus:has(input[name^='l{seat[20]}'])")
        marked = where.evaluate("(l) => getComputedStyle(l, '::before').content")
        assert "*" in marked
        with phone.expect_navigation():
            phone.locator("button.primary.big").tap()
        row = phone.locator(f"li.row:has(input[name='s{seat[20]}'])")
        assert row.locator(".error").count() >= 1
        assert row.evaluate("(row) => row.contains(document.activeElement)")
        assert row.evaluate(ABOVE_THE_BAR)


# The demo school has two on-duty office phones (tests/test_checks_sweep_alarm.py covers a
# school with none: "Nobody was texted").
TEXTED = {"zh": "已短信通知值班电话：+8613800000000, +8613800000001",
          "en": "Texted to the on-duty office phones: +8613800000000, +8613800000001"}


def test_a_student_not_found_at_the_sweep_brings_up_the_emergency_panel(
        live_server, phone, lang, demo_class, sign_in):
    base = live_server.url
    homeroom_id, seat = demo_class
    with school_clock(17, 35):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        phone.goto(f"{base}/homerooms/{homeroom_id}/checks/{DAY}/dismissal")
        tap_status(phone, seat[7], "not_found")
        submit(phone)
        alarm = phone.locator("#saved .sweep-alarm")
        assert alarm.is_visible() and TEXTED[lang] in alarm.inner_text()
        assert alarm.evaluate(ABOVE_THE_BAR)
