"""A student at the bag check at morning reading who is gone by first class (离校未归): recorded
as what it is, the bag record kept, the family texted at once, and a family that does not know
(or does not answer) opens a missing-student case."""

import html

import pytest

from rollcall import clock
from rollcall.api import tokens
from rollcall.cases.models import MissingCase
from rollcall.checks.models import Check, CheckKind
from rollcall.extensions import db
from rollcall.jobs import minute_pass
from rollcall.models import School
from rollcall.notify.services import absence_text_statuses
from tests import notify_support
from tests.checks_support import DAY, at, check_url, homeroom, school_time, table_rows, user

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app
DUTY = ["+8613900000001"]
EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}
LEFT = "left_after_bag"


def _statuses(app, school, kind) -> dict[int, str]:
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(
            Check.homeroom_id == school.homeroom_ids["room1"], Check.school_date == DAY,
            Check.kind == kind))
        return {} if check is None else {e.student_id: e.status for e in check.entries}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _morning(teacher, school, bag=None, attendance=None, at_class=(8, 10)):
    """The bag check at morning reading (07:20), then attendance at first class."""
    with school_time(7, 20):
        assert teacher.post(check_url(school, "bag"), data=bag or {}).status_code == 302
    with school_time(*at_class):
        return teacher.post(check_url(school, "attendance"), data=attendance or {})


def _log_contact(teacher, school, student_id, outcome, minute=20):
    with school_time(8, minute):
        return teacher.post(check_url(school, "attendance") + "/contacts", data={
            "student_id": student_id, "person": "母亲", "method": "phone", "outcome": outcome,
            "contacted_at": f"08:{minute}", "note": "母亲以为孩子在学校"})


def _set_duty_phones(app, school):
    with app.app_context():
        main = db.session.get(School, school.school_id)
        main.settings = {**(main.settings or {}),
                         "cases": {"duty_phones": DUTY, "unreached_by": "10:00"}}
        db.session.commit()


def test_attendance_records_left_after_morning_reading_and_the_bag_record_stays(
        app, school, login_as):
    teacher = login_as("teacher")
    left, found, *rest = school.student_ids["room1"]
    response = _morning(teacher, school, bag={
        f"s{found}": "found", f"c{found}": "tobacco", f"a{found}": "kept_by_teacher"},
        attendance={f"s{left}": LEFT, f"s{found}": LEFT})
    assert response.status_code == 302
    bag, attendance = _statuses(app, school, "bag"), _statuses(app, school, "attendance")
    assert attendance[left] == attendance[found] == LEFT
    assert bag[left] == "clear" and bag[found] == "found"  # the bag check saw them: it stays
    with school_time(17, 0):
        sweep = _text(teacher.get(check_url(school, "dismissal"), headers=EN))
        assert teacher.post(check_url(school, "dismissal"), data={}).status_code == 302
    # The sweep does not expect them, as it does not expect an absent student.
    assert f'name="s{left}"' not in sweep and f'name="s{found}"' not in sweep
    assert set(_statuses(app, school, "dismissal")) == set(rest)


@pytest.mark.parametrize("bag", [None, "not_checked"])
def test_left_is_refused_for_a_student_the_bag_check_did_not_see(app, school, login_as, bag):
    teacher = login_as("teacher")
    student = school.student_ids["room1"][0]
    if bag is not None:
        with school_time(7, 20):
            assert teacher.post(check_url(school, "bag"),
                                data={f"s{student}": bag}).status_code == 302
    with school_time(8, 10):
        response = teacher.post(check_url(school, "attendance"),
                                data={f"s{student}": LEFT}, headers=EN)
    assert response.status_code == 422
    assert "Only for a student the bag check saw this morning" in _text(response)
    assert _statuses(app, school, "attendance") == {}


def test_the_bag_check_cannot_then_say_a_student_who_left_was_not_there(app, school, login_as):
    teacher = login_as("teacher")
    student = school.student_ids["room1"][0]
    assert _morning(teacher, school, attendance={f"s{student}": LEFT}).status_code == 302
    with school_time(8, 30):
        response = teacher.post(check_url(school, "bag"), data={f"s{student}": "not_checked"},
                                headers=EN)
    assert response.status_code == 422
    assert "change attendance first" in _text(response)
    assert _statuses(app, school, "bag")[student] == "clear"


def test_the_choice_is_offered_only_on_the_rows_of_students_the_bag_check_saw(
        app, school, login_as):
    teacher = login_as("teacher")
    seen, absent = school.student_ids["room1"][:2]
    with school_time(7, 10):
        before = _text(teacher.get(check_url(school, "attendance"), headers=EN))
    assert 'value="left_after_bag"' not in before  # no bag check yet: nobody to offer it to
    with school_time(7, 20):
        assert teacher.post(check_url(school, "bag"),
                            data={f"s{absent}": "not_checked"}).status_code == 302
        page = _text(teacher.get(check_url(school, "attendance"), headers=EN))
    assert f'name="s{seen}" value="left_after_bag"' in page
    assert f'name="s{absent}" value="left_after_bag"' not in page
    assert "Came, then left" in page


def test_the_familys_text_is_due_at_the_next_pass_not_after_the_delay(
        app, twilio_app, school, login_as, standin):
    teacher = login_as("teacher")
    left, absent = school.student_ids["room1"][:2]
    assert _morning(teacher, school, attendance={f"s{left}": LEFT, f"s{absent}": "absent"},
                    at_class=(8, 10)).status_code == 302
    with school_time(8, 10):
        board = _text(login_as("office").get("/office/", headers=EN))
    assert "Due at 08:10" in board  # the absent student's is due at 08:25 (15 minutes' delay)
    with twilio_app.app_context(), clock.frozen(at(8, 11)):
        minute_pass.send_pass()
    texts = notify_support.outbox(app)
    assert [(t["kind"], t["students"]) for t in texts] == [(LEFT, [left])]
    assert len(standin.messages) == 1
    with twilio_app.app_context(), clock.frozen(at(8, 26)):
        minute_pass.send_pass()  # the ordinary absence, after its delay; the first is not resent
    texts = notify_support.outbox(app)
    assert sorted((t["kind"], t["students"]) for t in texts) == [
        ("absence", [absent]), (LEFT, [left])]
    with app.app_context():  # the office's parent-text column reads every kind the job writes
        assert sorted(absence_text_statuses(school.school_id, DAY)) == sorted([left, absent])


@pytest.mark.parametrize("outcome", ["unaware", "no_answer"])
def test_a_family_that_does_not_know_or_does_not_answer_opens_a_case(app, school, login_as,
                                                                     outcome):
    _set_duty_phones(app, school)
    teacher = login_as("teacher")
    student = school.student_ids["room1"][0]
    assert _morning(teacher, school, attendance={f"s{student}": LEFT}).status_code == 302
    with school_time(8, 12):
        asked = _text(teacher.get(check_url(school, "attendance"), headers=EN))
    assert "Call the family now: do they know where 学生01 is?" in asked
    assert "A missing-student case is open" not in asked
    assert _log_contact(teacher, school, student, outcome).status_code == 302
    [case] = table_rows(app, MissingCase)
    assert case["student_id"] == student and case["trigger"] == LEFT
    assert [t["to"] for t in notify_support.outbox(app) if t["kind"] == "missing_student"] \
        == DUTY
    with school_time(8, 21):
        page = _text(teacher.get(check_url(school, "attendance"), headers=EN))
    assert "A missing-student case is open: 学生01" in page
    assert "Texted to the on-duty office phones: +8613900000001" in page
    with school_time(8, 21):
        office = _text(login_as("office").get(f"/cases/{case['id']}", headers=EN))
    assert "left after morning reading, and the family did not know" in office


def test_a_contact_typed_with_the_attendance_that_records_the_student_left_opens_the_case(
        app, school, login_as):
    """One save, both parts: the contact's reaction reads the attendance this save records."""
    teacher = login_as("teacher")
    student = school.student_ids["room1"][0]
    with school_time(7, 20):
        assert teacher.post(check_url(school, "bag"), data={}).status_code == 302
    with school_time(8, 10):
        response = teacher.post(check_url(school, "attendance"), data={
            f"s{student}": LEFT, "student_id": student, "person": "母亲", "method": "phone",
            "outcome": "no_answer", "contacted_at": "08:10", "note": "没人接"})
    assert response.status_code == 302
    assert _statuses(app, school, CheckKind.ATTENDANCE)[student] == LEFT
    [case] = table_rows(app, MissingCase)
    assert case["student_id"] == student and case["trigger"] == LEFT


@pytest.mark.parametrize("outcome", ["reason_given", "on_the_way"])
def test_a_family_that_knows_where_the_student_is_opens_no_case(app, school, login_as,
                                                                outcome):
    _set_duty_phones(app, school)
    teacher = login_as("teacher")
    student = school.student_ids["room1"][0]
    assert _morning(teacher, school, attendance={f"s{student}": LEFT}).status_code == 302
    assert _log_contact(teacher, school, student, outcome).status_code == 302
    assert table_rows(app, MissingCase) == []
    with school_time(8, 21):
        page = _text(teacher.get(check_url(school, "attendance"), headers=EN))
    assert "A missing-student case is open" not in page


def test_the_office_board_and_the_weekly_log_name_it_in_both_languages(app, school, login_as):
    teacher, office = login_as("teacher"), login_as("office")
    student = school.student_ids["room1"][0]
    assert _morning(teacher, school, attendance={f"s{student}": LEFT}).status_code == 302
    week = f"/homerooms/{school.homeroom_ids['room1']}/week/2027-W09"
    with school_time(8, 30):
        board_en = _text(office.get("/office/", headers=EN))
        board_zh = _text(office.get("/office/", headers=ZH))
        week_en = _text(office.get(week, headers=EN))
        week_zh = _text(office.get(week, headers=ZH))
    assert "0 absent, 0 excused, 1 left after morning reading" in board_en
    assert "早读后离校未归 1 人" in board_zh
    assert "Came, then left" in board_en.split('id="absent-title"')[1]
    assert "离校未归" in board_zh.split('id="absent-title"')[1]
    assert "Came, then left" in week_en and "离校未归" in week_zh


def test_the_api_accepts_and_returns_it(app, client, school):
    with app.app_context():
        token = tokens.create_token(user(school, "teacher"))
        db.session.commit()
        number = homeroom(school).students[0].student_number
    headers = {"Authorization": f"Bearer {token}"}
    base = f"/api/v1/homerooms/{school.homeroom_ids['room1']}/checks/{DAY.isoformat()}"
    body = {"version": None, "entries": [{"student_number": number, "status": LEFT}]}
    with school_time(7, 50):
        refused = client.put(f"{base}/attendance", json=body, headers=headers)
        assert client.put(f"{base}/bag", json={"version": None, "entries": []},
                          headers=headers).status_code == 200
        saved = client.put(f"{base}/attendance", json=body, headers=headers)
        read = client.get(base, headers=headers)
    assert refused.status_code == 422
    assert saved.status_code == 200, saved.json
    [attendance] = [c for c in read.json["checks"] if c["kind"] == "attendance"]
    [entry] = [e for e in attendance["entries"] if e["student_number"] == number]
    assert entry["status"] == LEFT
    spec = client.get("/api/v1/openapi.json").json
    assert LEFT in spec["components"]["schemas"]["AttendanceStatus"]["enum"]
    assert CheckKind.BAG.value in str(spec["components"]["schemas"]["AttendanceStatus"])


def test_nobody_reached_by_the_set_time_opens_a_case_too(app, school, login_as):
    _set_duty_phones(app, school)
    student = school.student_ids["room1"][0]
    assert _morning(login_as("teacher"), school,
                    attendance={f"s{student}": LEFT}).status_code == 302
    with app.app_context(), clock.frozen(at(9, 59)):
        minute_pass.send_pass()  # no SMS provider here: the family's text is not delivered
    assert table_rows(app, MissingCase) == []
    with app.app_context(), clock.frozen(at(10, 0)):
        minute_pass.send_pass()
    [case] = table_rows(app, MissingCase)
    assert case["student_id"] == student and case["trigger"] == "unreached"
