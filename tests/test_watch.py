"""Students to watch: adding with a reason and a review date, dated notes, taking off with a
note, reviews due on Today, the office alerts' shortcut, and bad input writing nothing."""

from datetime import timedelta

import pytest

from rollcall.models import AuditLog
from rollcall.watch.models import WatchEntry, WatchNote
from tests.checks_support import DAY, page, school_time, table_rows

EN = {"Accept-Language": "en"}


def snapshot(app) -> tuple:
    return (table_rows(app, WatchEntry), table_rows(app, WatchNote),
            len(table_rows(app, AuditLog)))


def add(client, student_id, **overrides):
    data = {"student_id": student_id, "reason": "outside_contacts",
            "details": "放学后常与校外青年在网吧门口聚集",
            "review_on": (DAY + timedelta(days=14)).isoformat()} | overrides
    with school_time(9, 0):
        return client.post("/watch/new", data=data, headers=EN)


@pytest.fixture
def watched(app, login_as, school):
    """Seat 1 of class 1 on the watch list, put there by the class's teacher."""
    response = add(login_as("teacher"), school.student_ids["room1"][0])
    assert response.status_code == 302
    [entry] = table_rows(app, WatchEntry)
    return entry


def test_a_teacher_puts_a_student_on_the_watch_list(app, login_as, school, watched):
    assert watched["reason"] == "outside_contacts"
    assert watched["review_on"] == DAY + timedelta(days=14)
    assert watched["added_by_id"] == school.user_ids["teacher"]
    with school_time(9, 5):
        text = page(login_as("teacher").get(f'/watch/{watched["id"]}', headers=EN))
    assert "Contact with people outside school" in text and "网吧门口" in text
    assert [a["action"] for a in table_rows(app, AuditLog)] == ["watch.add"]


def test_notes_follow_with_their_dates_and_move_the_review(app, login_as, school, watched):
    with school_time(10, 0):
        response = login_as("office").post(f'/watch/{watched["id"]}/notes', data={
            "day": DAY.isoformat(), "note": "与家长面谈，家长同意每天接送",
            "review_on": (DAY + timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    [note] = table_rows(app, WatchNote)
    assert note["day"] == DAY and note["author_id"] == school.user_ids["office"]
    assert table_rows(app, WatchEntry)[0]["review_on"] == DAY + timedelta(days=30)
    assert "watch.note" in [a["action"] for a in table_rows(app, AuditLog)]


def test_taking_a_student_off_needs_a_closing_note(app, login_as, school, watched):
    client = login_as("teacher")
    before = snapshot(app)
    with school_time(10, 0):
        refused = client.post(f'/watch/{watched["id"]}/close', data={"close-note": " "}, headers=EN)
    assert refused.status_code == 422
    assert "Write why the student comes off the list." in page(refused)
    assert snapshot(app) == before
    with school_time(10, 5):
        done = client.post(f'/watch/{watched["id"]}/close', data={"close-note": "一个月无异常"})
        listing = page(client.get("/watch/", headers=EN))
    assert done.status_code == 302
    [entry] = table_rows(app, WatchEntry)
    assert entry["closed_at"] is not None and entry["closing_note"] == "一个月无异常"
    assert "Nobody is on the watch list." in listing
    assert "watch.close" in [a["action"] for a in table_rows(app, AuditLog)]


@pytest.mark.parametrize("overrides, field, message", [
    ({"reason": "bad_luck"}, "reason", "Not a valid choice"),
    ({"review_on": ""}, "review_on", "Give a review date."),
    ({"review_on": (DAY - timedelta(days=1)).isoformat()}, "review_on",
     "The review date cannot be in the past."),
])
def test_bad_input_when_adding_is_refused_next_to_the_field(app, login_as, school, overrides,
                                                             field, message):
    before = snapshot(app)
    response = add(login_as("teacher"), school.student_ids["room1"][1], **overrides)
    assert response.status_code == 422
    text = page(response)
    assert f'id="{field}-error"' in text and message in text
    assert snapshot(app) == before


def test_a_student_already_watched_is_not_added_twice(app, login_as, school, watched):
    before = snapshot(app)
    response = add(login_as("office"), school.student_ids["room1"][0])
    assert response.status_code == 422
    assert "王老师 already put this student on the watch list." in page(response)
    assert snapshot(app) == before


@pytest.mark.parametrize("data, field, message", [
    ({"day": (DAY + timedelta(days=1)).isoformat(), "note": "明天的事"}, "day",
     "The date cannot be in the future."),
    ({"day": DAY.isoformat(), "note": ""}, "note", "Write the note."),
])
def test_a_bad_note_is_refused_and_writes_nothing(app, login_as, school, watched, data, field,
                                                   message):
    before = snapshot(app)
    with school_time(10, 0):
        response = login_as("teacher").post(f'/watch/{watched["id"]}/notes', data=data,
                                            headers=EN)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page(response) and message in page(response)
    assert snapshot(app) == before


def test_a_teacher_cannot_add_a_student_of_another_class(app, login_as, school):
    before = snapshot(app)
    response = add(login_as("teacher"), school.student_ids["room2"][0])
    assert response.status_code == 404
    assert snapshot(app) == before


def test_a_review_coming_due_shows_on_the_teachers_today(app, login_as, school):
    add(login_as("teacher"), school.student_ids["room1"][0],
        review_on=(DAY + timedelta(days=2)).isoformat())
    add(login_as("teacher"), school.student_ids["room1"][1],
        review_on=(DAY + timedelta(days=20)).isoformat())
    with school_time(7, 30):
        text = page(login_as("teacher").get(f"/homerooms/{school.homeroom_ids['room1']}/today",
                                            headers=EN))
    assert "Watch-list reviews due" in text
    assert "学生01" in text and "学生02" not in text


def test_an_office_alert_offers_the_watch_list_filled_in(app, login_as, school):
    from tests import factories

    student = school.student_ids["room1"][0]
    with app.app_context():
        for day in (DAY - timedelta(days=1), DAY):
            factories.record_check(school.homeroom_ids["room1"], day, "bag",
                                   {student: "found"}, details={student: {
                                       "category": "knife", "action": "handed_to_office"}})
    office = login_as("office")
    with school_time(9, 0):
        board = page(office.get("/office/", headers=EN))
        link = f"/watch/new?student={student}&amp;reason=repeated_findings"
        assert link in board
        form = page(office.get(link.replace("&amp;", "&"), headers=EN))
    assert f'<option selected value="{student}">' in form
    assert '<option selected value="repeated_findings">' in form


def test_the_students_history_shows_the_watch_list_to_those_who_may_see_it(
        app, login_as, school, watched):
    student = school.student_ids["room1"][0]
    with school_time(9, 10):
        teacher = page(login_as("teacher").get(f"/students/{student}", headers=EN))
        office = page(login_as("office").get(f"/students/{student}", headers=EN))
    assert "Students to watch" in teacher and "Contact with people outside school" in office


def test_the_watch_list_is_hidden_from_other_teachers_on_every_page_and_endpoint(
        app, login_as, school, watched):
    """teacher2 teaches another class: no page or export says the student is watched (the API
    carries no watch-list data at all)."""
    other = login_as("teacher2")
    student = school.student_ids["room1"][0]
    with school_time(9, 30):
        assert other.get(f'/watch/{watched["id"]}').status_code == 404
        assert other.post(f'/watch/{watched["id"]}/notes',
                          data={"day": DAY.isoformat(), "note": "x"}).status_code == 404
        assert other.post(f'/watch/{watched["id"]}/close',
                          data={"close-note": "x"}).status_code == 404
        assert other.get(f"/watch/new?student={student}").status_code == 404
        assert other.get(f"/students/{student}").status_code == 404
        listing = page(other.get("/watch/", headers=EN))
        today = page(other.get(f"/homerooms/{school.homeroom_ids['room2']}/today"))
        csv = other.get("/office/log.csv")
    assert "学生01" not in listing and "Nobody is on the watch list." in listing
    assert "网吧" not in today and csv.status_code == 403
    assert snapshot(app)[1] == []


def test_the_family_contact_link_carries_the_entry_not_its_details(app, login_as, school,
                                                                  watched):
    teacher = login_as("teacher")
    with school_time(9, 5):
        entry_page = page(teacher.get(f'/watch/{watched["id"]}', headers=EN))
        link = (f'/students/{watched["student_id"]}/family-contacts'
                f'?reason=conduct&amp;about=watch:{watched["id"]}')
        assert link in entry_page and "said=" not in entry_page
        form = page(teacher.get(link.replace("&amp;", "&"), headers=EN))
    assert "放学后常与校外青年在网吧门口聚集</textarea>" in form
