"""Parent texts end to end: stored attendance → outbox → the real Twilio or Aliyun client →
its stand-in. Tests taking `sms_app` run once per provider; `twilio_app` ones are Twilio's own."""

import logging
from datetime import time

import pytest
from sqlalchemy.exc import IntegrityError

from rollcall import clock
from rollcall.extensions import db
from rollcall.jobs.absence_texts import queue_due_texts
from rollcall.models import Guardian, School, Student, StudentGuardian
from rollcall.notify import services
from rollcall.notify.models import OutboxStudent, OutboxText
from rollcall.notify.settings import parse_window
from rollcall.phones import mask
from tests import factories, notify_support
from tests.notify_support import MONDAY, at, outbox, run_pass

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app
provider = notify_support.provider
sms_standin = notify_support.sms_standin
sms_app = notify_support.sms_app


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


def test_an_absence_is_texted_once_after_the_delay(sms_app, school, sms_standin):
    absent(sms_app, school)
    run_pass(sms_app, at(8, 14))
    assert sms_standin.messages == []
    run_pass(sms_app, at(8, 15))
    run_pass(sms_app, at(8, 20))
    phone = first_phone(sms_app, school.student_ids["room1"][0])
    assert [m["to"] for m in sms_standin.messages] == [phone]
    body = sms_standin.messages[0]["body"]
    assert "学生01" in body and "九年级1班" in body
    [row] = outbox(sms_app)
    assert row["status"] == "submitted" and row["sid"] == sms_standin.messages[0]["sid"]


def test_the_status_callback_url_is_built_from_the_public_base_url(twilio_app, school, standin):
    absent(twilio_app, school)
    run_pass(twilio_app, at(8, 30))
    [row] = outbox(twilio_app)
    assert standin.messages[0]["status_callback"] == (
        f"https://rollcall.example.edu/twilio/status?text={row['id']}")


def test_excused_absences_never_text(sms_app, school, sms_standin):
    absent(sms_app, school, status="excused")
    run_pass(sms_app, at(9, 0))
    assert sms_standin.messages == [] and outbox(sms_app) == []


def test_a_correction_before_the_delay_means_no_text(sms_app, school, sms_standin):
    check_id = absent(sms_app, school)
    with sms_app.app_context():
        factories.change_attendance(check_id, school.student_ids["room1"][0], "present",
                                    at(8, 5))
    run_pass(sms_app, at(8, 30))
    assert sms_standin.messages == [] and outbox(sms_app) == []


def test_an_absence_noted_in_a_later_edit_waits_its_own_delay(sms_app, school, sms_standin):
    check_id = absent(sms_app, school, students=[school.student_ids["room1"][1]],
                      status="present")
    with sms_app.app_context():
        factories.change_attendance(check_id, school.student_ids["room1"][1], "absent",
                                    at(8, 20))
    run_pass(sms_app, at(8, 30))
    assert sms_standin.messages == []
    run_pass(sms_app, at(8, 35))
    assert len(sms_standin.messages) == 1


def test_only_todays_absences_text(sms_app, school, sms_standin):
    absent(sms_app, school, day=MONDAY.replace(day=20), submitted=at(8, 0, MONDAY.replace(
        day=20)))
    run_pass(sms_app, at(9, 0))
    assert sms_standin.messages == []


def test_a_late_arrival_after_the_text_gets_one_follow_up(sms_app, school, sms_standin):
    student_id = school.student_ids["room1"][0]
    check_id = absent(sms_app, school)
    run_pass(sms_app, at(8, 20))
    with sms_app.app_context():
        factories.change_attendance(check_id, student_id, "late", at(8, 42), at(8, 42))
    run_pass(sms_app, at(8, 43))
    run_pass(sms_app, at(8, 50))
    assert [row["kind"] for row in outbox(sms_app)] == ["absence", "follow_up"]
    assert len(sms_standin.messages) == 2 and "08:42" in sms_standin.messages[1]["body"]
    assert sms_standin.messages[1]["to"] == sms_standin.messages[0]["to"]


def test_no_follow_up_when_the_school_turned_it_off(sms_app, school, sms_standin):
    with sms_app.app_context():
        db.session.get(School, school.school_id).settings = {"texts": {"follow_up": False}}
        db.session.commit()
    check_id = absent(sms_app, school)
    run_pass(sms_app, at(8, 20))
    with sms_app.app_context():
        factories.change_attendance(check_id, school.student_ids["room1"][0], "present",
                                    at(8, 42))
    run_pass(sms_app, at(8, 45))
    assert [row["kind"] for row in outbox(sms_app)] == ["absence"]


def test_a_check_edited_many_times_still_texts_once(sms_app, school, sms_standin):
    student_id = school.student_ids["room1"][0]
    check_id = absent(sms_app, school)
    run_pass(sms_app, at(8, 20))
    for minute, status in enumerate(["present", "absent"] * 5, start=21):
        with sms_app.app_context():
            factories.change_attendance(check_id, student_id, status, at(8, minute - 20))
        run_pass(sms_app, at(9, minute))
    assert [row["kind"] for row in outbox(sms_app)] == ["absence", "follow_up"]


def test_siblings_sharing_a_phone_get_one_combined_text(sms_app, school, sms_standin):
    older, younger = school.student_ids["room1"][2], school.student_ids["room2"][3]
    with sms_app.app_context():
        mother = db.session.get(Student, older).guardian_links[0].guardian
        db.session.get(Student, younger).guardian_links[0].guardian.phone_e164 = (
            mother.phone_e164)
        db.session.commit()
    absent(sms_app, school, students=[older])
    absent(sms_app, school, students=[younger], room="room2")
    run_pass(sms_app, at(8, 30))
    [message] = sms_standin.messages
    assert "学生03" in message["body"] and "学生04" in message["body"]
    assert "九年级1班、九年级2班" in message["body"]
    [row] = outbox(sms_app)
    assert sorted(row["students"]) == sorted([older, younger])


def test_first_reachable_guardian_or_all(sms_app, school, sms_standin):
    with sms_app.app_context():
        pupil = db.session.get(Student, school.student_ids["room1"][0])
        second = Guardian(school_id=school.school_id, name="父亲", phone_e164="+8613900000002")
        pupil.guardian_links.append(StudentGuardian(guardian=second, contact_order=2))
        pupil.guardian_links[0].guardian.opted_out_at = at(7, 0)
        db.session.commit()
    absent(sms_app, school)
    run_pass(sms_app, at(8, 20))
    assert [m["to"] for m in sms_standin.messages] == ["+8613900000002"]


def test_a_landline_is_never_texted_and_the_next_guardians_mobile_is(sms_app, school,
                                                                     sms_standin):
    """The first guardian's number is a Beijing landline (kept for calls, saved with a
    warning): the first guardian who can take a text is the father's mobile."""
    with sms_app.app_context():
        pupil = db.session.get(Student, school.student_ids["room1"][0])
        pupil.guardian_links[0].guardian.phone_e164 = "+861062345678"
        second = Guardian(school_id=school.school_id, name="父亲", phone_e164="+8613900000002")
        pupil.guardian_links.append(StudentGuardian(guardian=second, contact_order=2))
        db.session.commit()
    absent(sms_app, school)
    run_pass(sms_app, at(8, 20))
    assert [m["to"] for m in sms_standin.messages] == ["+8613900000002"]


def test_all_guardians_when_the_school_says_so(sms_app, school, sms_standin):
    with sms_app.app_context():
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
    absent(sms_app, school)
    run_pass(sms_app, at(8, 20))
    assert len(sms_standin.messages) == 2
    assert "+8613900000003" not in {m["to"] for m in sms_standin.messages}


def test_english_speaking_guardians_get_the_english_template(twilio_app, school, standin):
    with twilio_app.app_context():
        pupil = db.session.get(Student, school.student_ids["room1"][0])
        pupil.guardian_links[0].guardian.language = "en"
        db.session.commit()
    absent(twilio_app, school)
    run_pass(twilio_app, at(8, 20))
    # A +86 number: the signature 【…】 comes first, as mainland carriers require.
    assert standin.messages[0]["body"].startswith("【测试中学】学生01 (九年级1班) is not at school")


def test_nothing_is_sent_outside_the_window_and_due_texts_wait(sms_app, school, sms_standin):
    absent(sms_app, school, submitted=at(6, 30))
    run_pass(sms_app, at(6, 59))
    assert sms_standin.messages == [] and outbox(sms_app) == []
    run_pass(sms_app, at(7, 0))
    assert len(sms_standin.messages) == 1


def test_the_school_window_overrides_the_default(sms_app, school, sms_standin):
    with sms_app.app_context():
        db.session.get(School, school.school_id).sms_window = "09:00-17:00"
        db.session.commit()
    absent(sms_app, school)
    run_pass(sms_app, at(8, 30))
    assert sms_standin.messages == []
    run_pass(sms_app, at(9, 0))
    assert len(sms_standin.messages) == 1


def test_a_fixed_daily_send_time(sms_app, school, sms_standin):
    with sms_app.app_context():
        db.session.get(School, school.school_id).settings = {"texts": {"send_time": "09:30"}}
        db.session.commit()
    absent(sms_app, school)
    run_pass(sms_app, at(9, 29))
    assert sms_standin.messages == []
    run_pass(sms_app, at(9, 30))
    assert len(sms_standin.messages) == 1


def test_the_school_delay_overrides_the_default(sms_app, school, sms_standin):
    with sms_app.app_context():
        db.session.get(School, school.school_id).alert_delay_minutes = 40
        db.session.commit()
    absent(sms_app, school)
    run_pass(sms_app, at(8, 39))
    assert sms_standin.messages == []
    run_pass(sms_app, at(8, 40))
    assert len(sms_standin.messages) == 1


def test_the_database_refuses_a_second_absence_text(sms_app, school, sms_standin):
    absent(sms_app, school)
    run_pass(sms_app, at(8, 20))
    [row] = outbox(sms_app)
    with sms_app.app_context():
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
    assert "not sent" in caplog.text and mask(phone) in caplog.text
    assert phone not in caplog.text and row["body"] not in caplog.text


def test_sending_logs_no_phone_number_or_body(sms_app, school, sms_standin,
                                                             caplog):
    absent(sms_app, school)
    with caplog.at_level(logging.DEBUG):
        run_pass(sms_app, at(8, 20))
    [message] = sms_standin.messages
    assert caplog.records, "the pass logs what it did"
    assert message["to"] not in caplog.text and mask(message["to"]) in caplog.text
    assert message["body"] not in caplog.text and "学生01" not in caplog.text


# --- review fixes: STOP and the office's switch hold for follow-ups and queued texts -----

def stop_texts(app, phone, how):
    """The guardian with this phone can no longer receive texts, in one of three ways."""
    with app.app_context():
        if how == "replied STOP":
            services.handle_inbound(phone, "STOP", "SMreply" + phone[-4:])
        else:
            guardian = db.session.scalar(db.select(Guardian).where(Guardian.phone_e164 == phone))
            setattr(guardian, *{"absence texts off": ("absence_texts", False),
                                "no consent": ("sms_consent", False)}[how])
            db.session.commit()
        db.session.remove()


STOPPED_WAYS = ["replied STOP", "absence texts off", "no consent"]


@pytest.mark.parametrize("how", STOPPED_WAYS)
def test_no_follow_up_to_a_parent_who_can_no_longer_receive_texts(sms_app, school, sms_standin,
                                                                  how):
    student_id = school.student_ids["room1"][0]
    check_id = absent(sms_app, school)
    run_pass(sms_app, at(8, 20))
    stop_texts(sms_app, sms_standin.messages[0]["to"], how)
    with sms_app.app_context():
        factories.change_attendance(check_id, student_id, "late", at(8, 42), at(8, 42))
    run_pass(sms_app, at(8, 43))
    assert [row["kind"] for row in outbox(sms_app)] == ["absence"]
    assert len(sms_standin.messages) == 1


@pytest.mark.parametrize("how", STOPPED_WAYS)
def test_a_queued_text_is_cancelled_when_the_parent_can_no_longer_receive_texts(
        sms_app, school, sms_standin, how):
    absent(sms_app, school)
    with sms_app.app_context(), clock.frozen(at(8, 20)):
        assert queue_due_texts(db.session.get(School, school.school_id)) == 1
        db.session.remove()
    [queued] = outbox(sms_app)
    stop_texts(sms_app, queued["to"], how)
    queued_count, stats = run_pass(sms_app, at(8, 21))
    [row] = outbox(sms_app)
    assert sms_standin.messages == [] and row["status"] == "cancelled"
    assert (queued_count, stats.cancelled, stats.sent) == (0, 1, 0)


def test_a_text_that_may_be_at_the_provider_is_not_cancelled(sms_app, school, sms_standin):
    absent(sms_app, school)
    sms_standin.fail_next("500-after-create")  # the provider has it, but the answer was lost
    run_pass(sms_app, at(8, 20))
    assert outbox(sms_app)[0]["status"] == "queued"
    stop_texts(sms_app, sms_standin.messages[0]["to"], "absence texts off")
    run_pass(sms_app, at(8, 30))
    [row] = outbox(sms_app)
    assert row["status"] == "submitted" and sms_standin.holds(row, sms_standin.messages[0])
    assert len(sms_standin.messages) == 1


# --- review fixes: one school's bad settings never stop the others ------------------------

@pytest.mark.parametrize(("window", "send_time"), [
    ("bogus", None), ("21:00-07:00", None), ("07:00-25:00", None), ("07:00", None),
    (None, "9h30"),
])
def test_a_school_with_invalid_settings_is_skipped_and_the_others_still_text(
        sms_app, school, sms_standin, caplog, window, send_time):
    with sms_app.app_context():
        other = db.session.get(School, school.other_school_id)
        other.sms_window = window
        other.settings = {"texts": {"send_time": send_time}} if send_time else {}
        db.session.commit()
        factories.attendance_check(school.homeroom_ids["other"], MONDAY,
                                   {school.student_ids["other"][0]: "absent"}, at(8, 0))
    absent(sms_app, school)
    with caplog.at_level(logging.ERROR):
        run_pass(sms_app, at(8, 20))
    assert [m["body"][:6] for m in sms_standin.messages] == ["【测试中学】"]
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert f"school {school.other_school_id} skipped" in line and "\n" not in line
    assert (window or send_time) not in line


def test_the_always_window_is_accepted():
    assert parse_window("00:00-24:00") == (time(0, 0), None)


# --- review fixes: siblings in classes that submit at different times ---------------------

def siblings(app, school):
    """学生03 of room 1 and 学生04 of room 2 share their mother's phone."""
    older, younger = school.student_ids["room1"][2], school.student_ids["room2"][3]
    with app.app_context():
        mother = db.session.get(Student, older).guardian_links[0].guardian
        db.session.get(Student, younger).guardian_links[0].guardian.phone_e164 = (
            mother.phone_e164)
        db.session.commit()
    return older, younger


def test_siblings_whose_classes_submit_ten_minutes_apart_get_one_text(sms_app, school,
                                                                      sms_standin):
    older, younger = siblings(sms_app, school)
    absent(sms_app, school, students=[older], submitted=at(8, 0))
    absent(sms_app, school, students=[younger], room="room2", submitted=at(8, 10))
    for minute in (15, 20, 25, 30):
        run_pass(sms_app, at(8, minute))
    [message] = sms_standin.messages
    assert "学生03" in message["body"] and "学生04" in message["body"]
    [row] = outbox(sms_app)
    assert sorted(row["students"]) == sorted([older, younger])


@pytest.mark.parametrize("status", ["excused", "present"])
def test_a_sibling_not_absent_is_not_named(sms_app, school, sms_standin, status):
    older, younger = siblings(sms_app, school)
    absent(sms_app, school, students=[older], submitted=at(8, 0))
    absent(sms_app, school, students=[younger], room="room2", submitted=at(8, 10),
           status=status)
    run_pass(sms_app, at(8, 15))
    run_pass(sms_app, at(8, 30))
    [message] = sms_standin.messages
    assert "学生03" in message["body"] and "学生04" not in message["body"]


def test_a_sibling_absent_after_the_text_went_still_gets_their_own(sms_app, school,
                                                                   sms_standin):
    older, younger = siblings(sms_app, school)
    absent(sms_app, school, students=[older], submitted=at(8, 0))
    run_pass(sms_app, at(8, 15))
    absent(sms_app, school, students=[younger], room="room2", submitted=at(8, 20))
    run_pass(sms_app, at(8, 30))
    run_pass(sms_app, at(8, 35))
    assert ["学生04" in m["body"] for m in sms_standin.messages] == [False, True]
