"""The family of a student who came to school and left after morning reading (离校未归) is
texted what happened, not the absence text's "did not arrive": in both languages, through the
same outbox and send pass, a combined text true of each child, and an Aliyun school without
the template code of this text told so on the texts page instead of a text that is untrue."""

import html

from rollcall.checks.models import Check
from rollcall.extensions import db
from rollcall.models import Student
from tests import notify_support
from tests.aliyun_standin import TEMPLATE_CODES
from tests.notify_support import at, outbox, run_pass
from tests.test_notify_providers import signed_in
from tests.test_notify_sending import absent

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app
provider = notify_support.provider
sms_standin = notify_support.sms_standin
sms_app = notify_support.sms_app
aliyun = notify_support.aliyun

LEFT = "left_after_bag"
CAME_THEN_LEFT_ZH = "早上已到校，晨读后离开，第一节课不在班"


def _guardian(app, student_id):
    with app.app_context():
        guardian = db.session.get(Student, student_id).guardian_links[0].guardian
        return guardian.id, guardian.phone_e164


def test_the_family_is_texted_that_the_student_came_then_left(sms_app, school, sms_standin):
    absent(sms_app, school, status=LEFT)
    run_pass(sms_app, at(8, 1))  # at once, not after the absence's delay
    [message] = sms_standin.messages
    assert "学生01" in message["body"] and CAME_THEN_LEFT_ZH in message["body"]
    assert "未到校" not in message["body"]
    [row] = outbox(sms_app)
    assert row["kind"] == LEFT and row["status"] == "submitted"


def test_an_english_speaking_family_reads_it_in_english(twilio_app, school, standin):
    student = school.student_ids["room1"][0]
    with twilio_app.app_context():
        db.session.get(Student, student).guardian_links[0].guardian.language = "en"
        db.session.commit()
    absent(twilio_app, school, status=LEFT)
    run_pass(twilio_app, at(8, 1))
    [message] = standin.messages
    assert message["body"].startswith("【测试中学】学生01 (九年级1班) came to school this morning")
    assert "left after morning reading and was not in class at first class" in message["body"]
    assert "is not at school" not in message["body"]


def test_one_phone_with_one_child_absent_and_one_who_left_gets_a_true_text_of_each(
        sms_app, school, sms_standin):
    stayed_home, left = school.student_ids["room1"][2], school.student_ids["room2"][3]
    _, phone = _guardian(sms_app, stayed_home)
    with sms_app.app_context():
        db.session.get(Student, left).guardian_links[0].guardian.phone_e164 = phone
        db.session.commit()
    absent(sms_app, school, students=[stayed_home])
    absent(sms_app, school, students=[left], status=LEFT, room="room2")
    run_pass(sms_app, at(8, 30))
    bodies = {("学生03" in m["body"], "学生04" in m["body"]): m["body"]
              for m in sms_standin.messages}
    assert set(bodies) == {(True, False), (False, True)}  # each child in its own true text
    assert "未到校" in bodies[(True, False)] and CAME_THEN_LEFT_ZH not in bodies[(True, False)]
    assert CAME_THEN_LEFT_ZH in bodies[(False, True)] and "未到校" not in bodies[(False, True)]
    assert sorted((row["kind"], row["students"]) for row in outbox(sms_app)) == [
        ("absence", [stayed_home]), (LEFT, [left])]


def test_a_student_who_comes_back_before_the_text_goes_is_not_texted(sms_app, school,
                                                                      sms_standin):
    check_id = absent(sms_app, school, status=LEFT)
    with sms_app.app_context():
        check = db.session.get(Check, check_id)
        check.entries[0].status = "present"
        db.session.commit()
    run_pass(sms_app, at(8, 1))
    assert sms_standin.messages == []


def test_aliyun_sends_its_own_template_and_without_one_the_office_is_told(
        make_app, school, aliyun):
    codes = {kind: code for kind, code in TEMPLATE_CODES.items() if kind != LEFT}
    app = make_app(**notify_support.aliyun_config(aliyun.endpoint,
                                                  ALIYUN_SMS_TEMPLATES=codes))
    absent(app, school, status=LEFT)
    run_pass(app, at(8, 1))
    assert aliyun.messages == []  # never the absence template's "did not arrive"
    [row] = outbox(app)
    assert row["kind"] == LEFT and row["status"] == "failed"
    office = signed_in(app, school, "office")
    page = html.unescape(office.get("/office/texts?day=2026-11-23",
                                    headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "Came, then left (left after morning reading)" in page
    assert "no template code is set for this kind of text" in page


def test_aliyun_with_the_code_sends_the_came_then_left_template(make_app, school, aliyun):
    app = make_app(**notify_support.aliyun_config(aliyun.endpoint))
    absent(app, school, status=LEFT)
    run_pass(app, at(8, 1))
    [message] = aliyun.messages
    assert message["template_code"] == TEMPLATE_CODES[LEFT]
    assert CAME_THEN_LEFT_ZH in message["body"] and "未到校" not in message["body"]
