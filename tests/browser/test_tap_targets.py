"""Tap targets on the teacher's pages, on a phone in both languages: every visible link and
button at least 44×44 CSS px (WCAG 2.5.5), and sign-out clear of its neighbours."""

from rollcall.demo.school import DEMO_PASSWORD
from tests.browser.test_checks_morning import school_clock

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
