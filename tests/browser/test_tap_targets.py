"""Tap targets on the teacher's pages, on a phone in both languages: every visible link and
button at least 44×44 CSS px (WCAG 2.5.5), and sign-out clear of its neighbours."""

import pytest

from rollcall.demo.school import DEMO_PASSWORD
from tests.browser.test_checks_morning import school_clock

pytestmark = pytest.mark.both_languages

MINIMUM = 44
TARGETS = "a[href], button, input[type=submit], select, summary, .seg label"


def small_targets(page) -> list[str]:
    """'text (width×height)' for each visible tap target under the minimum."""
    return page.evaluate("""([selector, minimum]) => {
        const small = [];
        document.querySelectorAll(selector).forEach((node) => {
            const box = node.getBoundingClientRect();
            const style = getComputedStyle(node);
            if (!box.width || !box.height || style.visibility === "hidden") { return; }
            if (box.width < minimum || box.height < minimum) {
                small.push(`${(node.innerText || node.name || node.tagName).trim().slice(0, 30)}`
                           + ` (${Math.round(box.width)}×${Math.round(box.height)})`);
            }
        });
        return small;
    }""", [TARGETS, MINIMUM])


def test_every_link_and_button_on_teacher_pages_is_big_enough(live_server, phone, lang,
                                                             demo_class, sign_in):
    base = live_server.url
    homeroom_id, _seat = demo_class
    pages = [f"/homerooms/{homeroom_id}/today", "/account/password"] + [
        f"/homerooms/{homeroom_id}/checks/2027-03-02/{kind}"
        for kind in ("bag", "attendance", "dismissal")]
    small = {}
    with school_clock(7, 35):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        for path in pages:
            assert phone.goto(base + path).status == 200, path
            if found := small_targets(phone):
                small[path] = found
    assert small == {}


def test_sign_out_stands_apart_from_its_neighbours(live_server, phone, lang, demo_class,
                                                   sign_in):
    with school_clock(7, 35):
        sign_in(phone, live_server.url, "teacher1", DEMO_PASSWORD)
        gaps = phone.evaluate("""() => {
            const out = document.querySelector("form[action$='/logout'] button")
                .getBoundingClientRect();
            return [...document.querySelectorAll(".topbar a, .topbar button")]
                .filter((node) => !node.closest("form[action$='/logout']"))
                .map((node) => node.getBoundingClientRect())
                .filter((box) => box.width && box.height)
                .map((box) => Math.max(box.left - out.right, out.left - box.right,
                                       box.top - out.bottom, out.top - box.bottom));
        }""")
    assert gaps and min(gaps) >= 16, gaps


def test_status_buttons_stay_on_one_line_at_360_px(live_server, phone, lang, demo_class,
                                                   sign_in):
    homeroom_id, _seat = demo_class
    phone.set_viewport_size({"width": 360, "height": 740})
    tall = {}
    with school_clock(7, 35):
        sign_in(phone, live_server.url, "teacher1", DEMO_PASSWORD)
        for kind in ("bag", "attendance", "dismissal"):
            phone.goto(f"{live_server.url}/homerooms/{homeroom_id}/checks/2027-03-02/{kind}")
            seg = phone.locator(".seg").first.bounding_box()
            span = phone.locator(".seg span").first.bounding_box()
            if seg["height"] > span["height"] + 1:
                tall[kind] = seg["height"]
            clipped = phone.evaluate("""() => [...document.querySelectorAll('.seg span')]
                .filter((s) => s.scrollWidth > s.clientWidth + 1
                        || s.getBoundingClientRect().right > s.parentNode.parentNode
                           .getBoundingClientRect().right + 1)
                .map((s) => s.textContent).slice(0, 3)""")
            if clipped:
                tall[kind] = clipped
    assert tall == {}
