"""Both SMS providers behind one seam: ambiguous failures, refusals, Aliyun's templates and
delivery reports, a school's own provider, and the mainland carriers' rules."""

import json
import re
from datetime import date

import pytest

from rollcall import clock
from rollcall.cases import services as cases
from rollcall.cases.models import CaseTrigger
from rollcall.extensions import db
from rollcall.jobs import attendance_reminders, minute_pass
from rollcall.models import AuditLog, Guardian, School, Student, User
from rollcall.notify import carrier, services, test_texts
from rollcall.notify.models import OutboxText, TextKind
from rollcall.notify.settings import PLACEHOLDERS
from tests import factories, notify_support
from tests.aliyun_standin import TEMPLATE_CODES
from tests.notify_support import MONDAY, at, outbox, run_pass

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app
provider = notify_support.provider
sms_standin = notify_support.sms_standin
sms_app = notify_support.sms_app
aliyun = notify_support.aliyun
aliyun_app = notify_support.aliyun_app

LOOKUPS = {"GET", "QuerySendDetails"}  # Twilio's message list, Aliyun's QuerySendDetails
SENDS = {"POST", "SendSms"}
# Anything that reads as a link: a scheme, www., or a bare domain.
LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|cn|net|org|edu)\b", re.IGNORECASE)


def absent(app, school, student_index=0, room="room1", submitted=None):
    student_id = school.student_ids[room][student_index]
    with app.app_context():
        check_id = factories.attendance_check(school.homeroom_ids[room], MONDAY,
                                              {student_id: "absent"}, submitted or at(8, 0))
        phone = db.session.get(Student, student_id).guardian_links[0].guardian.phone_e164
        db.session.remove()
    return check_id, phone


def signed_in(app, school, who="office"):
    client = app.test_client()
    response = client.post("/login", data={"username": school.usernames[who],
                                           "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def texts_page(app, school) -> str:
    return signed_in(app, school).get("/office/texts?day=2026-11-23").get_data(as_text=True)


FRIDAY = date(2026, 11, 27)  # the week of MONDAY: its screening falls due at 17:00
DUTY = ["+8613900000001", "+8613900000002"]


def set_duty_phones(app, school, phones=DUTY):
    with app.app_context():
        main = db.session.get(School, school.school_id)
        main.settings = {**(main.settings or {}),
                         "cases": {"duty_phones": list(phones), "unreached_by": "10:00"}}
        db.session.commit()


def open_case(app, school, instant, student_index=2):
    """A missing-student case, raised as a family that did not know raises it."""
    with app.app_context(), clock.frozen(instant):
        student = db.session.get(Student, school.student_ids["room1"][student_index])
        assert cases.raise_case(student, MONDAY, CaseTrigger.FAMILY_UNAWARE) is not None
        db.session.remove()


def teacher_phone(app, school, phone="+8613911112222"):
    with app.app_context():
        db.session.get(User, school.user_ids["teacher"]).phone_e164 = phone
        db.session.commit()


def friday_pass(app):
    """The minute pass at the screening cut-off (Friday 17:00)."""
    with app.app_context(), clock.frozen(at(17, 0, FRIDAY)):
        minute_pass.send_pass()
        db.session.remove()


def methods(server) -> list[str]:
    return [method for method, _ in server.requests]


# --- the same guarantees whichever the provider ------------------------------------------

LOST_REPLIES = [("twilio", "500-after-create"), ("aliyun", "500-after-create"),
                ("aliyun", "lost-reply")]


@pytest.mark.parametrize(("provider", "fault"), LOST_REPLIES, indirect=["provider"])
def test_a_text_accepted_before_the_answer_was_lost_is_found_not_sent_again(
        sms_app, school, sms_standin, provider, fault):
    absent(sms_app, school)
    sms_standin.fail_next(fault)
    run_pass(sms_app, at(8, 20))
    [row] = outbox(sms_app)
    assert row["status"] == "queued" and len(sms_standin.messages) == 1
    run_pass(sms_app, at(8, 21))
    [row] = outbox(sms_app)
    assert len(sms_standin.messages) == 1 and row["status"] == "submitted"
    assert sms_standin.holds(row, sms_standin.messages[0]) and row["provider"] == provider
    calls = methods(sms_standin)  # Aliyun's are then followed by delivery-report polls
    assert [m in LOOKUPS for m in calls[:2]] == [False, True]
    assert sum(m in SENDS for m in calls) == 1


def test_a_5xx_before_the_text_was_accepted_sends_once_after_looking(sms_app, school,
                                                                      sms_standin):
    absent(sms_app, school)
    sms_standin.fail_next("500")
    run_pass(sms_app, at(8, 20))
    run_pass(sms_app, at(8, 21))
    assert len(sms_standin.messages) == 1 and outbox(sms_app)[0]["status"] == "submitted"
    calls = methods(sms_standin)
    assert [m in SENDS for m in calls[:3]] == [True, False, True]
    assert sum(m in SENDS for m in calls) == 2


def test_a_rate_limit_is_retried_later_and_then_sent(sms_app, school, sms_standin):
    absent(sms_app, school)
    sms_standin.fail_next("429")  # Twilio's 429, Aliyun's isv.BUSINESS_LIMIT_CONTROL
    run_pass(sms_app, at(8, 20))
    assert (outbox(sms_app)[0]["status"], sms_standin.messages) == ("queued", [])
    run_pass(sms_app, at(8, 21))
    assert len(sms_standin.messages) == 1 and outbox(sms_app)[0]["status"] == "submitted"


WRONG_NUMBER = {"twilio": 21211, "aliyun": "isv.MOBILE_NUMBER_ILLEGAL"}
WRONG_NUMBER_SAYS = {"twilio": "号码无效", "aliyun": "号码有误"}


def test_a_wrong_number_fails_at_once_and_the_office_calls(sms_app, school, sms_standin,
                                                           provider):
    _check, phone = absent(sms_app, school)
    key = phone if provider == "twilio" else phone[3:]
    sms_standin.permanent[key] = WRONG_NUMBER[provider]
    run_pass(sms_app, at(8, 20))
    run_pass(sms_app, at(8, 40))
    [row] = outbox(sms_app)
    assert row["status"] == "failed" and sms_standin.messages == []
    assert [m in SENDS for m in methods(sms_standin)] == [True]
    page = texts_page(sms_app, school)
    assert "call-this-parent" in page and WRONG_NUMBER_SAYS[provider] in page


# --- Aliyun: templates by code -----------------------------------------------------------

def test_aliyun_gets_the_template_code_its_parameters_the_signature_and_the_row(
        aliyun_app, school, aliyun):
    _check, phone = absent(aliyun_app, school)
    run_pass(aliyun_app, at(8, 20))
    [message] = aliyun.messages
    [row] = outbox(aliyun_app)
    assert message["phone"] == phone[3:] and len(message["phone"]) == 11
    assert message["template_code"] == TEMPLATE_CODES["absence"]
    assert set(message["params"]) == set(PLACEHOLDERS)
    assert (message["params"]["student"], message["params"]["class"]) == ("学生01", "九年级1班")
    assert message["out_id"] == str(row["id"]) and row["sid"] == message["sid"]
    assert message["body"].startswith("【测试中学】家长您好：学生01（九年级1班）")
    assert (row["status"], row["provider"]) == ("submitted", "aliyun")


def test_a_late_arrival_gets_the_follow_up_template(aliyun_app, school, aliyun):
    check_id, _phone = absent(aliyun_app, school)
    run_pass(aliyun_app, at(8, 20))
    with aliyun_app.app_context():
        factories.change_attendance(check_id, school.student_ids["room1"][0], "late",
                                    at(8, 42), at(8, 42))
    run_pass(aliyun_app, at(8, 43))
    assert [m["template_code"] for m in aliyun.messages] == [TEMPLATE_CODES["absence"],
                                                              TEMPLATE_CODES["follow_up"]]
    assert aliyun.messages[1]["params"]["time"] == "08:42"


@pytest.mark.parametrize(("setup", "says"), [
    ("balance", "短信账户余额不足（isv.AMOUNT_NOT_ENOUGH）"),
    ("unapproved template", "该模板代码未在此账户审核通过（isv.SMS_TEMPLATE_ILLEGAL）"),
    ("no template code", "这类短信没有设置模板代码"),
])
def test_a_refusal_the_office_must_act_on_is_shown_on_the_texts_page(
        make_app, school, aliyun, setup, says):
    codes = {} if setup == "no template code" else dict(TEMPLATE_CODES)
    app = make_app(**notify_support.aliyun_config(aliyun.endpoint, ALIYUN_SMS_TEMPLATES=codes))
    if setup == "balance":
        aliyun.refuse_all = "isv.AMOUNT_NOT_ENOUGH"
    if setup == "unapproved template":
        with app.app_context():
            db.session.get(School, school.school_id).settings = {
                "texts": {"template_codes": {"absence": "SMS_424242"}}}
            db.session.commit()
    absent(app, school)
    run_pass(app, at(8, 20))
    run_pass(app, at(8, 40))
    [row] = outbox(app)
    assert row["status"] == "failed" and aliyun.messages == []
    assert methods(aliyun).count("SendSms") == (0 if setup == "no template code" else 1)
    page = texts_page(app, school)
    assert "需要政教处处理" in page and says in page and "call-this-parent" in page


def test_a_rate_limit_shows_while_the_text_waits(aliyun_app, school, aliyun):
    absent(aliyun_app, school)
    aliyun.fail_next("429")
    run_pass(aliyun_app, at(8, 20))
    assert outbox(aliyun_app)[0]["provider_error"] == "isv.BUSINESS_LIMIT_CONTROL"
    page = texts_page(aliyun_app, school)
    assert "短信服务商限制了发送频率（isv.BUSINESS_LIMIT_CONTROL）" in page
    assert "call-this-parent" not in page


def test_delivery_reports_are_polled_until_final(aliyun_app, school, aliyun):
    absent(aliyun_app, school, 0)
    absent(aliyun_app, school, 1, room="room2")
    run_pass(aliyun_app, at(8, 20))
    first, second = aliyun.messages
    run_pass(aliyun_app, at(8, 21))  # no report yet: still with the carrier
    assert [row["status"] for row in outbox(aliyun_app)] == ["submitted", "submitted"]
    aliyun.deliver(first["sid"])
    aliyun.deliver(second["sid"], ok=False, error="MK:0001")
    run_pass(aliyun_app, at(8, 22))
    rows = {row["sid"]: row for row in outbox(aliyun_app)}
    assert rows[first["sid"]]["status"] == "delivered"
    assert (rows[second["sid"]]["status"], rows[second["sid"]]["provider_error"]) == (
        "undelivered", "MK:0001")
    asked = methods(aliyun).count("QuerySendDetails")
    run_pass(aliyun_app, at(8, 23))  # final: not asked again
    assert methods(aliyun).count("QuerySendDetails") == asked
    page = texts_page(aliyun_app, school)
    assert page.count("call-this-parent") == 1 and "运营商未能送达这条短信（MK:0001）" in page
    with aliyun_app.app_context():
        statuses = services.absence_text_statuses(school.school_id, MONDAY)
    assert sorted(s.call_parent for s in statuses.values()) == [False, True]


def test_without_aliyun_credentials_texts_are_recorded_as_not_sent(make_app, school):
    app = make_app(SMS_PROVIDER="aliyun", ALIYUN_SMS_TEMPLATES=dict(TEMPLATE_CODES))
    absent(app, school)
    run_pass(app, at(8, 20))
    assert outbox(app)[0]["status"] == "not_sent"


# --- the provider per install and per school ---------------------------------------------

def test_a_school_may_send_through_its_own_provider(make_app, school, standin, aliyun):
    app = make_app(**{**notify_support.aliyun_config(aliyun.endpoint),
                      **notify_support.twilio_config(standin.base_url),
                      "SMS_PROVIDER": "twilio"})
    with app.app_context():
        db.session.get(School, school.school_id).settings = {"texts": {"provider": "aliyun"}}
        db.session.commit()
        factories.attendance_check(school.homeroom_ids["other"], MONDAY,
                                   {school.student_ids["other"][0]: "absent"}, at(8, 0))
    absent(app, school)
    run_pass(app, at(8, 20))
    assert len(aliyun.messages) == 1 and len(standin.messages) == 1
    providers = {row["students"][0]: row["provider"] for row in outbox(app)}
    assert providers == {school.student_ids["room1"][0]: "aliyun",
                         school.student_ids["other"][0]: "twilio"}


def test_the_install_templates_may_come_as_json_text(make_app, school, aliyun):
    app = make_app(**notify_support.aliyun_config(
        aliyun.endpoint, ALIYUN_SMS_TEMPLATES=json.dumps(TEMPLATE_CODES)))
    absent(app, school)
    run_pass(app, at(8, 20))
    assert [m["template_code"] for m in aliyun.messages] == [TEMPLATE_CODES["absence"]]


def test_a_missing_student_case_texts_each_duty_phone_its_aliyun_template(aliyun_app, school,
                                                                         aliyun):
    set_duty_phones(aliyun_app, school)
    open_case(aliyun_app, school, at(9, 5))
    run_pass(aliyun_app, at(9, 6))
    assert sorted(m["to"] for m in aliyun.messages) == DUTY  # one text to each duty phone
    for message in aliyun.messages:
        assert message["template_code"] == TEMPLATE_CODES["missing_student"]
        assert message["params"] == {"school": "测试中学", "student": "学生03",
                                     "class": "九年级1班", "time": "09:05",
                                     "trigger": "已联系家长，家长不知情"}
        assert message["body"] == ("【测试中学】学生失联：学生03（九年级1班），"
                                   "已联系家长，家长不知情，09:05立案，请立即跟进。")
    assert {(row["kind"], row["status"], row["provider"]) for row in outbox(aliyun_app)} == {
        ("missing_student", "submitted", "aliyun")}


def test_the_screening_reminder_goes_as_its_aliyun_template(aliyun_app, school, aliyun):
    teacher_phone(aliyun_app, school)
    friday_pass(aliyun_app)
    [message] = [m for m in aliyun.messages
                 if m["template_code"] == TEMPLATE_CODES["screening_reminder"]]
    assert message["to"] == "+8613911112222"
    assert message["params"] == {"school": "测试中学", "class": "九年级1班", "week": "11月23日"}
    assert message["body"] == ("【测试中学】九年级1班11月23日起这一周的"
                               "学生矛盾排查尚未填写，请尽快填写。")
    [row] = [row for row in outbox(aliyun_app) if row["kind"] == "screening_reminder"]
    assert (row["status"], row["provider"]) == ("submitted", "aliyun")


# --- the mainland carriers' rules, whichever the provider --------------------------------

def test_no_text_to_a_mainland_number_carries_a_link(sms_app, school, sms_standin):
    with sms_app.app_context():
        main = db.session.get(School, school.school_id)
        main.settings = {"texts": {"templates": {
            "absence": {"zh_Hans": "【{school}】{student}未到校，详见 "
                                   "https://rollcall.example.edu/x 或 www.example.cn"},
            "left_after_bag": {"zh_Hans": "{student}晨读后离开 https://rollcall.example.edu/y"},
            "follow_up": {"zh_Hans": "{student}已于{time}到校 rollcall.example.edu"}}}}
        db.session.get(User, school.user_ids["teacher"]).phone_e164 = "+8613911112222"
        db.session.commit()
        with clock.frozen(at(8, 10)):
            attendance_reminders.remind_overdue_teachers(main)
    check_id, _phone = absent(sms_app, school, submitted=at(8, 11))
    with sms_app.app_context():  # another student came, then left after morning reading
        factories.attendance_check(school.homeroom_ids["room2"], MONDAY,
                                   {school.student_ids["room2"][0]: "left_after_bag"},
                                   at(8, 11))
    run_pass(sms_app, at(8, 30))
    with sms_app.app_context():
        factories.change_attendance(check_id, school.student_ids["room1"][0], "late",
                                    at(8, 42), at(8, 42))
    run_pass(sms_app, at(8, 43))
    set_duty_phones(sms_app, school)
    open_case(sms_app, school, at(8, 50))
    with sms_app.app_context(), clock.frozen(at(8, 50)):  # the admin's test of a duty phone
        test_texts.send_test_text(db.session.get(School, school.school_id), DUTY[0], DUTY,
                                  actor=None)
    run_pass(sms_app, at(8, 51))
    # The "replies are not possible" note is for the parents' texts only.
    assert texts_page(sms_app, school).count('class="hint no-replies"') == 3
    friday_pass(sms_app)
    rows = outbox(sms_app)
    assert {row["kind"] for row in rows} == set(TextKind)  # every kind of text
    assert all(row["to"].startswith("+86") for row in rows)
    assert len(sms_standin.messages) == len(rows)
    for body in [row["body"] for row in rows] + [m["body"] for m in sms_standin.messages]:
        assert not LINK.search(body), body
        assert body.startswith("【测试中学】"), body


@pytest.mark.parametrize(("provider", "phone", "replies"), [
    ("twilio", "+8613800000001", False), ("twilio", "+85291234567", True),
    ("aliyun", "+8613800000001", False),
], indirect=["provider"])
def test_the_office_is_told_when_a_parent_cannot_reply(sms_app, school, sms_standin, provider,
                                                       phone, replies):
    student_id = school.student_ids["room1"][0]
    with sms_app.app_context():
        db.session.get(Student, student_id).guardian_links[0].guardian.phone_e164 = phone
        db.session.commit()
    absent(sms_app, school)
    run_pass(sms_app, at(8, 20))
    assert outbox(sms_app)[0]["status"] == "submitted"
    page = texts_page(sms_app, school)
    assert ("此号码无法回复短信：请致电家长。" in page) is not replies
    assert ("设置该监护人的短信开关" in page) is not replies


@pytest.mark.parametrize("kind", list(TextKind))
@pytest.mark.parametrize(("phone", "provider_name"), [("+8613800000001", "twilio"),
                                                      ("+85291234567", "aliyun")])
def test_only_a_parents_text_says_that_no_reply_can_come(kind, phone, provider_name):
    text = OutboxText(kind=kind, to_e164=phone, provider=provider_name)
    parents = ("absence", "left_after_bag", "follow_up")
    assert carrier.text_gets_no_replies(text) is (kind in parents)


# --- the admin's text settings -----------------------------------------------------------

SETTINGS = {"fan_out": "first", "absence_zh": "", "absence_en": "", "follow_up_zh": "",
            "follow_up_en": ""}


def test_the_settings_page_shows_each_code_and_its_parameters(aliyun_app, school):
    page = signed_in(aliyun_app, school, "admin").get("/admin/text-settings").get_data(
        as_text=True)
    for code in TEMPLATE_CODES.values():
        assert f"<code>{code}</code>" in page
    assert "&#34;student&#34;: &#34;张小明&#34;" in page
    assert "&#34;page&#34;: &#34;平安点名 › 今天 › 九年级1班 › 考勤&#34;" in page
    for kind in TextKind:  # a code field and a parameter preview for every kind of text
        assert f'id="code_{kind}"' in page and f'id="code-preview-{kind}"' in page
    assert "&#34;trigger&#34;: &#34;已联系家长，家长不知情&#34;" in page
    assert "&#34;week&#34;: &#34;" in page


def test_install_codes_without_the_new_kinds_are_not_enough_for_aliyun(make_app, school,
                                                                       aliyun):
    old = {kind: TEMPLATE_CODES[kind] for kind in ("absence", "follow_up", "teacher_reminder")}
    app = make_app(**notify_support.aliyun_config(aliyun.endpoint, ALIYUN_SMS_TEMPLATES=old))
    response = signed_in(app, school, "admin").post("/admin/text-settings",
                                                   data={**SETTINGS, "provider": "aliyun"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.count('class="error"') >= 2
    with app.app_context():
        assert db.session.get(School, school.school_id).settings == {}
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog)) == 0


OLD_CODES = {"code_absence": "SMS_100", "code_follow_up": "SMS_200",
             "code_teacher_reminder": "SMS_300"}
ALL_CODES = {**OLD_CODES, "code_missing_student": "SMS_400",
             "code_screening_reminder": "SMS_500", "code_test_text": "SMS_600"}


@pytest.mark.parametrize("data", [
    {"provider": "aliyun"},
    {"provider": "aliyun", **OLD_CODES},  # the missing-student and screening codes are missing
    {"provider": "aliyun", **OLD_CODES, "code_missing_student": "SMS_400"},
    {"provider": "aliyun", "code_absence": "SMS_100", "code_follow_up": "SMS_200"},
    {"provider": "aliyun", "code_absence": "123", "code_follow_up": "SMS_200",
     "code_teacher_reminder": "SMS_300"},
    {"provider": "sms-gateway"},
])
def test_aliyun_without_a_code_for_each_kind_is_refused_and_nothing_saved(app, login_as,
                                                                         school, data):
    response = login_as("admin").post("/admin/text-settings", data={**SETTINGS, **data})
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(School, school.school_id).settings == {}
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog)) == 0


def test_an_admin_switches_the_school_to_aliyun_with_its_codes(app, login_as, school):
    response = login_as("admin").post("/admin/text-settings",
                                      data={**SETTINGS, "provider": "aliyun", **ALL_CODES})
    assert response.status_code == 302
    with app.app_context():
        texts = db.session.get(School, school.school_id).settings["texts"]
    assert texts["provider"] == "aliyun"
    assert texts["template_codes"] == {"absence": "SMS_100", "follow_up": "SMS_200",
                                       "teacher_reminder": "SMS_300",
                                       "missing_student": "SMS_400",
                                       "screening_reminder": "SMS_500",
                                       "test_text": "SMS_600"}


def test_an_aliyun_school_may_leave_the_test_text_without_a_code(app, login_as, school):
    codes = {name: code for name, code in ALL_CODES.items() if name != "code_test_text"}
    response = login_as("admin").post("/admin/text-settings",
                                      data={**SETTINGS, "provider": "aliyun", **codes})
    assert response.status_code == 302
    with app.app_context():
        texts = db.session.get(School, school.school_id).settings["texts"]
    assert texts["provider"] == "aliyun"
    assert not texts["template_codes"].get("test_text")


def test_the_install_codes_are_enough_to_choose_aliyun(aliyun_app, school):
    client = signed_in(aliyun_app, school, "admin")
    response = client.post("/admin/text-settings", data={**SETTINGS, "provider": "aliyun"})
    assert response.status_code == 302
    with aliyun_app.app_context():
        assert db.session.get(School, school.school_id).settings["texts"]["provider"] == "aliyun"


def test_stop_is_recorded_by_the_office_switch(aliyun_app, school, aliyun):
    """Aliyun brings no STOP back: the office switches the guardian's texts off from the
    texts page, and the follow-up is not sent."""
    check_id, phone = absent(aliyun_app, school)
    run_pass(aliyun_app, at(8, 20))
    with aliyun_app.app_context():
        guardian_id = db.session.scalar(db.select(Guardian.id).where(
            Guardian.phone_e164 == phone))
    client = signed_in(aliyun_app, school)
    switch = f"/contacts/guardians/{guardian_id}"
    assert f'href="{switch}"' in client.get("/office/texts?day=2026-11-23").get_data(
        as_text=True)
    assert client.post(switch, data={"phone": phone}).status_code == 302  # texts off
    with aliyun_app.app_context():
        factories.change_attendance(check_id, school.student_ids["room1"][0], "late",
                                    at(8, 42), at(8, 42))
    run_pass(aliyun_app, at(8, 43))
    assert [row["kind"] for row in outbox(aliyun_app)] == ["absence"]
    assert len(aliyun.messages) == 1


@pytest.mark.parametrize(("provider", "phone", "replies"), [
    ("twilio", "+8613800000001", False), ("twilio", "+85291234567", True),
    ("aliyun", "+8613800000001", False),
], indirect=["provider"])
def test_the_office_board_says_to_call_where_no_reply_can_come(sms_app, school, sms_standin,
                                                               provider, phone, replies):
    student_id = school.student_ids["room1"][0]
    with sms_app.app_context():
        db.session.get(Student, student_id).guardian_links[0].guardian.phone_e164 = phone
        db.session.commit()
    absent(sms_app, school)
    run_pass(sms_app, at(8, 20))
    with clock.frozen(at(8, 30)):
        page = signed_in(sms_app, school).get("/office/").get_data(as_text=True)
    assert "学生01" in page
    assert ("此号码无法回复短信：请致电家长。" in page) is not replies


def test_with_aliyun_an_english_speaking_parent_is_shown_the_chinese_template(aliyun_app,
                                                                             school, aliyun):
    with aliyun_app.app_context():
        db.session.get(Student, school.student_ids["room1"][0]).guardian_links[
            0].guardian.language = "en"
        db.session.commit()
    absent(aliyun_app, school)
    run_pass(aliyun_app, at(8, 20))
    [row] = outbox(aliyun_app)
    assert row["body"].startswith("【测试中学】家长您好：学生01（九年级1班）")
    assert aliyun.messages[0]["params"]["date"] == "11月23日"


def test_a_passing_outage_is_not_the_offices_to_act_on(aliyun_app, school, aliyun):
    absent(aliyun_app, school)
    aliyun.fail_next("500")
    run_pass(aliyun_app, at(8, 20))
    [row] = outbox(aliyun_app)
    assert (row["status"], row["provider_error"]) == ("queued", None)
    page = texts_page(aliyun_app, school)
    assert "需要政教处处理" not in page and "call-this-parent" not in page


def test_while_aliyun_cannot_be_asked_the_text_waits_and_is_never_sent_twice(aliyun_app,
                                                                              school, aliyun):
    absent(aliyun_app, school)
    aliyun.fail_next("lost-reply")
    run_pass(aliyun_app, at(8, 20))
    aliyun.failing_queries = 1
    run_pass(aliyun_app, at(8, 21))  # the lookup fails: no second SendSms
    assert outbox(aliyun_app)[0]["status"] == "queued" and methods(aliyun).count("SendSms") == 1
    run_pass(aliyun_app, at(8, 25))
    [row] = outbox(aliyun_app)
    assert row["status"] == "submitted" and methods(aliyun).count("SendSms") == 1
    assert len(aliyun.messages) == 1 and aliyun.holds(row, aliyun.messages[0])
