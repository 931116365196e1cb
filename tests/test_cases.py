"""Missing-student cases: the three triggers, the texts to the on-duty phones, the board,
Today, the timeline, and closing with an outcome and a note."""

import pytest

from rollcall import clock
from rollcall.cases import services as cases
from rollcall.cases.models import CaseEvent, CaseText, MissingCase
from rollcall.extensions import db
from rollcall.jobs import minute_pass
from rollcall.models import AuditLog, School
from rollcall.notify.models import OutboxText, TextStatus
from tests import factories, notify_support
from tests.checks_support import DAY, at, check_url, page, school_time, table_rows

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app
DUTY = ["+8613900000001", "+8613900000002"]
EN = {"Accept-Language": "en"}


def set_duty_phones(app, school, phones=DUTY, unreached_by="10:00"):
    with app.app_context():
        main = db.session.get(School, school.school_id)
        main.settings = {**(main.settings or {}),
                         "cases": {"duty_phones": list(phones), "unreached_by": unreached_by}}
        db.session.commit()


def snapshot(app) -> tuple:
    """Everything a case write could touch."""
    return (table_rows(app, MissingCase), table_rows(app, CaseEvent), table_rows(app, CaseText),
            len(table_rows(app, AuditLog)))


def mark_absent(client, school, student_id):
    response = client.post(check_url(school, "attendance"), data={f"s{student_id}": "absent"})
    assert response.status_code == 302


def log_unaware(client, school, student_id):
    return client.post(check_url(school, "attendance") + "/contacts", data={
        "student_id": student_id, "person": "母亲", "method": "phone", "outcome": "unaware",
        "contacted_at": "08:20", "note": "母亲以为孩子在学校"})


def open_case(app, login_as, school):
    """A case raised the way a teacher raises it: the family did not know."""
    set_duty_phones(app, school)
    teacher = login_as("teacher")
    student = school.student_ids["room1"][2]
    with school_time(8, 20):
        mark_absent(teacher, school, student)
        assert log_unaware(teacher, school, student).status_code == 302
    [case] = table_rows(app, MissingCase)
    return case


# --- The three triggers ----------------------------------------------------------------------

def test_a_family_that_did_not_know_raises_a_case_texted_once_to_each_duty_phone(
        app, twilio_app, login_as, school, standin):
    case = open_case(app, login_as, school)
    assert case["trigger"] == "family_unaware" and case["closed_at"] is None
    with school_time(8, 21):  # the teacher logs the same thing again: nothing new
        log_unaware(login_as("teacher"), school, school.student_ids["room1"][2])
    with twilio_app.app_context(), clock.frozen(at(8, 22)):
        minute_pass.send_pass()
    with twilio_app.app_context(), clock.frozen(at(8, 30)):
        minute_pass.send_pass()
    texts = [t for t in notify_support.outbox(app) if t["kind"] == "missing_student"]
    assert sorted(t["to"] for t in texts) == DUTY
    assert {t["status"] for t in texts} == {TextStatus.SUBMITTED}, texts
    for phone in DUTY:
        [sent] = standin.sent_to(phone)
        assert "学生失联" in sent["body"] and "学生03" in sent["body"]
        # A +86 phone: no link (the carriers' rule), the page named instead.
        assert sent["body"].endswith("请跟进：平安点名 › 学生失联")
        assert "/cases/" not in sent["body"]
    assert len(table_rows(app, MissingCase)) == 1
    [event] = table_rows(app, CaseEvent)
    assert event["kind"] == "opened" and event["note"] == "母亲以为孩子在学校"


def test_a_student_not_found_at_the_dismissal_sweep_raises_a_case(app, login_as, school):
    set_duty_phones(app, school)
    student = school.student_ids["room1"][1]
    with school_time(17, 10):
        response = login_as("teacher").post(check_url(school, "dismissal"),
                                            data={f"s{student}": "not_found"})
    assert response.status_code == 302
    [case] = table_rows(app, MissingCase)
    assert case["student_id"] == student and case["trigger"] == "not_found"
    assert sorted(t["to"] for t in notify_support.outbox(app)) == DUTY


def test_a_broken_sending_window_does_not_stop_a_case_or_its_duty_texts(app, login_as, school):
    """Only the provider is read to queue the on-duty texts: a sending window no parser
    accepts (written outside the settings page) leaves the emergency untouched."""
    set_duty_phones(app, school)
    with app.app_context():
        db.session.get(School, school.school_id).sms_window = "whenever"
        db.session.commit()
    student = school.student_ids["room1"][1]
    with school_time(17, 10):
        response = login_as("teacher").post(check_url(school, "dismissal"),
                                            data={f"s{student}": "not_found"})
    assert response.status_code == 302
    [case] = table_rows(app, MissingCase)
    assert case["student_id"] == student
    assert sorted(t["to"] for t in notify_support.outbox(app)) == DUTY


def test_a_case_raised_after_the_sending_window_texts_the_duty_phones_at_once(
        app, twilio_app, login_as, school, standin):
    """The window (07:00-21:00) keeps parents' phones quiet at night, not the on-duty office."""
    set_duty_phones(app, school)
    missing = school.student_ids["room1"][1]
    with school_time(21, 30):
        response = login_as("teacher").post(check_url(school, "dismissal"),
                                            data={f"s{missing}": "not_found"})
    assert response.status_code == 302
    with twilio_app.app_context(), clock.frozen(at(21, 31)):
        minute_pass.send_pass()
    for phone in DUTY:
        [sent] = standin.sent_to(phone)
        assert "学生02" in sent["body"]
    assert len(standin.messages) == len(DUTY)


def test_outside_the_window_a_parents_text_left_queued_still_waits(app, twilio_app, school,
                                                                   standin):
    """Only the missing-student alert goes at any hour: a parent's text still queued when the
    window closes (a retry after a provider error, say) waits for the morning."""
    with app.app_context():
        db.session.add(OutboxText(school_id=school.school_id, school_date=DAY, kind="absence",
                                  to_e164="+8613800000009", body="x", created_at=at(20, 50),
                                  next_attempt_at=at(20, 59)))
        db.session.commit()
    with twilio_app.app_context(), clock.frozen(at(21, 30)):
        minute_pass.send_pass()
    assert standin.messages == []
    assert [t["status"] for t in notify_support.outbox(app)] == [TextStatus.QUEUED]


def test_an_absence_nobody_reached_by_the_set_time_raises_a_case(app, twilio_app, school,
                                                                  standin):
    set_duty_phones(app, school, phones=DUTY[:1])
    unreached, reached, texted = school.student_ids["room1"][:3]
    with app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], DAY,
                                   dict.fromkeys((unreached, reached, texted), "absent"),
                                   at(8, 0))
        from rollcall.family.contacts import log_contact
        from rollcall.models import Student
        log_contact(db.session.get(Student, reached), DAY, None, person="父亲",
                    method="phone", outcome="reason_given", contacted_at=at(8, 30))
    with twilio_app.app_context(), clock.frozen(at(8, 20)):
        minute_pass.send_pass()  # the absence texts go out
    with twilio_app.app_context():
        for text in db.session.scalars(db.select(OutboxText)):
            if text.students and text.students[0].student_id == texted:
                text.status = TextStatus.DELIVERED
        db.session.commit()
    with twilio_app.app_context(), clock.frozen(at(9, 59)):
        minute_pass.send_pass()
    assert table_rows(app, MissingCase) == []
    for minute in (0, 1):
        with twilio_app.app_context(), clock.frozen(at(10, minute)):
            minute_pass.send_pass()
    [case] = table_rows(app, MissingCase)
    assert case["student_id"] == unreached and case["trigger"] == "unreached"
    assert case["opened_by_id"] is None
    assert len(standin.sent_to(DUTY[0])) == 1


def test_a_second_trigger_joins_the_open_case_and_texts_nobody_again(app, login_as, school):
    open_case(app, login_as, school)
    student = school.student_ids["room1"][2]
    with app.app_context(), clock.frozen(at(10, 5)):
        from rollcall.models import Student
        assert cases.raise_case(db.session.get(Student, student), DAY, "unreached") is None
    assert len(table_rows(app, MissingCase)) == 1
    assert [e["kind"] for e in table_rows(app, CaseEvent)] == ["opened", "raised_again"]
    assert len(notify_support.outbox(app)) == len(DUTY)


# --- Where a case shows ----------------------------------------------------------------------

def test_an_open_case_is_red_at_the_top_of_the_board_across_days(app, login_as, school):
    case = open_case(app, login_as, school)
    office = login_as("office")
    for day_time in (at(8, 30), at(9, 0, DAY.replace(day=DAY.day + 1))):
        with clock.frozen(day_time):
            text = page(office.get("/office/", headers=EN))
        assert text.index("missing-cases") < text.index("check-grid")
        assert f'/cases/{case["id"]}' in text and "学生03" in text
        assert "the family was reached and did not know" in text


def test_the_teachers_today_shows_their_classs_case_and_not_another(app, login_as, school):
    case = open_case(app, login_as, school)
    with school_time(9, 0):
        mine = page(login_as("teacher").get(f"/homerooms/{school.homeroom_ids['room1']}/today"))
        other = page(login_as("teacher2").get(
            f"/homerooms/{school.homeroom_ids['room2']}/today"))
    assert f'/cases/{case["id"]}' in mine and "学生失联" in mine
    assert "missing-cases" not in other


def test_the_case_page_shows_the_timeline_and_the_texts(app, login_as, school):
    case = open_case(app, login_as, school)
    with school_time(9, 0):
        text = page(login_as("office").get(f'/cases/{case["id"]}', headers=EN))
    assert "Case opened" in text and "母亲以为孩子在学校" in text and "王老师" in text
    assert DUTY[0] in text and "Waiting to send" in text


# --- Following up and closing ----------------------------------------------------------------

def test_a_note_joins_the_timeline_with_its_author_and_an_audit_entry(app, login_as, school):
    case = open_case(app, login_as, school)
    with school_time(9, 0):
        response = login_as("office").post(f'/cases/{case["id"]}/notes',
                                           data={"note": "已通知保卫处查看监控"})
    assert response.status_code == 302
    note = table_rows(app, CaseEvent)[-1]
    assert note["kind"] == "note" and note["note"] == "已通知保卫处查看监控"
    assert note["actor_id"] == school.user_ids["office"]
    assert "case.note" in [a["action"] for a in table_rows(app, AuditLog)]


@pytest.mark.parametrize("data, field, message", [
    # The closing note has its own id: the note form above it has a "note" too.
    # The page is one form (page_forms): the closing part's fields carry its prefix.
    ({"close-outcome": "found_at_home", "close-note": "  "}, "closing-note",
     "Closing a case needs a note"),
    ({"close-outcome": "", "close-note": "在网吧找到"}, "close-outcome",
     "Choose how the case ended."),
    ({"close-outcome": "on_the_moon", "close-note": "在网吧找到"}, "close-outcome",
     "Not a valid choice"),
])
def test_closing_without_an_outcome_or_a_note_is_refused_and_writes_nothing(
        app, login_as, school, data, field, message):
    case = open_case(app, login_as, school)
    before = snapshot(app)
    with school_time(9, 0):
        response = login_as("office").post(f'/cases/{case["id"]}/close', data=data, headers=EN)
    assert response.status_code == 422
    text = page(response)
    assert f'id="{field}-error"' in text and message in text
    assert snapshot(app) == before


def test_closing_records_the_outcome_and_takes_the_case_off_the_board(app, login_as, school):
    case = open_case(app, login_as, school)
    office = login_as("office")
    with school_time(11, 0):
        response = office.post(f'/cases/{case["id"]}/close',
                               data={"close-outcome": "found_at_home",
                                     "close-note": "母亲在家找到，已回电"})
        assert response.status_code == 302
        board = page(office.get("/office/"))
        closed = page(office.get(f'/cases/{case["id"]}', headers=EN))
    [stored] = table_rows(app, MissingCase)
    assert stored["outcome"] == "found_at_home" and stored["closed_by_id"] == school.user_ids[
        "office"]
    assert "missing-cases" not in board
    assert "Found at home" in closed and "母亲在家找到，已回电" in closed
    assert "Close the case" not in closed
    audit = [a for a in table_rows(app, AuditLog) if a["action"].startswith("case.")]
    assert [a["action"] for a in audit] == ["case.open", "case.close"]
    with school_time(11, 5):
        again = office.post(f'/cases/{case["id"]}/close',
                            data={"close-outcome": "other", "close-note": "再关一次"})
    assert again.status_code == 409


# --- The admin's on-duty phones --------------------------------------------------------------

def test_the_admin_sets_the_duty_phones_and_the_time(app, login_as, school):
    response = login_as("admin").post("/admin/missing-students", data={
        "duty_phones": "139 0000 0001\n\n+86 139-0000-0002\n", "unreached_by": "09:30"})
    assert response.status_code == 302
    with app.app_context():
        settings = cases.case_settings(db.session.get(School, school.school_id))
    assert settings.duty_phones == tuple(DUTY) and settings.unreached_by.strftime(
        "%H:%M") == "09:30"
    [entry] = [a for a in table_rows(app, AuditLog) if a["action"] == "school.case_settings"]
    assert DUTY[0] not in str(entry["after"])  # masked


@pytest.mark.parametrize("data", [
    {"duty_phones": "13900000001\nnot a phone", "unreached_by": "10:00"},
    {"duty_phones": "13900000001", "unreached_by": "ten"},
])
def test_bad_duty_settings_are_refused_next_to_the_field_and_write_nothing(
        app, login_as, school, data):
    before = (table_rows(app, School), len(table_rows(app, AuditLog)))
    response = login_as("admin").post("/admin/missing-students", data=data, headers=EN)
    assert response.status_code == 422
    assert 'class="error"' in page(response)
    assert (table_rows(app, School), len(table_rows(app, AuditLog))) == before


def test_the_audit_trail_reads_the_case_changes_as_sentences(app, login_as, school):
    case = open_case(app, login_as, school)
    with school_time(9, 0):
        login_as("office").post(f'/cases/{case["id"]}/notes', data={"note": "查看监控"})
        text = page(login_as("office").get("/office/audit", headers=EN))
    assert "opened a missing-student case" in text
    assert "added a note to a missing-student case" in text
