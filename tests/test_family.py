"""Family contacts of every reason, the follow-up on Today, parent meetings recorded once, the
forms opened filled in, and bad input (a contact dated in the future) writing nothing."""

from datetime import timedelta

import pytest

from rollcall.family.models import ContactLog, ParentMeeting
from rollcall.models import AuditLog
from tests.checks_support import DAY, page, school_time, table_rows

EN = {"Accept-Language": "en"}


def snapshot(app) -> tuple:
    return (table_rows(app, ContactLog), table_rows(app, ParentMeeting),
            len(table_rows(app, AuditLog)))


def contact(client, student_id, **overrides):
    data = {"reason": "conduct", "method": "home_visit", "person": "父亲 张军",
            "contacted_at": f"{DAY}T16:30", "said": "上课多次顶撞老师，家长表示会配合教育",
            "agreed": "每周五电话沟通一次",
            "follow_up_on": (DAY + timedelta(days=3)).isoformat()} | overrides
    with school_time(18, 0):
        return client.post(f"/students/{student_id}/family-contacts", data=data, headers=EN)


def test_a_contact_of_any_reason_is_recorded_with_what_was_agreed(app, login_as, school):
    student = school.student_ids["room1"][0]
    teacher = login_as("teacher")
    assert contact(teacher, student).status_code == 302
    [stored] = table_rows(app, ContactLog)
    assert stored["reason"] == "conduct" and stored["method"] == "home_visit"
    assert stored["agreed"] == "每周五电话沟通一次" and stored["outcome"] is None
    assert stored["follow_up_on"] == DAY + timedelta(days=3)
    assert [a["action"] for a in table_rows(app, AuditLog)] == ["contact.log"]
    with school_time(18, 5):
        text = page(teacher.get(f"/students/{student}/family-contacts", headers=EN))
    assert "Conduct" in text and "Home visit" in text and "每周五电话沟通一次" in text


@pytest.mark.parametrize("overrides, field, message", [
    ({"contacted_at": f"{DAY + timedelta(days=1)}T09:00"}, "contacted_at",
     "A contact cannot be dated in the future."),
    ({"said": " "}, "said", "Write what was said."),
    ({"person": ""}, "person", "Say who was reached."),
    ({"reason": "gossip"}, "reason", "Not a valid choice"),
    ({"follow_up_on": (DAY - timedelta(days=2)).isoformat()}, "follow_up_on",
     "The follow-up cannot come before the contact."),
])
def test_a_bad_contact_is_refused_next_to_the_field_and_writes_nothing(
        app, login_as, school, overrides, field, message):
    before = snapshot(app)
    response = contact(login_as("teacher"), school.student_ids["room1"][0], **overrides)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page(response) and message in page(response)
    assert snapshot(app) == before


def test_a_follow_up_shows_on_the_teachers_today(app, login_as, school):
    contact(login_as("teacher"), school.student_ids["room1"][0])
    with school_time(7, 30, DAY + timedelta(days=2)):
        text = page(login_as("teacher").get(
            f"/homerooms/{school.homeroom_ids['room1']}/today", headers=EN))
    assert "Family follow-ups" in text and "每周五电话沟通一次" in text


def test_a_general_contact_does_not_count_as_an_absence_call(app, login_as, school):
    student = school.student_ids["room1"][0]
    teacher = login_as("teacher")
    with school_time(8, 0):
        teacher.post(f"/homerooms/{school.homeroom_ids['room1']}/checks/{DAY}/attendance",
                     data={f"s{student}": "absent"})
    contact(teacher, student, reason="conduct", contacted_at=f"{DAY}T08:30")
    with school_time(9, 0):
        text = page(teacher.get(f"/homerooms/{school.homeroom_ids['room1']}/checks/{DAY}/"
                                "attendance", headers=EN))
    assert "Family not yet contacted" in text


def test_a_parent_meeting_is_recorded_once_with_the_families_that_came(app, login_as, school):
    came = school.student_ids["room1"][:3]
    with school_time(18, 0):
        response = login_as("teacher").post(
            f"/homerooms/{school.homeroom_ids['room1']}/parent-meetings",
            data={"held_at": f"{DAY}T16:00", "topic": "中考前安全教育家长会", "attended": came})
        text = page(login_as("teacher").get(
            f"/homerooms/{school.homeroom_ids['room1']}/parent-meetings", headers=EN))
    assert response.status_code == 302
    [meeting] = table_rows(app, ParentMeeting)
    contacts = table_rows(app, ContactLog)
    assert sorted(c["student_id"] for c in contacts) == sorted(came)
    assert {c["meeting_id"] for c in contacts} == {meeting["id"]}
    assert {c["reason"] for c in contacts} == {"parent_meeting"}
    assert "中考前安全教育家长会" in text and "Families that attended (3)" in text
    assert [a["action"] for a in table_rows(app, AuditLog)] == ["parent_meeting.record"]


def test_a_meeting_with_a_family_of_another_class_writes_nothing(app, login_as, school):
    before = snapshot(app)
    with school_time(18, 0):
        response = login_as("teacher").post(
            f"/homerooms/{school.homeroom_ids['room1']}/parent-meetings",
            data={"held_at": f"{DAY}T16:00", "topic": "家长会",
                  "attended": [school.student_ids["room2"][0]]}, headers=EN)
    assert response.status_code == 422
    assert 'id="attended-error"' in page(response)
    assert snapshot(app) == before


def test_from_a_conflict_the_contact_form_opens_filled_in(app, login_as, school):
    teacher = login_as("teacher")
    student = school.student_ids["room1"][0]
    with school_time(10, 0):
        teacher.post(f"/homerooms/{school.homeroom_ids['room1']}/screening/conflicts", data={
            "student_ids": [student], "about": "与同学争执", "severity": "minor",
            "state": "open"})
        conflict_id = table_rows(app, __import__(
            "rollcall.screening.models", fromlist=["Conflict"]).Conflict)[0]["id"]
        conflict_page = page(teacher.get(f"/conflicts/{conflict_id}"))
        link = (f"/students/{student}/family-contacts"
                f"?reason=conflict&amp;about=conflict:{conflict_id}")
        assert link in conflict_page and "与同学争执" not in link  # the id, not the words
        form = page(teacher.get(link.replace("&amp;", "&")))
        elsewhere = page(teacher.get(f"/students/{school.student_ids['room1'][1]}/family-contacts"
                                     f"?about=conflict:{conflict_id}"))
    assert '<option selected value="conflict">' in form and "与同学争执</textarea>" in form
    assert "与同学争执" not in elsewhere  # a record of another student fills in nothing


def test_another_classs_teacher_cannot_see_or_write_a_students_contacts(app, login_as,
                                                                        school):
    student = school.student_ids["room1"][0]
    other = login_as("teacher2")
    before = snapshot(app)
    with school_time(18, 0):
        assert other.get(f"/students/{student}/family-contacts").status_code == 404
    assert contact(other, student).status_code == 404
    assert snapshot(app) == before
