"""What a phone sends to save attendance for a class of 45 with 3 changes: only the rows
changed, as JSON, within a byte and field budget that the whole form posted as multipart (what
checks.js sent before: every row's status and base, some 190 fields) would break."""

import json

from tests import factories
from tests.browser.test_checks_morning import school_clock, submit, tap_status

BUDGET_BYTES = 600
BUDGET_FIELDS = 20


def _leaves(value) -> int:
    """The values a JSON body carries (the fields a server reads)."""
    if isinstance(value, dict):
        return sum(_leaves(item) for item in value.values())
    return 1


def test_a_save_of_three_changes_sends_only_those_rows(live_server, phone, sign_in):
    with live_server.app.app_context():
        school = factories.small_school(students_per_class=45)
    sids = school.student_ids["room1"]
    url = (f"{live_server.url}/homerooms/{school.homeroom_ids['room1']}/checks/2027-03-02/"
           "attendance")
    posts = []
    phone.on("request", lambda request: posts.append(request)
             if request.method == "POST" else None)
    with school_clock(7, 50):
        sign_in(phone, live_server.url, school.usernames["teacher"], factories.PASSWORD)
        phone.goto(url)
        assert phone.locator(".row").count() == 45
        tap_status(phone, sids[3], "absent")
        tap_status(phone, sids[17], "absent")
        tap_status(phone, sids[30], "late")
        phone.fill(f"input[name='t{sids[30]}']", "07:40")
        # What the whole form would have posted, for the comparison below.
        whole = phone.evaluate("""() => {
            let fields = 0, bytes = 0;
            new FormData(document.querySelector("form.check-form")).forEach((value, name) => {
              fields += 1; bytes += name.length + String(value).length;
            });
            return [fields, bytes];
        }""")
        posts.clear()
        submit(phone)
    [save] = posts
    body = save.post_data_buffer
    sent = json.loads(body)
    assert save.headers["content-type"] == "application/json"
    assert save.headers["x-csrftoken"]
    assert sorted(sent["rows"]) == sorted(str(sid) for sid in (sids[3], sids[17], sids[30]))
    assert sent["rows"][str(sids[30])]["t"] == "07:40"
    assert "contact" not in sent
    print(f"save of 3 changes, 45 students: {len(body)} bytes, {_leaves(sent)} fields; "
          f"the whole form: {whole[0]} fields, {whole[1]} bytes of names and values")
    assert len(body) <= BUDGET_BYTES and _leaves(sent) <= BUDGET_FIELDS
    # The budget means something: the whole form's names and values alone break it.
    assert whole[0] > BUDGET_FIELDS and whole[1] > BUDGET_BYTES
    assert phone.locator("#flashes .flash-success").count() == 1
