"""Parent texts end to end: stored attendance → outbox → the real Twilio client → stand-in."""

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from rollcall.extensions import db
from rollcall.models import Guardian, School, Student, StudentGuardian
from rollcall.notify.models import OutboxStudent, OutboxText
from tests import factories, notify_support
from tests.notify_support import MONDAY, at, outbox, run_pass

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app


def absent(app, school, *, students=None, status="absent", day=MONDAY, submitted=None,
           room="room1"):
    """Room 1's attendance with these students (default: the first) marked status."""
    students = students or [school.student_ids[room][0]]
    with app.app_context():
        check_id = factories.attendance_check(school.homeroom_ids[room], day,
                                              {sid: status for sid in students},
                                              submitted or at(8, 0, day))
        db.session.remove()
    return check_id


def first_phone(app, student_id, order=0):
    with app.app_context():
        student = db.session.get(Student, student_id)
        phone = student.guardian_links[order].guardian.phone_e164
        db.session.remove()
        return phone


def test_an_absence_is_texted_once_after_the_delay(twilio_app, school, standin):
    absent(twilio_app, school)
    run_pass(twilio_app, at(8, 14))
    assert standin.messages == []
    run_pass(twilio_app, at(8, 15))
    run_pass(twilio_app, at(8, 20))
    phone = first_phone(twilio_app, school.student_ids["room1"][0])
    assert [m["to"] for m in standin.messages] == [phone]
    assert "学生01" in standin.messages[0]["body"] and "九年级1班" in standin.messages[0]["body"]
    [row] = outbox(twilio_app)
    assert row["status"] == "submitted" and row["sid"] == standin.messages[0]["sid"]


def test_the_status_callback_url_is_built_from_the_public_base_url(twilio_app, school, standin):
    absent(twilio_app, school)
    run_pass(twilio_app, at(8, 30))
    [row] = outbox(twilio_app)
    assert standin.messages[0]["status_callback"] == (
        f"https://rollcall.example.edu/twilio/status?text={row['id']}")


def test_excused_absences_never_text(twilio_app, school, standin):
    absent(twilio_app, school, status="excused")
    run_pass(twilio_app, at(9, 0))
    assert standin.messages == [] and outbox(twilio_app) == []


def test_a_correction_before_the_delay_means_no_text(twilio_app, school, standin):
    check_id = absent(twilio_app, school)
    with twilio_app.app_context():
        factories.change_attendance(check_id, school.student_ids["room1"][0], "present",
                                    at(8, 5))
    run_pass(twilio_app, at(8, 30))
    assert standin.messages == [] and outbox(twilio_app) == []


def test_an_absence_noted_in_a_later_edit_waits_its_own_delay(twilio_app, school, standin):
    check_id = absent(twilio_app, school, students=[school.student_ids["room1"][1]],
                      status="present")
    with twilio_app.app_context():
        factories.change_attendance(check_id, school.student_ids["room1"][1], "absent",
                                    at(8, 20))
    run_pass(twilio_app, at(8, 30))
    assert standin.messages == []
    run_pass(twilio_app, at(8, 35))
    assert len(standin.messages) == 1


def test_only_todays_absences_text(twilio_app, school, standin):
    absent(twilio_app, school, day=MONDAY.replace(day=20), submitted=at(8, 0, MONDAY.replace(
        day=20)))
    run_pass(twilio_app, at(9, 0))
    assert standin.messages == []


def test_a_late_arrival_after_the_text_gets_one_follow_up(twilio_app, school, standin):
    student_id = school.student_ids["room1"][0]
    check_id = absent(twilio_app, school)
    run_pass(twilio_app, at(8, 20))
    with twilio_app.app_context():
        factories.change_attendance(check_id, student_id, "late", at(8, 42), at(8, 42))
    run_pass(twilio_app, at(8, 43))
    run_pass(twilio_app, at(8, 50))
    assert [row["kind"] for row in outbox(twilio_app)] == ["absence", "follow_up"]
    assert len(standin.messages) == 2 and "08:42" in standin.messages[1]["body"]
    assert standin.messages[1]["to"] == standin.messages[0]["to"]


def test_no_follow_up_when_the_school_turned_it_off(twilio_app, school, standin):
    with twilio_app.app_context():
        db.session.get(School, school.school_id).settings = {"texts": {"follow_up": False}}
        db.session.commit()
    check_id = absent(twilio_app, school)
    run_pass(twilio_app, at(8, 20))
    with twilio_app.app_context():
        factories.change_attendance(check_id, school.student_ids["room1"][0], "present",
                                    at(8, 42))
    run_pass(twilio_app, at(8, 45))
    assert [row["kind"] for row in outbox(twilio_app)] == ["absence"]


def test_a_check_edited_many_times_still_texts_once(twilio_app, school, standin):
    student_id = school.student_ids["room1"][0]
    check_id = absent(twilio_app, school)
    run_pass(twilio_app, at(8, 20))
    for minute, status in enumerate(["present", "absent"] * 5, start=21):
        with twilio_app.app_context():
            factories.change_attendance(check_id, student_id, status, at(8, minute - 20))
        run_pass(twilio_app, at(9, minute))
    assert [row["kind"] for row in outbox(twilio_app)] == ["absence", "follow_up"]


def test_siblings_sharing_a_phone_get_one_combined_text(twilio_app, school, standin):
    older, younger = school.student_ids["room1"][2], school.student_ids["room2"][3]
    with twilio_app.app_context():
        mother = db.session.get(Student, older).guardian_links[0].guardian
        db.session.get(Student, younger).guardian_links[0].guardian.phone_e164 = (
            mother.phone_e164)
        db.session.commit()
    absent(twilio_app, school, students=[older])
    absent(twilio_app, school, students=[younger], room="room2")
    run_pass(twilio_app, at(8, 30))
    [message] = standin.messages
    assert "学生03" in message["body"] and "学生04" in message["body"]
    assert "九年级1班、九年级2班" in message["body"]
    [row] = outbox(twilio_app)
    assert sorted(row["students"]) == sorted([older, younger])


def test_first_reachable_guardian_or_all(twilio_app, school, standin):
    with twilio_app.app_context():
        pupil = db.session.get(Student, school.student_ids["room1"][0])
        second = Guardian(school_id=school.school_id, name="父亲", phone_e164="+8613900000002")
        pupil.guardian_links.append(StudentGuardian(guardian=second, contact_order=2))
        pupil.guardian_links[0].guardian.opted_out_at = at(7, 0)
        db.session.commit()
    absent(twilio_app, school)
    run_pass(twilio_app, at(8, 20))
    assert [m["to"] for m in standin.messages] == ["+8613900000002"]


def test_all_guardians_when_the_school_says_so(twilio_app, school, standin):
    with twilio_app.app_context():
        db.session.get(School, school.school_id).settings = {"texts": {"fan_out": "all"}}
        pupil = db.session.get(Student, school.student_ids["room1"][0])
        pupil.guardian_links.append(StudentGuardian(
            guardian=Guardian(school_id=school.school_id, name="父亲",
                              phone_e164="+8613900000002", absence_texts=True),
            contact_order=2))
        pupil.guardian_links.append(StudentGuardian(
            guardian=Guardian(school_id=school.school_id, name="祖母",
                              phone_e164="+8613900000003", absence_texts=False),
            contact_order=3))
        db.session.commit()
    absent(twilio_app, school)
    run_pass(twilio_app, at(8, 20))
    assert len(standin.messages) == 2
    assert "+8613900000003" not in {m["to"] for m in standin.messages}


def test_english_speaking_guardians_get_the_english_template(twilio_app, school, standin):
    with twilio_app.app_context():
        pupil = db.session.get(Student, school.student_ids["room1"][0])
        pupil.guardian_links[0].guardian.language = "en"
        db.session.commit()
    absent(twilio_app, school)
    run_pass(twilio_app, at(8, 20))
    assert standin.messages[0]["body"].startswith("测试中学: 学生01 (九年级1班) is not at school")


def test_nothing_is_sent_outside_the_window_and_due_texts_wait(twilio_app, school, standin):
    absent(twilio_app, school, submitted=at(6, 30))
    run_pass(twilio_app, at(6, 59))
    assert standin.messages == [] and outbox(twilio_app) == []
    run_pass(twilio_app, at(7, 0))
    assert len(standin.messages) == 1


def test_the_school_window_overrides_the_default(twilio_app, school, standin):
    with twilio_app.app_context():
        db.session.get(School, school.school_id).sms_window = "09:00-17:00"
        db.session.commit()
    absent(twilio_app, school)
    run_pass(twilio_app, at(8, 30))
    assert standin.messages == []
    run_pass(twilio_app, at(9, 0))
    assert len(standin.messages) == 1


def test_a_fixed_daily_send_time(twilio_app, school, standin):
    with twilio_app.app_context():
        db.session.get(School, school.school_id).settings = {"texts": {"send_time": "09:30"}}
        db.session.commit()
    absent(twilio_app, school)
    run_pass(twilio_app, at(9, 29))
    assert standin.messages == []
    run_pass(twilio_app, at(9, 30))
    assert len(standin.messages) == 1


def test_the_school_delay_overrides_the_default(twilio_app, school, standin):
    with twilio_app.app_context():
        db.session.get(School, school.school_id).alert_delay_minutes = 40
        db.session.commit()
    absent(twilio_app, school)
    run_pass(twilio_app, at(8, 39))
    assert standin.messages == []
    run_pass(twilio_app, at(8, 40))
    assert len(standin.messages) == 1


def test_the_database_refuses_a_second_absence_text(twilio_app, school, standin):
    absent(twilio_app, school)
    run_pass(twilio_app, at(8, 20))
    [row] = outbox(twilio_app)
    with twilio_app.app_context():
        text = OutboxText(school_id=school.school_id, school_date=MONDAY, kind="absence",
                          to_e164=row["to"], body="again")
        text.students = [OutboxStudent(student_id=row["students"][0], school_date=MONDAY,
                                       kind="absence", to_e164=row["to"])]
        db.session.add(text)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_without_a_provider_texts_are_recorded_as_not_sent(make_app, school, caplog):
    app = make_app()
    absent(app, school)
    phone = first_phone(app, school.student_ids["room1"][0])
    with caplog.at_level(logging.INFO):
        run_pass(app, at(8, 20))
    [row] = outbox(app)
    assert row["status"] == "not_sent" and row["sid"] is None
    assert "not sent" in caplog.text and phone[-4:] in caplog.text
    assert phone not in caplog.text and row["body"] not in caplog.text


def test_sending_through_twilio_logs_no_phone_number_or_body(twilio_app, school, standin,
                                                             caplog):
    absent(twilio_app, school)
    with caplog.at_level(logging.DEBUG):
        run_pass(twilio_app, at(8, 20))
    [message] = standin.messages
    assert caplog.records, "the pass logs what it did"
    assert message["to"] not in caplog.text and message["to"][-4:] in caplog.text
    assert message["body"] not in caplog.text and "学生01" not in caplog.text
