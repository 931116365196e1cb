"""A save sent by checks.js is JSON with only the rows the teacher changed (with their bases):
rows not sent stay as saved, the answer is drawn from what the save wrote, and a body that is
not such a save is refused with a JSON error before anything is written."""

import json

import pytest

from rollcall.checks.models import Check, CheckEntry
from rollcall.extensions import db
from rollcall.family.models import ContactLog
from rollcall.models import AuditLog, Student
from tests.checks_support import DAY, check_url, phone_save, school_time, table_rows
from tests.test_checks_saved_in_place import PARTS, _bases, _Parts, _text, _version
from tests.test_csrf_mask import signed_in, tokens
from tests.test_page_forms import NOTE, contact

PHONE = {"Accept": "application/json", "Accept-Language": "en"}


def _statuses(app) -> dict:
    return {row["student_id"]: row["status"] for row in table_rows(app, CheckEntry)}


def test_a_save_of_the_rows_changed_answers_with_what_a_fresh_page_draws(app, login_as,
                                                                         school):
    client = login_as("teacher")
    url = check_url(school, "attendance")
    sids = school.student_ids["room1"]
    with school_time(7, 40):
        body = phone_save(client.get(url).text, {f"s{sids[0]}": "absent",
                                                 f"s{sids[1]}": "late", f"t{sids[1]}": "07:35"})
        answer = client.post(url, json=body, headers=PHONE)
        fresh = client.get(url, headers=PHONE | {"Accept": "text/html"}).text
    assert answer.status_code == 200, answer.text[:500]
    saved, page = _Parts(answer.json["html"]).parts, _Parts(fresh).parts
    assert _text(saved["flashes"]) == "Attendance saved."
    assert _text(saved["contacts-first"]).count("Family not yet contacted") == 1
    assert {name: saved[name] for name in PARTS[1:]} == {name: page[name] for name in PARTS[1:]}
    # The message was shown once, in place, without going through the session (its cookie is
    # not sent again).
    assert page["flashes"] == [] and "Set-Cookie" not in answer.headers
    assert answer.json["version"] == 1 and _version(fresh) == "1"
    assert answer.json["bases"] == _bases(fresh) and len(answer.json["bases"]) == len(sids)
    statuses = _statuses(app)
    assert (statuses[sids[0]], statuses[sids[1]], statuses[sids[2]]) == \
        ("absent", "late", "present")


def test_rows_not_sent_keep_what_someone_else_saved(app, login_as, school):
    teacher, office = login_as("teacher"), login_as("office")
    url = check_url(school, "attendance")
    sids = school.student_ids["room1"]
    with school_time(7, 40):
        phone = teacher.get(url).text
        office.post(url, json=phone_save(office.get(url).text, {f"s{sids[4]}": "absent"}),
                    headers=PHONE)
        answer = teacher.post(url, json=phone_save(phone, {f"s{sids[0]}": "excused",
                                                           f"r{sids[0]}": "发烧"}),
                              headers=PHONE)
    # The phone still shows the office's row as present: it is sent to the page again.
    assert answer.json == {"saved": True, "version": 2, "next": url}
    statuses = _statuses(app)
    assert (statuses[sids[0]], statuses[sids[4]]) == ("excused", "absent")


def test_a_change_that_keeps_who_is_absent_leaves_the_family_contacts_as_shown(app, login_as,
                                                                               school):
    client = login_as("teacher")
    url = check_url(school, "attendance")
    sids = school.student_ids["room1"]
    with school_time(7, 40):
        first = client.post(url, json=phone_save(client.get(url).text,
                                                 {f"s{sids[0]}": "absent"}), headers=PHONE)
        body = phone_save(client.get(url).text, {f"s{sids[1]}": "late", f"t{sids[1]}": "07:39"})
        second = client.post(url, json=body, headers=PHONE)
    assert "contacts-first" in _Parts(first.json["html"]).parts
    parts = _Parts(second.json["html"]).parts
    assert second.json["version"] == 2
    assert "contacts-first" not in parts and "contacts-last" not in parts
    assert "last changed at 07:40" in _text(parts["saved"])


def test_a_family_contact_typed_below_goes_along_with_the_save(app, login_as, school):
    client = login_as("teacher")
    url = check_url(school, "attendance")
    student = school.student_ids["room1"][4]
    with school_time(7, 55):
        body = phone_save(client.get(url).text, {f"s{student}": "absent"},
                          contact=contact(str(student)))
        answer = client.post(url, json=body, headers=PHONE)
    assert answer.status_code == 200, answer.text[:500]
    assert "Contact logged." in _text(_Parts(answer.json["html"]).parts["flashes"])
    [logged] = table_rows(app, ContactLog)
    assert logged["note"] == NOTE and logged["student_id"] == student


def test_an_incomplete_family_contact_holds_the_save_back(app, login_as, school):
    client = login_as("teacher")
    url = check_url(school, "attendance")
    student = school.student_ids["room1"][4]
    with school_time(7, 55):
        body = phone_save(client.get(url).text, {f"s{student}": "absent"},
                          contact=contact(str(student), person=""))
        answer = client.post(url, json=body, headers=PHONE)
    assert answer.status_code == 422
    assert answer.json == {"saved": False, "error": "contact", "fields": ["person"]}
    assert table_rows(app, Check) == [] and table_rows(app, ContactLog) == []


def _bad(body, sids):
    """Bodies that are not a save, as (body as text)."""
    first = str(sids[0])
    row = {"s": "absent", "b": "-"}
    return {
        "not JSON": "s1=absent",
        "a list": json.dumps([row]),
        "no rows": json.dumps({"version": None}),
        "an unknown key": json.dumps(body | {"entries": []}),
        "rows as a list": json.dumps(body | {"rows": [row]}),
        "a status that is a number": json.dumps(body | {"rows": {first: {"s": 3, "b": "-"}}}),
        "a row without its base": json.dumps(body | {"rows": {first: {"s": "absent"}}}),
        "a row's unknown field": json.dumps(body | {"rows": {first: row | {"x": "1"}}}),
        "a version as text": json.dumps(body | {"version": "1"}),
        "a tap time as text": json.dumps(body | {"tapped_at": "now"}),
        "a note too long": json.dumps(body | {"rows": {first: row | {"r": "字" * 501}}}),
        "a contact's unknown field": json.dumps(body | {"contact": {"phone": "1"}}),
        "more rows than students": json.dumps(body | {"rows": {
            str(n): row for n in range(1000, 1100)}}),
    }


BAD = ("not JSON", "a list", "no rows", "an unknown key", "rows as a list",
       "a status that is a number", "a row without its base", "a row's unknown field",
       "a version as text", "a tap time as text", "a note too long",
       "a contact's unknown field", "more rows than students")


@pytest.mark.parametrize("case", BAD)
def test_a_body_that_is_not_a_save_is_refused_and_nothing_is_written(app, login_as, school,
                                                                     case):
    client = login_as("teacher")
    url = check_url(school, "attendance")
    sids = school.student_ids["room1"]
    with school_time(7, 40):
        body = phone_save(client.get(url).text, {f"s{sids[0]}": "absent"})
        answer = client.post(url, data=_bad(body, sids)[case], headers=PHONE,
                             content_type="application/json")
    assert answer.status_code == 400, answer.text[:300]
    assert answer.json["saved"] is False and answer.json["error"] and answer.json["detail"]
    assert table_rows(app, Check) == [] and table_rows(app, AuditLog) == []


def test_a_row_of_a_student_not_in_the_class_is_refused(app, login_as, school):
    client = login_as("teacher")
    url = check_url(school, "attendance")
    stranger = school.student_ids["room2"][0]
    with school_time(7, 40):
        body = phone_save(client.get(url).text, {})
        body["rows"] = {str(stranger): {"s": "absent", "b": "-"}}
        answer = client.post(url, json=body, headers=PHONE)
    assert answer.status_code == 422
    assert answer.json["error"] == "unknown_students" and str(stranger) in answer.json["detail"]
    assert table_rows(app, Check) == []


def test_a_body_too_large_is_refused_before_it_is_read(app, login_as, school):
    client = login_as("teacher")
    url = check_url(school, "attendance")
    with school_time(7, 40):
        answer = client.post(url, data=" " * (64 * 1024 + 1), headers=PHONE,
                             content_type="application/json")
    assert answer.status_code == 413 and answer.json["error"] == "too_large"
    assert table_rows(app, Check) == []


def test_rows_refused_conflicts_and_read_only_days_answer_as_json(app, login_as, school):
    teacher, office = login_as("teacher"), login_as("office")
    url = check_url(school, "attendance")
    sids = school.student_ids["room1"]
    with school_time(7, 40):
        phone = teacher.get(url).text
        late = teacher.post(url, json=phone_save(phone, {f"s{sids[0]}": "late",
                                                         f"t{sids[0]}": "09:00"}),
                            headers=PHONE)
        office.post(url, json=phone_save(office.get(url).text, {f"s{sids[1]}": "absent"}),
                    headers=PHONE)
        clash = teacher.post(url, json=phone_save(phone, {f"s{sids[1]}": "late",
                                                          f"t{sids[1]}": "07:30"}),
                             headers=PHONE)
    with school_time(7, 40, DAY.replace(day=DAY.day + 7)):
        old = teacher.post(url, json=phone_save(phone, {f"s{sids[2]}": "absent"}),
                           headers=PHONE)
    assert (late.status_code, late.json["error"]) == (422, "rows")
    assert late.json["fields"] == ["entries[0].arrived_at"]
    assert (clash.status_code, clash.json) == (409, {"saved": False, "error": "row_conflicts",
                                                     "students": [sids[1]]})
    assert (old.status_code, old.json["error"]) == (403, "read_only")
    assert _statuses(app)[sids[1]] == "absent" and _statuses(app)[sids[0]] == "present"


def test_the_tap_time_sent_with_a_save_is_when_it_is_recorded(app, login_as, school):
    client = login_as("teacher")
    url = check_url(school, "attendance")
    sids = school.student_ids["room1"]
    with school_time(7, 40):
        page = client.get(url).text
    with school_time(7, 50):
        body = phone_save(page, {f"s{sids[0]}": "absent"})
        body["tapped_at"] = body["loaded_at"] + 3 * 60 * 1000  # tapped at 07:43, offline
        assert client.post(url, json=body, headers=PHONE).status_code == 200
    [check] = table_rows(app, Check)
    assert check["updated_at"].strftime("%H:%M") == "23:43"  # UTC
    assert check["received_at"].strftime("%H:%M") == "23:50"


@pytest.mark.any_database
def test_a_json_save_needs_the_csrf_token_in_its_header(make_app, app, school):
    protected = make_app(WTF_CSRF_ENABLED=True)
    client = signed_in(protected, school)
    url = check_url(school, "attendance")
    sids = school.student_ids["room1"]
    with school_time(7, 40):
        page = client.get(url).text
        body = phone_save(page, {f"s{sids[0]}": "absent"})
        refused = client.post(url, json=body, headers=PHONE)
        assert table_rows(protected, Check) == []
        saved = client.post(url, json=body, headers=PHONE | {"X-CSRFToken": tokens(page)[0]})
    assert refused.status_code == 400
    assert saved.status_code == 200 and saved.json["version"] == 1


def test_the_family_contacts_answered_are_a_reloads_in_either_language(app, login_as, school):
    # The section is drawn from plain rows and its fixed fields are kept drawn per language:
    # in Chinese, then English, then Chinese again, it is what a reload draws, word for word.
    sids = school.student_ids["room1"]
    with app.app_context():
        nameless, phoneless = (db.session.get(Student, sid).guardian_links[0].guardian
                               for sid in sids[:2])
        nameless.name, phoneless.phone_e164 = "", None
        db.session.commit()
    client = login_as("teacher")
    url = check_url(school, "attendance")
    sections = []
    for minute, (student, language) in enumerate(zip(sids, ("zh", "en", "zh"), strict=False)):
        headers = PHONE | {"Accept-Language": language}
        with school_time(7, 40 + minute):
            body = phone_save(client.get(url).text, {f"s{student}": "absent"},
                              contact=contact(str(sids[0])) if student == sids[2] else None)
            answer = client.post(url, json=body, headers=headers)
            fresh = client.get(url, headers=headers | {"Accept": "text/html"}).text
        saved, page = _Parts(answer.json["html"]).parts, _Parts(fresh).parts
        assert saved["contacts-first"] == page["contacts-first"]
        sections.append(_text(saved["contacts-first"]))
    assert "姓名未知" in sections[0] and "name not known yet" in sections[1]
    assert sections[1].count("+86") == 1  # the student whose family has no phone: none listed
    assert "电话" in sections[2] and "Phone call" in sections[1] and NOTE in sections[2]
