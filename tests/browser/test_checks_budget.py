"""The attendance page of a 50-student class stays within 15 KB transferred in Chromium, all
resources, headers included (tests/test_checks_bytes.py counts the same without a browser)."""

import pytest

from rollcall import clock
from tests import factories
from tests.checks_support import at

BUDGET = 15 * 1024


@pytest.mark.both_languages
def test_attendance_page_of_fifty_students_fits_the_budget(live_server, phone, sign_in):
    with live_server.app.app_context():
        school = factories.small_school(students_per_class=50)
    with clock.frozen(at(7, 50)):
        sign_in(phone, live_server.url, school.usernames["teacher"], factories.PASSWORD)
        # Today's service worker fetches the day's pages for offline use in the background:
        # let it finish, and count only what the page itself asks for.
        phone.wait_for_load_state("networkidle")
        # A first visit: nothing may come from the cache the sign-in page filled.
        cdp = phone.context.new_cdp_session(phone)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        # Nor from the service worker Today registered: a first visit goes to the network.
        cdp.send("Network.setBypassServiceWorker", {"bypass": True})
        responses = []
        phone.on("requestfinished", lambda request: responses.append(request)
                 if request.service_worker is None else None)
        phone.goto(f"{live_server.url}/homerooms/{school.homeroom_ids['room1']}/checks/"
                   "2027-03-02/attendance", wait_until="networkidle")
        assert phone.locator(".row").count() == 50
    sizes = [r.sizes() for r in responses]
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    kinds = {r.resource_type for r in responses}
    assert {"document", "stylesheet", "script"} <= kinds
    print(f"attendance page, 50 students: {total} bytes in {len(responses)} responses")
    body = {r.resource_type: s["responseBodySize"] for r, s in zip(responses, sizes, strict=True)}
    assert min(body["document"], body["stylesheet"], body["script"]) > 0, body
    assert total <= BUDGET, f"{total} bytes over {len(responses)} requests"
