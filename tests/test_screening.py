"""Weekly conflict screening: 'no conflicts', conflicts with their students, the carry-over of
open conflicts, the overdue mark and reminder at the cut-off, what the office sees at once."""

from datetime import date, timedelta

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.jobs import minute_pass
from rollcall.models import AuditLog, Role, User
from rollcall.notify.models import OutboxText
from rollcall.screening.models import Conflict, ConflictUpdate, Screening, ScreeningReminder
from tests.checks_support import DAY, at, page, school_time, table_rows

EN = {"Accept-Language": "en"}
FRIDAY = date(2027, 3, 5)
NEXT_TUESDAY = DAY + timedelta(days=7)


def snapshot(app) -> tuple:
    return (table_rows(app, Screening), table_rows(app, Conflict), table_rows(app, ConflictUpdate),
            len(table_rows(app, AuditLog)))


def url(school, key="room1") -> str:
    return f"/homerooms/{school.homeroom_ids[key]}/screening"


def record(client, school, **overrides):
    data = {"student_ids": [school.student_ids["room1"][0], school.student_ids["room2"][0]],
            "about": "篮球场上争执，互相推搡", "severity": "needs_mediation",
            "action": "分别谈话", "state": "open"} | overrides
    return client.post(url(school) + "/conflicts", data=data, headers=EN)


def test_no_conflicts_found_records_the_weeks_screening(app, login_as, school):
    teacher = login_as("teacher")
    with school_time(15, 0):
        assert teacher.post(url(school) + "/none").status_code == 302
        text = page(teacher.get(f"/homerooms/{school.homeroom_ids['room1']}/today",
                                headers=EN))
    [screening] = table_rows(app, Screening)
    assert screening["no_conflicts"] and screening["week_start"] == date(2027, 3, 1)
    assert "Weekly conflict screening" in text and "Done at" in text
    assert [a["action"] for a in table_rows(app, AuditLog)] == ["screening.record"]


def test_a_conflict_names_students_of_any_class_and_records_the_screening(app, login_as,
                                                                          school):
    with school_time(15, 0):
        response = record(login_as("teacher"), school)
        week = page(login_as("teacher").get(url(school), headers=EN))
    assert response.status_code == 302
    [conflict] = table_rows(app, Conflict)
    assert conflict["state"] == "open" and conflict["severity"] == "needs_mediation"
    [screening] = table_rows(app, Screening)
    assert not screening["no_conflicts"]
    assert "篮球场上争执" in week and "学生01" in week and "Needs mediation" in week
    assert "conflict.record" in [a["action"] for a in table_rows(app, AuditLog)]


@pytest.mark.parametrize("overrides, field, message", [
    ({"about": "  "}, "about", "Say what the conflict is about."),
    ({"student_ids": []}, "student_ids", "Name the students involved."),
    ({"student_ids": ["OTHER"]}, "student_ids", "Only students of this school can be named."),
    ({"severity": "apocalyptic"}, "severity", "Not a valid choice"),
])
def test_a_bad_conflict_is_refused_next_to_the_field_and_writes_nothing(
        app, login_as, school, overrides, field, message):
    if overrides.get("student_ids") == ["OTHER"]:
        overrides = {"student_ids": [school.student_ids["room1"][0],
                                     school.student_ids["other"][0]]}
    before = snapshot(app)
    with school_time(15, 0):
        response = record(login_as("teacher"), school, **overrides)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page(response) and message in page(response)
    assert snapshot(app) == before


def test_an_open_conflict_carries_over_until_resolved(app, login_as, school):
    teacher = login_as("teacher")
    with school_time(15, 0):
        record(teacher, school)
    [conflict] = table_rows(app, Conflict)
    with school_time(15, 0, NEXT_TUESDAY):
        next_week = page(teacher.get(url(school), headers=EN))
        assert "Carried over from earlier weeks" in next_week
        carried = next_week.split("Carried over from earlier weeks")[1].split(
            "Found this week")[0]
        assert f'/conflicts/{conflict["id"]}' in carried
        assert "Not done yet" in next_week  # carried conflicts do not make the week's screening
        response = teacher.post(f'/conflicts/{conflict["id"]}/update',
                                data={"state": "resolved", "note": "双方和好，握手言和"})
        assert response.status_code == 302
    with school_time(15, 0, NEXT_TUESDAY + timedelta(days=7)):
        week_after = page(teacher.get(url(school), headers=EN))
    carried = week_after.split("Carried over from earlier weeks")[1].split("Found this week")[0]
    assert f'/conflicts/{conflict["id"]}' not in carried
    assert [u["state"] for u in table_rows(app, ConflictUpdate)] == ["open", "resolved"]


def test_the_screening_is_overdue_on_the_board_at_the_cut_off(app, login_as, school):
    office = login_as("office")
    with app.app_context(), clock.frozen(at(15, 0, FRIDAY)):
        from rollcall.models import Homeroom
        from rollcall.screening import services
        services.record_no_conflicts(db.session.get(Homeroom, school.homeroom_ids["room2"]),
                                     date(2027, 3, 1), None)
    with school_time(16, 59, FRIDAY):
        before = page(office.get("/office/", headers=EN))
    with school_time(17, 0, FRIDAY):
        after = page(office.get("/office/", headers=EN))
        today = page(login_as("teacher").get(
            f"/homerooms/{school.homeroom_ids['room1']}/today", headers=EN))
    assert "screening-overdue" not in before and before.count("screening-pending") == 1
    assert after.count("screening-overdue") == 1 and after.count("screening-done") == 1
    assert "Overdue (due by Fri 17:00)" in today
    # The week's list sits under the day's figures until a class is overdue, then above them.
    assert before.index("screening-title") > before.index("totals-title")
    assert after.index("screening-title") < after.index("totals-title")


def test_the_teacher_is_reminded_once_at_the_cut_off(app, school):
    with app.app_context():
        teacher = db.session.get(User, school.user_ids["teacher"])
        teacher.phone_e164 = "+8613911112222"
        db.session.commit()
    for minute in (16 * 60 + 59, 17 * 60, 17 * 60 + 5):
        with app.app_context(), clock.frozen(at(minute // 60, minute % 60, FRIDAY)):
            minute_pass.send_pass()
    reminders = table_rows(app, ScreeningReminder)
    assert sorted(r["homeroom_id"] for r in reminders) == sorted(  # once each, every school
        school.homeroom_ids.values())
    texts = [t for t in table_rows(app, OutboxText) if t["kind"] == "screening_reminder"]
    assert [t["to_e164"] for t in texts] == ["+8613911112222"]
    # A +86 number: no link (the carriers' rule), the text says where to record it instead.
    assert texts[0]["body"].endswith("请尽快填写：平安点名 › 今天 › 九年级1班 › 每周矛盾排查")
    assert "/screening" not in texts[0]["body"] and texts[0]["body"].startswith("【")


def test_a_risk_of_violence_and_an_escalation_are_on_the_board_at_once(app, login_as, school):
    teacher = login_as("teacher")
    with school_time(10, 0):
        record(teacher, school, severity="risk_of_violence", about="扬言放学后约架")
        record(teacher, school, severity="minor", about="借书未还", state="escalated")
        record(teacher, school, severity="minor", about="座位纠纷")
        board = page(login_as("office").get("/office/", headers=EN))
    section = board.split("Conflicts for the office")[1].split("Weekly conflict screening")[0]
    assert "扬言放学后约架" in section and "借书未还" in section and "座位纠纷" not in section


def test_the_office_takes_a_conflict_over_and_records_its_mediation(app, login_as, school):
    with school_time(10, 0):
        record(login_as("teacher"), school, severity="risk_of_violence")
    [conflict] = table_rows(app, Conflict)
    office = login_as("office")
    with school_time(11, 0):
        refused = office.post(f'/conflicts/{conflict["id"]}/update',
                              data={"state": "mediating", "note": ""}, headers=EN)
        assert refused.status_code == 422 and "Write what was done." in page(refused)
        response = office.post(f'/conflicts/{conflict["id"]}/update', data={
            "state": "mediating", "note": "政教处约双方及家长面谈调解", "take_over": "y"})
        assert response.status_code == 302
        text = page(office.get(f'/conflicts/{conflict["id"]}', headers=EN))
    [stored] = table_rows(app, Conflict)
    assert stored["office_owner_id"] == school.user_ids["office"]
    assert stored["state"] == "mediating"
    assert "Taken over by 张主任" in text and "政教处约双方及家长面谈调解" in text
    assert "conflict.update" in [a["action"] for a in table_rows(app, AuditLog)]


def test_a_teacher_cannot_take_a_conflict_over(app, login_as, school):
    with school_time(10, 0):
        record(login_as("teacher"), school)
        login_as("teacher").post(f'/conflicts/{table_rows(app, Conflict)[0]["id"]}/update', data={
            "state": "mediating", "note": "谈话", "take_over": "y"})
    assert table_rows(app, Conflict)[0]["office_owner_id"] is None
    with app.app_context():
        assert db.session.get(User, school.user_ids["teacher"]).role == Role.TEACHER
