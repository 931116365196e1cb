"""What staff see and set: the office's list of texts, services for the board, settings."""

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.jobs import attendance_reminders, commands
from rollcall.jobs.absence_texts import queue_due_texts
from rollcall.models import AuditLog, School, User
from rollcall.notify import services
from rollcall.notify.models import OutboxText, TeacherReminder
from rollcall.notify.settings import segments
from tests import factories, notify_support
from tests.notify_support import MONDAY, at, outbox, run_pass

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app


@pytest.fixture
def two_texts(twilio_app, school, standin):
    """Two absences in room 1; the second guardian's number is invalid."""
    first, second = school.student_ids["room1"][:2]
    with twilio_app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY,
                                   {first: "absent", second: "absent"}, at(8, 0))
        bad = db.session.get(factories.Student, second).guardian_links[0].guardian.phone_e164
    standin.permanent[bad] = 21211
    run_pass(twilio_app, at(8, 20))
    return first, second


def test_the_office_sees_every_text_and_call_this_parent_on_failure(twilio_app, two_texts,
                                                                    login_as):
    page = login_as("office").get("/office/texts?day=2026-11-23").get_data(as_text=True)
    assert page.count('class="text-card') == 2
    assert "学生01" in page and "学生02" in page
    assert page.count("call-this-parent") == 1


def test_the_office_list_defaults_to_today_and_rejects_a_bad_day(twilio_app, two_texts,
                                                                 login_as):
    client = login_as("office")
    with clock.frozen(at(9, 0)):
        assert client.get("/office/texts").get_data(as_text=True).count('class="text-card') == 2
    assert client.get("/office/texts?day=2026-13-01").status_code == 400


def test_another_school_sees_none_of_it(twilio_app, two_texts, login_as):
    page = login_as("other_office").get("/office/texts?day=2026-11-23").get_data(as_text=True)
    assert "text-card" not in page


def test_a_teacher_sees_only_their_own_classs_texts(twilio_app, two_texts, login_as, school):
    room1, room2 = school.homeroom_ids["room1"], school.homeroom_ids["room2"]
    page = login_as("teacher").get(f"/homerooms/{room1}/texts?day=2026-11-23")
    assert page.get_data(as_text=True).count('class="text-card') == 2
    assert login_as("teacher").get(f"/homerooms/{room2}/texts").status_code == 404


def test_absence_text_statuses_for_the_office_board(twilio_app, two_texts, school):
    first, second = two_texts
    with twilio_app.app_context():
        statuses = services.absence_text_statuses(school.school_id, MONDAY)
    assert statuses[first].status == "submitted" and not statuses[first].call_parent
    assert statuses[second].status == "failed" and statuses[second].call_parent
    assert set(statuses) == {first, second}


@pytest.mark.parametrize(("older", "newer", "expected"), [
    ("failed", "delivered", ("delivered", False)),
    ("delivered", "failed", ("delivered", False)),
    ("undelivered", "sent", ("sent", False)),
    ("sent", "undelivered", ("sent", False)),
    ("failed", "undelivered", (None, True)),
    ("undelivered", "failed", (None, True)),
])
def test_the_board_status_is_the_best_of_the_texts_to_all_guardians(
        app, school, older, newer, expected):
    student_id = school.student_ids["room1"][0]
    with app.app_context():
        for minute, (status, phone) in enumerate([(older, "+8613800000001"),
                                                  (newer, "+8613800000002")]):
            text = OutboxText(school_id=school.school_id, school_date=MONDAY, kind="absence",
                              to_e164=phone, body="x", status=status,
                              created_at=at(8, 20 + minute))
            text.students.append(services.OutboxStudent(
                student_id=student_id, school_date=MONDAY, kind="absence", to_e164=phone))
            db.session.add(text)
        db.session.commit()
        found = services.absence_text_statuses(school.school_id, MONDAY)[student_id]
    status, call_parent = expected
    assert found.call_parent is call_parent
    assert found.status == status or status is None and found.status in {"failed", "undelivered"}


def test_overdue_attendance_reminds_the_teacher_once(twilio_app, school, standin):
    with twilio_app.app_context():
        db.session.get(User, school.user_ids["teacher"]).phone_e164 = "+8613911112222"
        db.session.commit()
        factories.attendance_check(school.homeroom_ids["room2"], MONDAY, {}, at(8, 0))
        main = db.session.get(School, school.school_id)
        with clock.frozen(at(8, 9)):
            assert attendance_reminders.remind_overdue_teachers(main) == 0
        with clock.frozen(at(8, 10)):
            assert attendance_reminders.remind_overdue_teachers(main) == 1
            assert attendance_reminders.remind_overdue_teachers(main) == 0
        [reminder] = services.overdue_reminders(school.school_id, MONDAY)
        assert reminder.homeroom_id == school.homeroom_ids["room1"]
        assert db.session.scalar(db.select(db.func.count()).select_from(TeacherReminder)) == 1
    run_pass(twilio_app, at(8, 11))
    [message] = standin.messages
    assert message["to"] == "+8613911112222"
    # A +86 number may not carry a link: the text names the class and the page instead.
    assert message["body"].endswith("请尽快填写：平安点名 › 今天 › 九年级1班 › 考勤")
    assert "http" not in message["body"] and message["body"].startswith("【测试中学】")


def test_a_reminder_to_a_number_outside_the_mainland_links_to_the_page(twilio_app, school,
                                                                     standin):
    with twilio_app.app_context():
        db.session.get(User, school.user_ids["teacher"]).phone_e164 = "+85291234567"
        db.session.commit()
        with clock.frozen(at(8, 10)):
            attendance_reminders.remind_overdue_teachers(db.session.get(School, school.school_id))
    run_pass(twilio_app, at(8, 11))
    [message] = standin.messages
    assert message["body"].endswith(
        f"https://rollcall.example.edu/homerooms/{school.homeroom_ids['room1']}"
        "/checks/2026-11-23/attendance")


@pytest.mark.parametrize(("text", "encoding", "count"), [
    ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2),
    ("{" * 80, "GSM-7", 1), ("{" * 81, "GSM-7", 2),
    ("中" * 70, "UCS-2", 1), ("中" * 71, "UCS-2", 2), ("中" * 134, "UCS-2", 2),
    ("中" * 135, "UCS-2", 3), ("", "GSM-7", 0),
])
def test_segment_counts(text, encoding, count):
    result = segments(text)
    assert (result.encoding, result.count) == (encoding, count)


def test_the_settings_page_previews_the_default_templates(login_as):
    page = login_as("admin").get("/admin/text-settings").get_data(as_text=True)
    assert "张小明（九年级1班）" in page and "UCS-2" in page and "GSM-7" not in page.split(
        "absence_en")[0]


def test_an_admin_saves_the_text_settings_with_an_audit(app, login_as, school):
    response = login_as("admin").post("/admin/text-settings", data={
        "alert_delay_minutes": "20", "sms_window": "07:30-20:00", "send_time": "",
        "fan_out": "all", "follow_up": "", "absence_zh": "{student}今天没来。",
        "absence_en": "", "follow_up_zh": "", "follow_up_en": "",
    })
    assert response.status_code == 302
    with app.app_context():
        main = db.session.get(School, school.school_id)
        assert (main.alert_delay_minutes, main.sms_window) == (20, "07:30-20:00")
        assert main.settings["texts"] == {"fan_out": "all", "follow_up": False, "templates": {
            "absence": {"zh_Hans": "{student}今天没来。"}}}
        audit = db.session.scalar(db.select(AuditLog).where(
            AuditLog.action == "school.text_settings"))
        assert audit.before["alert_delay_minutes"] is None
        assert audit.after["alert_delay_minutes"] == 20


def test_preview_shows_the_typed_template_without_saving(app, login_as, school):
    page = login_as("admin").post("/admin/text-settings", data={
        "preview": "1", "fan_out": "first", "absence_zh": "{student}今天没来" + "。" * 70,
    }).get_data(as_text=True)
    assert "张小明今天没来" in page and "2 条短信 · UCS-2 · 77 个字符" in page
    with app.app_context():
        assert db.session.get(School, school.school_id).settings == {}


@pytest.mark.parametrize(("field", "value"), [
    ("sms_window", "21:00-07:00"), ("sms_window", "7-9"), ("send_time", "25:00"),
    ("alert_delay_minutes", "-1"), ("alert_delay_minutes", "abc"),
    ("absence_zh", "{studnet}没来"), ("absence_en", "{student"), ("fan_out", "everyone"),
])
def test_bad_settings_are_refused_and_nothing_is_saved(app, login_as, school, field, value):
    data = {"fan_out": "first", field: value}
    response = login_as("admin").post("/admin/text-settings", data=data)
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    with app.app_context():
        main = db.session.get(School, school.school_id)
        assert (main.settings, main.sms_window, main.alert_delay_minutes) == ({}, None, None)


def test_texts_queued_for_a_past_day_are_cancelled(twilio_app, school, standin):
    with twilio_app.app_context():
        db.session.add(OutboxText(school_id=school.school_id, school_date=MONDAY, kind="absence",
                                  to_e164="+8613800000000", body="x"))
        db.session.commit()
    run_pass(twilio_app, at(8, 0, MONDAY.replace(day=24)))
    assert outbox(twilio_app)[0]["status"] == "cancelled" and standin.messages == []


def test_the_demo_school_has_past_texts_for_the_office(app, runner):
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        rows = db.session.execute(db.select(OutboxText.status, OutboxText.school_date)).all()
    assert {status for status, _ in rows} == {"delivered", "failed"}
    client = app.test_client()
    client.post("/login", data={"username": "office1", "password": "rollcall-demo"})
    page = client.get(f"/office/texts?day={rows[0][1].isoformat()}").get_data(as_text=True)
    assert "text-card" in page


# --- review fixes: Twilio without PUBLIC_BASE_URL never hears about undelivered texts -----

@pytest.mark.parametrize(("twilio", "base_url", "warned"), [
    (True, "", True), (True, "https://rollcall.example.edu", False), (False, "", False),
])
def test_a_missing_public_base_url_is_warned_about(make_app, school, standin, monkeypatch,
                                                   twilio, base_url, warned):
    config = notify_support.twilio_config(standin.base_url, PUBLIC_BASE_URL=base_url)
    app = make_app(**(config if twilio else {"PUBLIC_BASE_URL": base_url}))
    monkeypatch.setattr(commands, "run_scheduler", lambda announce: announce("started"))
    runner = app.test_cli_runner()
    for command in ("send-alerts", "scheduler"):
        with clock.frozen(at(7, 0)):
            result = runner.invoke(args=[command])
        assert result.exit_code == 0, result.output
        assert ("PUBLIC_BASE_URL" in result.output) is warned
    client = app.test_client()
    client.post("/login", data={"username": school.usernames["office"],
                                "password": factories.PASSWORD})
    page = client.get("/office/texts?day=2026-11-23").get_data(as_text=True)
    assert ("callbacks-missing" in page) is warned


def test_the_office_reads_why_a_text_was_cancelled(twilio_app, school, standin):
    with twilio_app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY,
                                   {school.student_ids["room1"][0]: "absent"}, at(8, 0))
        with clock.frozen(at(8, 20)):
            queue_due_texts(db.session.get(School, school.school_id))
        db.session.scalar(db.select(OutboxText)).guardian.opted_out_at = at(8, 20)
        db.session.commit()
    run_pass(twilio_app, at(8, 21))
    client = twilio_app.test_client()
    client.post("/login", data={"username": school.usernames["office"],
                                "password": factories.PASSWORD})
    page = client.get("/office/texts?day=2026-11-23").get_data(as_text=True)
    assert 'data-status="cancelled"' in page and standin.messages == []
    assert "已不能接收短信（回复了 STOP" in page and "无需再发" not in page
