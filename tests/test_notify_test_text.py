"""The admin's test text to an on-duty phone: queued in the outbox and sent by the normal send
pass, its state shown on the settings page; admin-only, CSRF-checked, audited, rate-limited,
and no phone number or body in the logs. And the wait words of texts where texts are listed:
the office's texts CSV and the audit trail."""

import csv
import io
import logging
import re
from datetime import timedelta

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.jobs.minute_pass import send_pass
from rollcall.models import AuditLog, School
from rollcall.notify import heartbeat
from rollcall.notify.models import OutboxText, TextKind, TextStatus
from rollcall.notify.test_texts import TEST_TEXTS_PER_WINDOW
from tests import factories, notify_support
from tests.checks_support import at, page, school_time
from tests.test_cases import DUTY, open_case, set_duty_phones
from tests.test_csrf_mask import signed_in, tokens

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app
EN = {"Accept-Language": "en"}
SETTINGS = "/admin/missing-students"
SEND = "/admin/missing-students/test-text"


def beat(app, instant):
    with app.app_context(), clock.frozen(instant):
        heartbeat.beat(heartbeat.RUNNING)
        db.session.remove()


def run_send_pass(app, instant):
    """The scheduler's send pass (the same function its minute job runs)."""
    with app.app_context(), clock.frozen(instant):
        send_pass()
        db.session.remove()


def queued_test_texts(app) -> list[dict]:
    with app.app_context():
        found = [{"to": t.to_e164, "status": t.status, "body": t.body} for t in
                 db.session.scalars(db.select(OutboxText).where(
                     OutboxText.kind == TextKind.TEST_TEXT).order_by(OutboxText.id))]
        db.session.remove()
    return found


def shown_test_texts(client) -> str:
    """The test text list of the settings page, in English."""
    html = page(client.get(SETTINGS, headers=EN))
    return html.split('id="test-text"')[1]


def admin_of(app, school):
    client = app.test_client()
    assert client.post("/login", data={"username": school.usernames["admin"],
                                       "password": factories.PASSWORD}).status_code == 302
    return client


def test_a_test_text_without_a_provider_goes_queued_then_recorded(app, login_as, school):
    set_duty_phones(app, school)
    admin = login_as("admin")
    beat(app, at(9, 0))
    with school_time(9, 0):
        assert "Send a test text" in shown_test_texts(admin)
        response = admin.post(SEND, data={"phone": DUTY[1]})
        assert response.status_code == 302
        waiting = shown_test_texts(admin)
    assert queued_test_texts(app) == [{"to": DUTY[1], "status": "queued",
                                "body": queued_test_texts(app)[0]["body"]}]
    assert "Waiting to send" in waiting and "Waiting for the next send pass" in waiting
    run_send_pass(app, at(9, 0, ))
    with school_time(9, 1):
        recorded = shown_test_texts(admin)
    assert "Not sent: no SMS provider configured" in recorded
    assert "Waiting for" not in recorded


def test_a_test_text_goes_through_the_provider_once_and_shows_handed_over(
        twilio_app, school, standin):
    set_duty_phones(twilio_app, school)
    admin = admin_of(twilio_app, school)
    beat(twilio_app, at(22, 0))
    with school_time(22, 0):  # outside the sending window: a test text goes at any hour
        assert admin.post(SEND, data={"phone": DUTY[0]}).status_code == 302
    run_send_pass(twilio_app, at(22, 0))
    run_send_pass(twilio_app, at(22, 1))
    with school_time(22, 1):
        state = shown_test_texts(admin)
    assert "Handed to the carrier" in state
    assert [m["to"] for m in standin.messages] == [DUTY[0]]
    assert standin.messages[0]["body"] == (  # in the school's language
        "【测试中学】这是平安点名发给值班电话的测试短信，无需处理。")


def test_a_test_text_the_provider_refuses_shows_failed(twilio_app, school, standin):
    set_duty_phones(twilio_app, school)
    standin.permanent[DUTY[0]] = 21211
    admin = admin_of(twilio_app, school)
    beat(twilio_app, at(9, 0))
    with school_time(9, 0):
        admin.post(SEND, data={"phone": DUTY[0]})
    run_send_pass(twilio_app, at(9, 0))
    with school_time(9, 0):
        state = shown_test_texts(admin)
    assert "Failed: it will not be sent" in state and "The phone number is not valid." in state


def test_only_an_on_duty_phone_can_get_a_test_text(app, login_as, school):
    set_duty_phones(app, school)
    admin = login_as("admin")
    with school_time(9, 0):
        response = admin.post(SEND, data={"phone": "+8613812345678"}, follow_redirects=True,
                              headers=EN)
    assert "Choose one of the on-duty phones." in page(response)
    assert queued_test_texts(app) == []


def test_without_on_duty_phones_there_is_nothing_to_test(app, login_as, school):
    with school_time(9, 0):
        state = shown_test_texts(login_as("admin"))
    assert "Save an on-duty phone first." in state and "<select" not in state


def test_test_texts_are_rate_limited_per_school(app, login_as, school):
    set_duty_phones(app, school)
    admin = login_as("admin")
    with school_time(9, 0):
        for _ in range(TEST_TEXTS_PER_WINDOW):
            assert admin.post(SEND, data={"phone": DUTY[0]}).status_code == 302
        refused = admin.post(SEND, data={"phone": DUTY[1]}, follow_redirects=True, headers=EN)
    assert "test texts were sent in the last hour: wait before sending another" in page(refused)
    assert len(queued_test_texts(app)) == TEST_TEXTS_PER_WINDOW
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditLog.id)).where(
            AuditLog.action == "notify.test_text")) == TEST_TEXTS_PER_WINDOW
    with school_time(10, 1):  # an hour later: one more may go
        assert admin.post(SEND, data={"phone": DUTY[1]}).status_code == 302
    assert len(queued_test_texts(app)) == TEST_TEXTS_PER_WINDOW + 1


def test_a_test_text_post_without_its_csrf_token_is_refused(make_app, school):
    protected = make_app(WTF_CSRF_ENABLED=True)
    set_duty_phones(protected, school)
    admin = signed_in(protected, school, "admin")
    with school_time(9, 0):
        assert admin.post(SEND, data={"phone": DUTY[0]}).status_code == 400
        html = page(admin.get(SETTINGS))
        assert f'form="case-settings-form" formaction="{SEND}"' in html  # the page's form
        form = html.split('id="case-settings-form"')[1].split("</form>")[0]
        [token] = tokens(form)
        assert admin.post(SEND, data={"phone": DUTY[0], "csrf_token": token}).status_code == 302
    assert len(queued_test_texts(protected)) == 1


def test_a_test_text_is_audited_with_its_state_and_masked_number(app, login_as, school):
    set_duty_phones(app, school)
    admin = login_as("admin")
    beat(app, at(9, 0))
    with school_time(9, 0):
        admin.post(SEND, data={"phone": DUTY[0]})
        trail = page(login_as("office").get("/office/audit", headers=EN))
    with app.app_context():
        [row] = db.session.scalars(db.select(AuditLog).where(
            AuditLog.action == "notify.test_text")).all()
        assert row.object_type == "OutboxText" and row.after == {"phone": "+86*********01"}
    card = trail.split('data-action="notify.test_text"')[1].split("</li>\n")[0]
    assert "sent a test text to an on-duty phone" in card
    assert "+86*********01: Waiting to send · Waiting for the next send pass" in card
    assert DUTY[0] not in trail


def test_no_phone_number_or_body_is_logged(twilio_app, school, standin, caplog):
    set_duty_phones(twilio_app, school)
    admin = admin_of(twilio_app, school)
    caplog.set_level(logging.DEBUG)
    with school_time(9, 0):
        admin.post(SEND, data={"phone": DUTY[0]})
    run_send_pass(twilio_app, at(9, 0))
    [text] = queued_test_texts(twilio_app)
    assert text["status"] == TextStatus.SUBMITTED
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "+86*********01" in logged  # the sender's line, masked
    assert DUTY[0] not in logged and DUTY[0][1:] not in logged
    assert text["body"] not in logged and "test text from Rollcall" not in logged


# --- The wait words where texts are listed ----------------------------------------------------

def csv_rows(client, day="2027-03-02") -> list[dict]:
    response = client.get(f"/office/texts.csv?day={day}", headers=EN)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(page(response).lstrip("\ufeff"))))


@pytest.mark.parametrize(("ticked", "expected"), [
    (at(8, 59), "Waiting for the next send pass"),
    (at(8, 0), "Waiting for the scheduler, which is not running: call instead"),
])
def test_the_texts_csv_says_what_each_text_waits_for(app, login_as, school, ticked, expected):
    case = open_case(app, login_as, school)
    assert case
    beat(app, ticked)
    with school_time(9, 0):
        rows = csv_rows(login_as("office"))
    # A leading + would be a formula to a spreadsheet: the apostrophe keeps it text.
    assert {row["To"] for row in rows} == {f"'{phone}" for phone in DUTY}
    assert {row["Waiting for"] for row in rows} == {expected}
    assert {row["Status"] for row in rows} == {"Waiting to send"}
    assert {row["Kind"] for row in rows} == {"Missing student (to the office)"}


def test_the_texts_csv_names_failed_texts_and_the_error(twilio_app, school, standin):
    set_duty_phones(twilio_app, school)
    standin.permanent[DUTY[0]] = 21211
    beat(twilio_app, at(9, 0))
    with school_time(9, 0):
        admin_of(twilio_app, school).post(SEND, data={"phone": DUTY[0]})
    run_send_pass(twilio_app, at(9, 0))
    office = twilio_app.test_client()
    office.post("/login", data={"username": school.usernames["office"],
                                "password": factories.PASSWORD})
    with school_time(9, 1):
        [row] = csv_rows(office)
        link = page(office.get("/office/texts", headers=EN))
    assert row["Waiting for"] == "Failed: it will not be sent" and row["Status"] == "Failed"
    assert row["Error"] == "The phone number is not valid." and row["To"] == f"'{DUTY[0]}"
    assert 'href="/office/texts.csv?day=2027-03-02"' in link


def test_every_list_of_texts_says_the_same_of_a_failed_text(twilio_app, school, standin):
    """The texts page, the test texts on the settings page, the audit trail and the CSV."""
    set_duty_phones(twilio_app, school)
    standin.permanent[DUTY[0]] = 21211
    beat(twilio_app, at(9, 0))
    admin = admin_of(twilio_app, school)
    with school_time(9, 0):
        admin.post(SEND, data={"phone": DUTY[0]})
    run_send_pass(twilio_app, at(9, 0))
    with school_time(9, 1):
        [row] = csv_rows(admin)
        texts = page(admin.get("/office/texts", headers=EN))
        settings = page(admin.get(SETTINGS, headers=EN))
        trail = page(admin.get("/office/audit", headers=EN))
    assert row["Queued at"] == "2027-03-02 09:00"  # as the log CSV writes a time
    said = (row["Status"], row["Waiting for"], row["Error"])
    assert said == ("Failed", "Failed: it will not be sent", "The phone number is not valid.")
    for shown in (texts, settings):
        assert f'<span class="text-status status-failed">{said[0]}</span>' in shown
        assert f'<span class="text-wait wait-failed">{said[1]}</span>' in shown
        assert said[2] in shown
    assert f"+86*********01: {said[0]} · {said[1]}" in trail


def test_the_audit_of_an_opened_case_lists_its_texts_and_what_they_wait_for(app, login_as,
                                                                            school):
    open_case(app, login_as, school)
    beat(app, at(8, 0))  # the scheduler stopped at 08:00
    with school_time(9, 0):
        trail = page(login_as("office").get("/office/audit", headers=EN))
    card = trail.split('data-action="case.open"')[1].split("</li>\n")[0]
    waits = re.findall(r"\+86\*+0[12]: Waiting to send · ([^<]+)<", card)
    assert waits == ["Waiting for the scheduler, which is not running: call instead"] * 2


def test_the_rate_limit_counts_an_hour_back(app, login_as, school):
    set_duty_phones(app, school)
    admin = login_as("admin")
    for minute in range(TEST_TEXTS_PER_WINDOW):
        with school_time(9, minute):
            admin.post(SEND, data={"phone": DUTY[0]})
    with clock.frozen(at(9, 0) + timedelta(minutes=59)):
        admin.post(SEND, data={"phone": DUTY[0]})
    assert len(queued_test_texts(app)) == TEST_TEXTS_PER_WINDOW


def test_a_test_text_is_signed_for_the_provider_the_school_chose(make_app, school):
    """The school's own choice of provider, not the install's, decides the 【signature】."""
    chose_aliyun = make_app(ALIYUN_SMS_SIGN_NAME="阳光中学短信")
    set_duty_phones(chose_aliyun, school)
    with chose_aliyun.app_context():
        own = db.session.get(School, school.school_id)
        own.settings = {**own.settings, "texts": {"provider": "aliyun"}}
        db.session.commit()
    with school_time(9, 0):
        admin_of(chose_aliyun, school).post(SEND, data={"phone": DUTY[0]})
    [text] = queued_test_texts(chose_aliyun)
    assert text["body"].startswith("【阳光中学短信】")
