"""What a teacher's morning costs the database: each request of the rush (Today, the
attendance page and its save, the bag check and its save) sends at most a fixed number of SQL
statements, and the same number for a class of 45 as for a class of 10, with a term of saved
checks behind it as with one day."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from rollcall import clock
from rollcall.checks.models import CheckEntry
from rollcall.extensions import db
from rollcall.family.models import ContactLog
from rollcall.models import Guardian, Homeroom, StudentGuardian
from tests import factories
from tests.checks_support import DAY, YESTERDAY, phone_save, school_time
from tests.statements import counted
from tests.test_page_forms import NOTE, contact

# Statements per request, counted with a before_cursor_execute listener (every round trip,
# sign-in cookie lookup and COMMIT included). A save from the phone (JSON, the rows changed)
# includes what the page then shows in place (the history, the absent students' families),
# drawn from what the save wrote and read: neither the saved check, nor the class, nor a new
# check's history is read back. The save and the page loaded again after it used to be 7 + 9
# (attendance) and 10 + 7 (bag); the whole form posted and answered from the check read back,
# 16 and 16.
# Today reads the scheduler's heartbeat (a teacher must see when no texts go) with the homeroom,
# in the same statement (it was one of its own).
BUDGET = {"today": 9, "attendance page": 5, "attendance save": 9, "bag page": 6,
          "bag save": 10, "attendance correction": 8, "attendance change": 9}
REQUESTS = tuple(BUDGET)
FRIDAY = date(2027, 2, 26)
PHONE = {"Accept": "application/json"}
_BASE = re.compile(r'name="(b\d+)" value="([^"]*)"')




def _record_days(homeroom_id: int, days) -> None:
    for day in days:
        for kind in ("bag", "attendance", "dismissal"):
            factories.record_check(homeroom_id, day, kind)


def _rows(page: str) -> dict:
    """The check page's rows as a browser posts them back: every status, with its base."""
    data = dict(re.findall(r'name="(s\d+)" value="(\w+)" checked', page))
    return data | dict(_BASE.findall(page))


def _morning(app, client, school, day: date) -> dict[str, int]:
    """One teacher's morning on day: statements per request of the rush."""
    room = school.homeroom_ids["room1"]
    url = f"/homerooms/{room}/checks/{day.isoformat()}"
    with app.app_context():
        ids = [s.id for s in db.session.get(Homeroom, room).students]
    counts = {}

    def run(name, call, status):
        tally = []
        with counted(app, tally):
            response = call()
        assert response.status_code == status, response.get_data(as_text=True)[:2000]
        counts[name] = len(tally)
        return response

    with school_time(7, 40, day):
        run("today", lambda: client.get(f"/homerooms/{room}/today"), 200)
        page = run("attendance page", lambda: client.get(f"{url}/attendance"), 200)
        # Saved as checks.js saves from the phone (the rows changed, as JSON): the answer is
        # what the page shows in place (drawn without the class's rows), so the rush loads no
        # page again after a save.
        body = phone_save(page.text, {f"s{ids[0]}": "absent", f"s{ids[1]}": "absent",
                                      f"s{ids[2]}": "late", f"t{ids[2]}": "07:35"})
        answer = run("attendance save", lambda: client.post(f"{url}/attendance", json=body,
                                                            headers=PHONE), 200)
        page = run("bag page", lambda: client.get(f"{url}/bag"), 200)
        body = phone_save(page.text, {f"s{ids[3]}": "found", f"c{ids[3]}": "prohibited",
                                      f"d{ids[3]}": "扑克牌", f"a{ids[3]}": "kept_by_teacher"})
        run("bag save", lambda: client.post(f"{url}/bag", json=body, headers=PHONE), 200)
        # A change to a saved attendance from the phone (one more student late): an UPDATE;
        # who is absent did not change, so their families are not drawn again.
        body = {"version": answer.json["version"], "loaded_at": body["loaded_at"],
                "tapped_at": body["loaded_at"],
                "rows": {str(ids[4]): {"s": "late", "t": "07:38",
                                       "b": answer.json["bases"][f"b{ids[4]}"]}}}
        run("attendance change", lambda: client.post(f"{url}/attendance", json=body,
                                                     headers=PHONE), 200)
        # A second save of a saved check (the late student was here after all): an UPDATE,
        # from a page without JavaScript (a plain form post, redirected to the page).
        page = client.get(f"{url}/attendance").get_data(as_text=True)
        data = _rows(page) | {f"s{ids[2]}": "present",
                              "version": re.search(r'name="version"[^>]*value="(\d+)"',
                                                   page).group(1)}
        run("attendance correction", lambda: client.post(f"{url}/attendance", data=data), 302)
    return counts


@pytest.fixture
def morning_counts(app):
    """Statements per request on a Monday (10 students, one day of history), then on the
    Tuesday after the class grew to 45 and a term of checks was added behind it."""
    with app.app_context():
        school = factories.small_school(students_per_class=10)
        _record_days(school.homeroom_ids["room1"], [FRIDAY])
    client = app.test_client()
    assert client.post("/login", data={"username": school.usernames["teacher"],
                                       "password": factories.PASSWORD}).status_code == 302
    small = _morning(app, client, school, YESTERDAY)
    with app.app_context():
        room = db.session.get(Homeroom, school.homeroom_ids["room1"])
        for seat in range(11, 46):
            factories.student(room.school, room, seat)
        db.session.commit()
        _record_days(room.id, [FRIDAY - timedelta(days=n) for n in range(1, 29)
                               if (FRIDAY - timedelta(days=n)).weekday() < 5])
        assert len(room.students) == 45
    large = _morning(app, client, school, DAY)
    return small, large


def test_each_request_stays_within_its_statement_budget(morning_counts):
    small, large = morning_counts
    assert {name: large[name] for name in REQUESTS if large[name] > BUDGET[name]} == {}


def test_statements_do_not_grow_with_the_class_or_its_history(morning_counts):
    small, large = morning_counts
    assert large == small


def test_a_save_from_the_phone_reads_the_class_once_and_draws_no_rows(app, login_as, school):
    client = login_as("teacher")
    url = f"/homerooms/{school.homeroom_ids['room1']}/checks/{DAY.isoformat()}/attendance"
    with school_time(7, 40):
        data = _rows(client.get(url).text)
        sid = min(int(key[1:]) for key in data if key.startswith("s"))
        tally = []
        with counted(app, tally):
            answer = client.post(url, data=data | {f"s{sid}": "absent"}, headers=PHONE)
    assert answer.status_code == 200
    # The save reads the class once; the answer draws the absent student from that read.
    class_reads = [sql for sql in tally if re.search(r"FROM students\b", sql)]
    assert len(class_reads) == 1
    assert not re.search(r'<li class="row|name="s\d+"', answer.json["html"])


def test_a_save_from_the_phone_lists_the_families_as_rows_not_records(app, login_as, school):
    # The absent students' family phones and the contacts logged today are only shown: read
    # as plain rows (statements built once), they cost a third of loading their records.
    client = login_as("teacher")
    url = f"/homerooms/{school.homeroom_ids['room1']}/checks/{DAY.isoformat()}/attendance"
    sids = school.student_ids["room1"]
    loaded = []

    def count(target, context):
        loaded.append(type(target).__name__)

    with school_time(7, 40):
        client.post(url, json=phone_save(client.get(url).text, {f"s{sids[0]}": "absent"},
                                         contact=contact(str(sids[0]))), headers=PHONE)
        body = phone_save(client.get(url).text, {f"s{sids[1]}": "absent"})
        for model in (Guardian, StudentGuardian, ContactLog):
            event.listen(model, "load", count)
        try:
            answer = client.post(url, json=body, headers=PHONE)
        finally:
            for model in (Guardian, StudentGuardian, ContactLog):
                event.remove(model, "load", count)
    assert answer.status_code == 200
    section = answer.json["html"]
    assert section.count('class="call" href="tel:') == 2 and NOTE in section  # the contact
    assert loaded == []


# The pages a teacher sees after a save (the rush redirects to them) and the dismissal sweep's
# page: the day's checks are read once, whichever of them the page needs, and the absent
# students' families at once (with 3 absent, these were 15, 9 and 7 statements).
SAVED_PAGE_BUDGET = {"saved attendance page": 9, "saved bag page": 7, "dismissal page": 6}


def test_saved_check_pages_and_the_sweep_stay_within_their_budget(app):
    with app.app_context():
        school = factories.small_school(students_per_class=10)
        room = db.session.get(Homeroom, school.homeroom_ids["room1"])
        ids = [s.id for s in room.students]
        with school_time(7, 40):
            factories.attendance_check(room.id, DAY, dict.fromkeys(ids[:3], "absent"),
                                       clock.now())
            factories.record_check(room.id, DAY, "bag", dict.fromkeys(ids[:3], "not_checked"))
    client = app.test_client()
    with school_time(8):
        assert client.post("/login", data={"username": school.usernames["teacher"],
                                           "password": factories.PASSWORD}).status_code == 302
    url = f"/homerooms/{school.homeroom_ids['room1']}/checks/{DAY.isoformat()}"
    counts, pages = {}, {}
    for name, kind in (("saved attendance page", "attendance"), ("saved bag page", "bag"),
                       ("dismissal page", "dismissal")):
        tally = []
        with school_time(8), counted(app, tally):
            page = client.get(f"{url}/{kind}")
        assert page.status_code == 200
        counts[name] = len(tally)
        pages[name] = page.text
    assert counts == SAVED_PAGE_BUDGET
    # The link to the next open check is drawn from the same read of the day's checks, and
    # each absent student's family phone is listed from one read of the three families.
    assert f'href="{url}/dismissal"' in pages["saved bag page"]
    assert pages["saved attendance page"].count('class="call" href="tel:') == 3


# What every signed-in request pays before its own work: the session's user (one statement,
# the session row joined) and, for /today's redirect, the teacher's homerooms.
def test_a_signed_in_request_pays_one_statement_for_its_user(app, login_as, school):
    client = login_as("teacher")
    tally = []
    with counted(app, tally):
        answer = client.get("/today")
    assert answer.status_code == 302
    assert answer.location.endswith(f"/homerooms/{school.homeroom_ids['room1']}/today")
    assert len(tally) == 2, tally
    assert "FROM users JOIN user_sessions" in " ".join(tally[0].split())


# The dismissal sweep's saves from the phone (a first save, then a student on campus gone):
# who the sweep did not find is read from the rows it saved, not from its entries read back
# after the COMMIT (the first save was 8 statements).
SWEEP_BUDGET = {"sweep save": 7, "sweep change": 9}


def test_the_sweeps_saves_stay_within_their_budget(app):
    with app.app_context():
        school = factories.small_school(students_per_class=10)
        room = db.session.get(Homeroom, school.homeroom_ids["room1"])
        ids = [s.id for s in room.students]
    client = app.test_client()
    url = f"/homerooms/{school.homeroom_ids['room1']}/checks/{DAY.isoformat()}/dismissal"
    counts = {}
    with school_time(16, 30):
        assert client.post("/login", data={"username": school.usernames["teacher"],
                                           "password": factories.PASSWORD}).status_code == 302
        body = phone_save(client.get(url).text, {f"s{ids[0]}": "on_campus",
                                                 f"l{ids[0]}": "操场", f"r{ids[0]}": "activity"})
        for name, changes in (("sweep save", None), ("sweep change", {f"s{ids[0]}": "left"})):
            if changes is not None:
                body = phone_save(client.get(url).text, changes)
            tally = []
            with counted(app, tally):
                answer = client.post(url, json=body, headers=PHONE)
            assert answer.status_code == 200 and answer.json["saved"], answer.json
            counts[name] = len(tally)
    assert counts == SWEEP_BUDGET


# A check page reads the entries of the day's saved checks as rows: loaded as objects (45 a
# check, the attendance's and the bag check's on the sweep's page) they were most of the
# page's time in the database, for values it only shows.
def test_check_pages_read_the_days_entries_without_loading_them_as_objects(app):
    with app.app_context():
        school = factories.small_school(students_per_class=10)
        room = db.session.get(Homeroom, school.homeroom_ids["room1"])
        ids = [s.id for s in room.students]
        with school_time(7, 40):
            factories.attendance_check(room.id, DAY, dict.fromkeys(ids[:3], "absent"),
                                       clock.now())
            factories.record_check(room.id, DAY, "bag", dict.fromkeys(ids[:3], "not_checked"))
    client = app.test_client()
    with school_time(8):
        assert client.post("/login", data={"username": school.usernames["teacher"],
                                           "password": factories.PASSWORD}).status_code == 302
    url = f"/homerooms/{school.homeroom_ids['room1']}/checks/{DAY.isoformat()}"
    loaded = []

    def count(target, context):
        loaded.append(target)

    event.listen(CheckEntry, "load", count)
    try:
        with school_time(8):
            pages = {kind: client.get(f"{url}/{kind}") for kind in ("attendance", "bag",
                                                                    "dismissal")}
    finally:
        event.remove(CheckEntry, "load", count)
    assert {kind: page.status_code for kind, page in pages.items()} == dict.fromkeys(pages, 200)
    assert loaded == []
    # What the entries say is on the pages all the same: the three absent on attendance, not
    # checked at the bag check, and left out of the sweep.
    assert pages["attendance"].text.count('value="absent" checked') == 3
    assert pages["bag"].text.count('value="not_checked" checked') == 3
    assert not any(f'name="s{sid}"' in pages["dismissal"].text for sid in ids[:3])


def test_a_save_from_the_phone_takes_one_connection(app, login_as, school):
    # What the answer shows (the absent students' families, the check's history) is read in
    # the save's own transaction, before its COMMIT: read after, each save took a connection
    # from the pool a second time (on PostgreSQL with a ping to the server).
    client = login_as("teacher")
    url = f"/homerooms/{school.homeroom_ids['room1']}/checks/{DAY.isoformat()}/attendance"
    sids = school.student_ids["room1"]
    with app.app_context():
        engine = db.engine
    checkouts = []

    def checkout(*args):
        checkouts[-1] += 1

    with school_time(7, 40):
        answers = []
        # The first save creates the check, the second changes it (its history is read).
        for changes in ({f"s{sids[0]}": "absent"}, {f"s{sids[1]}": "absent"}):
            body = phone_save(client.get(url).text, changes)
            checkouts.append(0)
            event.listen(engine, "checkout", checkout)
            try:
                answers.append(client.post(url, json=body, headers=PHONE))
            finally:
                event.remove(engine, "checkout", checkout)
    assert [answer.status_code for answer in answers] == [200, 200]
    # The second save's answer lists both absent students' families.
    assert answers[1].json["html"].count('class="call" href="tel:') == 2
    assert checkouts == [1, 1]
