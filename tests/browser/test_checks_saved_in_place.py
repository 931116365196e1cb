"""A check saved on the phone stays on the page, in Chinese or in English: what the page then
shows (the message, who saved it, the families to call, the changes, the row values and the
hidden inputs the next save sends) is what loading the page again shows; a second save from
there merges without a conflict; and the page opened later without signal shows the save."""

import json
from datetime import date

from rollcall.checks.models import Check
from rollcall.demo.school import DEMO_PASSWORD
from rollcall.extensions import db
from tests.browser.test_checks_morning import school_clock, submit, tap_status
from tests.browser.test_checks_offline import ready_offline

DAY = date(2027, 3, 2)
TEXT = {
    "zh": {"saved": "考勤已保存。", "save_changes": "保存修改", "contacts": "家长联系",
           "changes": "修改记录"},
    "en": {"saved": "Attendance saved.", "save_changes": "Save changes",
           "contacts": "Family contacts", "changes": "Changes"},
}
PARTS = ("saved", "notices", "contacts-first", "contacts-last", "changes")
# What the user sees of a check page, and what its form sends next.
SHOWN = """() => {
  const text = (node) => node ? node.innerText.replace(/\\s+/g, " ").trim() : null;
  const form = document.querySelector("form.check-form");
  const parts = {};
  for (const id of PARTS) { parts[id] = text(document.getElementById(id)); }
  return {
    parts: parts,
    flashes: text(document.getElementById("flashes")),
    hidden: Array.from(form.querySelectorAll("input[type=hidden]"))
      .filter((input) => input.name !== "csrf_token").map((input) => [input.name, input.value]),
    rows: Array.from(form.querySelectorAll(".row")).map((row) => [
      row.getAttribute("data-s"),
      Array.from(row.querySelectorAll("input:checked, input[type=time], input[type=text]"))
        .map((input) => input.value)]),
    tally: text(form.querySelector(".tally")),
    button: text(form.querySelector("button.primary.big")),
  };
}""".replace("PARTS", json.dumps(PARTS))


def stored(app, homeroom_id):
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(
            Check.homeroom_id == homeroom_id, Check.school_date == DAY,
            Check.kind == "attendance"))
        return check.version, {e.student_id: e.status for e in check.entries}


def test_a_save_stays_on_the_page_and_agrees_with_a_fresh_load(live_server, phone, lang,
                                                               demo_class, sign_in):
    text, base = TEXT[lang], live_server.url
    homeroom_id, seat = demo_class
    url = f"{base}/homerooms/{homeroom_id}/checks/{DAY.isoformat()}/attendance"
    with school_clock(8, 0):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        ready_offline(phone, base)  # the service worker keeps a copy of the page
        phone.goto(url)
        phone.evaluate("window.loadedOnce = true")  # gone if the page were loaded again
        phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        tap_status(phone, seat[5], "absent")
        tap_status(phone, seat[8], "absent")
        submit(phone)
        assert phone.evaluate("window.loadedOnce") is True
        first = phone.evaluate(SHOWN)
        assert first["flashes"] == text["saved"]
        assert first["button"] == text["save_changes"]
        assert text["contacts"] in first["parts"]["contacts-first"]
        assert first["parts"]["contacts-last"] == ""
        assert first["parts"]["changes"].startswith(text["changes"])
        assert ["version", "1"] in first["hidden"]
        # Where a reload lands: the top, the message read first.
        assert phone.evaluate("window.scrollY") == 0
        assert phone.evaluate("document.activeElement.closest('#flashes') !== null")
        # A second save from here (the version and the rows' bases came with the answer).
        tap_status(phone, seat[12], "absent")
        submit(phone)
        assert phone.evaluate("window.loadedOnce") is True
        assert phone.locator(".conflicts, .unsaved").count() == 0
        second = phone.evaluate(SHOWN)
        assert ["version", "2"] in second["hidden"]
        assert stored(live_server.app, homeroom_id)[0] == 2
        statuses = stored(live_server.app, homeroom_id)[1]
        assert [statuses[seat[n]] for n in (5, 8, 12)] == ["absent", "absent", "absent"]
        # The service worker was given the page as it now stands.
        phone.wait_for_function("""async () => {
            const kept = await caches.match(location.origin + location.pathname);
            return kept !== undefined
              && (await kept.text()).includes('name="version" type="hidden" value="2"');
        }""")
        phone.context.set_offline(True)
        assert phone.goto(url).from_service_worker
        offline = phone.evaluate(SHOWN)
        phone.context.set_offline(False)
        phone.goto(url)  # from the network again (the copy kept shows the message still)
        fresh = phone.evaluate(SHOWN)
    assert offline == second
    # A fresh load draws the same page; its message was shown once, in place.
    assert fresh["flashes"] == ""
    assert {key: value for key, value in second.items() if key != "flashes"} == \
        {key: value for key, value in fresh.items() if key != "flashes"}
