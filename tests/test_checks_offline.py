"""Saves queued on a phone without signal: sent again when it is back, applied once; the
service worker that opens Today and the check pages offline."""

import re

from rollcall.checks.models import Check, CheckEntry
from rollcall.extensions import db
from rollcall.models import AuditLog
from tests.checks_support import check_url, school_time

JSON = {"Accept": "application/json"}


def loaded_form(client, url) -> dict:
    """The form as the page gives it to checks.js: every row's status and its base."""
    text = client.get(url).get_data(as_text=True)
    data = dict(re.findall(r'name="(b\d+)" type="hidden" value="([^"]+)"', text)
                or re.findall(r'name="(b\d+)" value="([^"]+)"', text))
    data |= dict(re.findall(r'name="(s\d+)" value="(\w+)" checked', text))
    data["version"] = (re.search(r'name="version" type="hidden" value="(\d*)"', text)
                       or re.search(r'name="version" value="(\d*)"', text)).group(1)
    return data


def stored(app):
    with app.app_context():
        checks = db.session.scalars(db.select(Check)).all()
        entries = {(e.student.student_number, e.status, e.reason,
                    e.arrived_at is not None)
                   for e in db.session.scalars(db.select(CheckEntry))}
        changes = db.session.scalar(db.select(db.func.count(AuditLog.id)))
        return [(str(c.kind), c.version) for c in checks], entries, changes


def test_a_queued_save_that_arrives_twice_is_applied_once(app, login_as, school):
    client = login_as("teacher")
    url = check_url(school, "attendance")
    with school_time(7, 40):
        data = loaded_form(client, url)
        sids = sorted(int(key[1:]) for key in data if key.startswith("s"))
        data |= {f"s{sids[0]}": "absent", f"s{sids[1]}": "late", f"t{sids[1]}": "07:38",
                 f"s{sids[2]}": "excused", f"r{sids[2]}": "看病"}
    with school_time(7, 52):  # the phone is back online: the queued save goes out
        first = client.post(url, data=data, headers=JSON)
        after_first = stored(app)
    with school_time(7, 53):  # the answer was lost on the way: the phone sends it again
        second = client.post(url, data=data, headers=JSON)
    assert first.status_code == second.status_code == 200
    assert first.json["saved"] is True and first.json["version"] == 1
    assert "next" not in first.json  # the page shows the save where it is
    assert second.json["version"] == 1
    assert stored(app) == after_first
    kinds, entries, _ = after_first
    assert kinds == [("attendance", 1)]
    assert len(entries) == len(sids)
    with app.app_context():
        numbers = {e.student_id: e.student.student_number
                   for e in db.session.scalars(db.select(CheckEntry))}
    assert (numbers[sids[0]], "absent", None, False) in entries
    assert (numbers[sids[1]], "late", None, True) in entries
    assert (numbers[sids[2]], "excused", "看病", False) in entries


def test_a_queued_save_keeps_a_change_made_meanwhile_by_someone_else(app, login_as, school):
    teacher, office = login_as("teacher"), login_as("office")
    url = check_url(school, "attendance")
    with school_time(7, 40):
        offline = loaded_form(teacher, url)  # the phone loses signal with this page open
        sids = sorted(int(key[1:]) for key in offline if key.startswith("s"))
        online = loaded_form(office, url)
        office.post(url, data=online | {f"s{sids[4]}": "absent"})
    offline |= {f"s{sids[0]}": "absent"}
    with school_time(7, 55):
        answer = teacher.post(url, data=offline, headers=JSON)
    assert answer.status_code == 200 and answer.json["version"] == 2
    _, entries, _ = stored(app)
    absent = sorted(e[0] for e in entries if e[1] == "absent")
    assert len(absent) == 2


def test_a_save_without_javascript_still_redirects_to_the_page(app, login_as, school):
    client = login_as("teacher")
    url = check_url(school, "bag")
    with school_time(7, 40):
        response = client.post(url, data=loaded_form(client, url))
    assert response.status_code == 302 and response.headers["Location"].endswith(url)


def test_a_refused_queued_save_answers_with_the_page_and_writes_nothing(app, login_as, school):
    client = login_as("teacher")
    url = check_url(school, "bag")
    with school_time(7, 40):
        data = loaded_form(client, url)
        sid = min(int(key[1:]) for key in data if key.startswith("s"))
        before = stored(app)
        response = client.post(url, data=data | {f"s{sid}": "found"}, headers=JSON)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert stored(app) == before


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    assert b"addEventListener(\"fetch\"" in response.data


def test_a_bag_check_saved_from_the_phone_goes_on_to_attendance(app, login_as, school):
    client = login_as("teacher")
    bag, attendance = check_url(school, "bag"), check_url(school, "attendance")
    with school_time(7, 40):
        data = loaded_form(client, bag)
        sid = min(int(key[1:]) for key in data if key.startswith("s"))
        answer = client.post(bag, data=data | {f"s{sid}": "found", f"c{sid}": "knife",
                                               f"a{sid}": "kept_by_teacher"},
                             headers=JSON | {"Accept-Language": "en"})
        assert answer.json["next"] == attendance
        text = client.get(attendance, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Flagged to the office" in text and "Controlled knife or blade" in text
    with school_time(7, 41):  # sent again: applied once, and on to attendance again
        again = client.post(bag, data=loaded_form(client, bag) | {
            f"c{sid}": "knife", f"a{sid}": "kept_by_teacher"}, headers=JSON)
    assert again.json == {"saved": True, "version": 1, "next": attendance}
