"""A check's list of changes on a phone, in Chinese: a student's name is never split over two
lines, whatever the width the line happens to break at."""

import pytest

from rollcall.demo.school import DEMO_PASSWORD
from tests.browser.test_checks_morning import open_check, school_clock, submit, tap_status

SPLIT_NAMES = """() => [...document.querySelectorAll(".history .name")]
    .filter((name) => name.getClientRects().length > 1).map((name) => name.innerText)"""


@pytest.mark.parametrize("lang", ["zh"])
def test_names_in_the_changes_stay_whole(live_server, phone, lang, demo_class, sign_in):
    homeroom_id, seat = demo_class
    with school_clock(8, 0):
        sign_in(phone, live_server.url, "teacher1", DEMO_PASSWORD)
        open_check(phone, live_server.url, homeroom_id, "attendance")
        for number in range(1, 13):
            tap_status(phone, seat[number], "absent")
        submit(phone)
    assert phone.locator(".history .name").count() == 13  # the teacher and twelve students
    split = {}
    for width in range(320, 391, 5):
        phone.set_viewport_size({"width": width, "height": 844})
        if names := phone.evaluate(SPLIT_NAMES):
            split[width] = names
    assert split == {}
