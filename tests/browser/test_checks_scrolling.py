"""Jumping to a seat or a name on a phone instead of scrolling four screens."""

from rollcall.demo.school import DEMO_PASSWORD
from tests.browser.test_checks_morning import school_clock

ROW_NAME = "#seat-{} legend"


def on_screen(page, selector) -> bool:
    box = page.locator(selector).bounding_box()
    return 0 <= box["y"] < page.viewport_size["height"]


def test_jump_to_a_seat_or_a_name(live_server, phone, lang, demo_class, sign_in):
    homeroom_id, _seat = demo_class
    with school_clock(7, 40):
        sign_in(phone, live_server.url, "teacher1", DEMO_PASSWORD)
        phone.goto(f"{live_server.url}/homerooms/{homeroom_id}/checks/2027-03-02/attendance")
        assert not on_screen(phone, ROW_NAME.format(40))
        phone.locator(".jump-search input").fill("40")
        assert on_screen(phone, ROW_NAME.format(40))
        name = phone.locator(ROW_NAME.format(23)).inner_text().split(" ", 1)[1].strip()
        phone.locator(".jump-search input").fill(name)
        assert on_screen(phone, ROW_NAME.format(23))
        # Without typing: the seat index, plain links.
        phone.locator(".seat-index a", has_text="41").tap()
        phone.wait_for_url("**#seat-41")
        assert on_screen(phone, ROW_NAME.format(41))
