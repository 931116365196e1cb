"""Twilio's webhooks: signed status callbacks and replies; anything unsigned gets 403."""

import pytest
from twilio.request_validator import RequestValidator

from rollcall.extensions import db
from rollcall.models import AuditLog, Guardian
from rollcall.notify.models import InboundMessage, OutboxText, SmsReply
from tests import factories, notify_support
from tests.notify_support import MONDAY, at, outbox, run_pass
from tests.twilio_standin import AUTH_TOKEN

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app

PUBLIC = "https://rollcall.example.edu"


def signed_post(client, path, params, token=AUTH_TOKEN, url=None):
    signature = RequestValidator(token).compute_signature(url or PUBLIC + path, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature},
                       base_url="http://10.0.0.5:8000")  # behind a TLS-terminating proxy


@pytest.fixture
def sent(twilio_app, school, standin):
    """One absence text, sent; returns (text id, sid, phone)."""
    with twilio_app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY,
                                   {school.student_ids["room1"][0]: "absent"}, at(8, 0))
    run_pass(twilio_app, at(8, 20))
    [row] = outbox(twilio_app)
    return row["id"], row["sid"], row["to"]


def status_of(app):
    with app.app_context():
        text = db.session.scalars(db.select(OutboxText)).one()
        return text.status, text.error_code


def callback(client, sent, status, error_code=None):
    text_id, sid, phone = sent
    params = {"MessageSid": sid, "MessageStatus": status, "To": phone,
              "AccountSid": "AC" + "0" * 32}
    if error_code:
        params["ErrorCode"] = str(error_code)
    return signed_post(client, f"/twilio/status?text={text_id}", params)


def test_delivery_statuses_move_forward_only(twilio_app, sent):
    client = twilio_app.test_client()
    assert callback(client, sent, "sent").status_code == 204
    assert status_of(twilio_app) == ("sent", None)
    callback(client, sent, "delivered")
    callback(client, sent, "delivered")
    callback(client, sent, "sent")  # late
    assert status_of(twilio_app) == ("delivered", None)


def test_undelivered_keeps_the_error_code(twilio_app, sent):
    callback(twilio_app.test_client(), sent, "undelivered", 30003)
    assert status_of(twilio_app) == ("undelivered", 30003)


def test_a_callback_that_beats_the_senders_record_is_kept(twilio_app, school, standin):
    from rollcall import clock
    from rollcall.jobs.absence_texts import queue_due_texts
    from rollcall.models import School
    from rollcall.notify.gateway import SendResult
    from rollcall.notify.models import TextStatus
    from rollcall.notify.sender import claim_next, record_result

    with twilio_app.app_context(), clock.frozen(at(8, 20)):
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY,
                                   {school.student_ids["room1"][0]: "absent"}, at(8, 0))
        queue_due_texts(db.session.get(School, school.school_id))
        text, token = claim_next(school.school_id, MONDAY)
        text_id = text.id
        db.session.remove()
    callback(twilio_app.test_client(), (text_id, "SMearly", "+1"), "delivered")
    with twilio_app.app_context(), clock.frozen(at(8, 20)):
        record_result(text_id, token, SendResult(TextStatus.SUBMITTED, sid="SMearly"))
        assert db.session.get(OutboxText, text_id).status == "delivered"


@pytest.mark.parametrize("word", ["STOP", "stop", " Unsubscribe ", "STOPALL", "CANCEL", "END",
                                  "QUIT"])
def test_stop_opts_the_guardian_out_with_an_empty_twiml_answer(twilio_app, sent, word):
    phone = sent[2]
    response = signed_post(twilio_app.test_client(), "/twilio/inbound",
                           {"From": phone, "Body": word, "MessageSid": "SMin1"})
    assert response.status_code == 200
    assert response.get_data(as_text=True).endswith("<Response/>")
    with twilio_app.app_context():
        guardian = db.session.scalar(db.select(Guardian).where(Guardian.phone_e164 == phone))
        assert guardian.opted_out_at is not None
        assert db.session.scalar(db.select(db.func.count()).select_from(SmsReply)) == 0
        assert db.session.scalar(db.select(AuditLog.action)) == "guardian.opted_out"


def test_start_opts_back_in(twilio_app, sent):
    client, phone = twilio_app.test_client(), sent[2]
    signed_post(client, "/twilio/inbound", {"From": phone, "Body": "STOP", "MessageSid": "S1"})
    signed_post(client, "/twilio/inbound", {"From": phone, "Body": "start", "MessageSid": "S2"})
    with twilio_app.app_context():
        guardian = db.session.scalar(db.select(Guardian).where(Guardian.phone_e164 == phone))
        assert guardian.opted_out_at is None


def test_a_replayed_start_after_a_later_stop_changes_nothing(twilio_app, sent):
    client, phone = twilio_app.test_client(), sent[2]
    signed_post(client, "/twilio/inbound", {"From": phone, "Body": "START", "MessageSid": "S1"})
    signed_post(client, "/twilio/inbound", {"From": phone, "Body": "STOP", "MessageSid": "S2"})
    replay = signed_post(client, "/twilio/inbound",
                         {"From": phone, "Body": "START", "MessageSid": "S1"})
    assert replay.status_code == 200
    with twilio_app.app_context():
        guardian = db.session.scalar(db.select(Guardian).where(Guardian.phone_e164 == phone))
        assert guardian.opted_out_at is not None
        assert db.session.scalars(db.select(AuditLog.action)).all() == ["guardian.opted_out"]


def test_help_changes_nothing(twilio_app, sent):
    response = signed_post(twilio_app.test_client(), "/twilio/inbound",
                           {"From": sent[2], "Body": "HELP", "MessageSid": "S1"})
    assert response.status_code == 200
    with twilio_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SmsReply)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog)) == 0


def test_a_free_text_reply_is_attached_to_the_days_absence(twilio_app, sent, login_as):
    from rollcall import clock

    client = twilio_app.test_client()
    with clock.frozen(at(8, 40)):
        for _ in range(2):  # Twilio retries a webhook: stored once
            signed_post(client, "/twilio/inbound",
                        {"From": sent[2], "Body": "孩子发烧了,今天请假", "MessageSid": "SMr1"})
    with twilio_app.app_context():
        [reply] = db.session.scalars(db.select(SmsReply)).all()
        assert (reply.text_id, reply.school_date) == (sent[0], MONDAY)
    for who, url in (("office", "/office/texts?day=2026-11-23"),
                     ("teacher", f"/homerooms/{_room1(twilio_app)}/texts?day=2026-11-23")):
        page = login_as(who).get(url).get_data(as_text=True)
        assert "孩子发烧了,今天请假" in page


def _room1(app):
    from rollcall.models import Homeroom

    with app.app_context():
        return db.session.scalar(db.select(Homeroom.id).where(Homeroom.name == "九年级1班"))


def _count_everything(app):
    with app.app_context():
        return [db.session.scalar(db.select(db.func.count()).select_from(model))
                for model in (SmsReply, AuditLog)] + [status_of(app)] + [
            db.session.scalar(db.select(db.func.count()).select_from(Guardian)
                              .where(Guardian.opted_out_at.is_not(None)))]


@pytest.mark.parametrize("forgery", ["missing", "wrong-token", "tampered", "other-url"])
@pytest.mark.parametrize("path", ["/twilio/inbound", "/twilio/status"])
def test_unsigned_or_tampered_requests_get_403_and_write_nothing(twilio_app, sent, forgery,
                                                                 path):
    client = twilio_app.test_client()
    params = {"From": sent[2], "Body": "STOP", "MessageSid": sent[1],
              "MessageStatus": "delivered"}
    before = _count_everything(twilio_app)
    if forgery == "missing":
        response = client.post(path, data=params)
    elif forgery == "wrong-token":
        response = signed_post(client, path, params, token="not-the-token")  # noqa: S106
    elif forgery == "other-url":
        response = signed_post(client, path, params, url="https://evil.example" + path)
    else:
        signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + path, params)
        response = client.post(path, data={**params, "Body": "START"},
                               headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert _count_everything(twilio_app) == before


MALFORMED = {
    "a reply whose sid is 102 characters": (
        "/twilio/inbound", {"From": "{phone}", "Body": "明天请假", "MessageSid": "SM" + "x" * 100}),
    "a reply whose sid is not letters and digits": (
        "/twilio/inbound", {"From": "{phone}", "Body": "STOP", "MessageSid": "SM'; --"}),
    "a status with an error code of 14 digits": (
        "/twilio/status?text={text}", {"MessageSid": "{sid}", "MessageStatus": "undelivered",
                                       "ErrorCode": "99999999999999"}),
    "a status with an error code that is no number": (
        "/twilio/status?text={text}", {"MessageSid": "{sid}", "MessageStatus": "failed",
                                       "ErrorCode": "30003x"}),
    "a status whose sid is 102 characters": (
        "/twilio/status?text={text}", {"MessageSid": "SM" + "y" * 100,
                                       "MessageStatus": "delivered"}),
    "a status without a sid": (
        "/twilio/status?text={text}", {"MessageSid": "", "MessageStatus": "delivered"}),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_signed_webhook_with_malformed_fields_gets_400_and_writes_nothing(twilio_app, sent,
                                                                            case):
    text_id, sid, phone = sent
    path, params = MALFORMED[case]
    params = {key: value.format(phone=phone, sid=sid) for key, value in params.items()}
    before = _count_everything(twilio_app) + [_inbound_count(twilio_app)]
    response = signed_post(twilio_app.test_client(), path.format(text=text_id), params)
    assert response.status_code == 400
    assert _count_everything(twilio_app) + [_inbound_count(twilio_app)] == before


def _inbound_count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(InboundMessage))


def test_without_an_auth_token_every_webhook_is_refused(make_app, school):
    client = make_app().test_client()
    assert client.post("/twilio/inbound", data={"From": "+1", "Body": "x"}).status_code == 403


def test_a_reply_without_a_text_that_day_still_reaches_the_office(twilio_app, school, login_as):
    with twilio_app.app_context():
        phone = db.session.scalar(db.select(Guardian.phone_e164).where(
            Guardian.school_id == school.school_id).limit(1))
    from rollcall import clock

    with clock.frozen(at(9, 0)):
        signed_post(twilio_app.test_client(), "/twilio/inbound",
                    {"From": phone, "Body": "明天请假一天", "MessageSid": "SMr2"})
        signed_post(twilio_app.test_client(), "/twilio/inbound",
                    {"From": "+8613000000000", "Body": "who is this", "MessageSid": "SMr3"})
    with twilio_app.app_context():
        [reply] = db.session.scalars(db.select(SmsReply)).all()
        assert (reply.text_id, reply.from_e164) == (None, phone)
    page = login_as("office").get("/office/texts?day=2026-11-23").get_data(as_text=True)
    assert "明天请假一天" in page and "who is this" not in page


@pytest.fixture
def shared_phone(twilio_app, school):
    """A phone that is a guardian's in both schools: (phone, {school id: guardian id})."""
    with twilio_app.app_context():
        mine = db.session.scalar(db.select(Guardian).where(
            Guardian.school_id == school.school_id).order_by(Guardian.id).limit(1))
        theirs = db.session.scalar(db.select(Guardian).where(
            Guardian.school_id == school.other_school_id))
        theirs.phone_raw = theirs.phone_e164 = mine.phone_e164
        db.session.commit()
        return mine.phone_e164, {school.school_id: mine.id, school.other_school_id: theirs.id}


def texted(app, school_id, guardian_id, phone, instant):
    with app.app_context():
        db.session.add(OutboxText(school_id=school_id, school_date=MONDAY, kind="absence",
                                  to_e164=phone, guardian_id=guardian_id, body="…",
                                  status="delivered", created_at=instant))
        db.session.commit()


def filed(app):
    with app.app_context():
        return sorted((r.school_id, r.guardian_id, r.body, r.text_id is not None)
                      for r in db.session.scalars(db.select(SmsReply)))


def reply(app, phone, body, sid):
    from rollcall import clock

    with clock.frozen(at(9, 0)):
        response = signed_post(app.test_client(), "/twilio/inbound",
                               {"From": phone, "Body": body, "MessageSid": sid})
    assert response.status_code == 200


def test_a_reply_is_filed_under_the_school_whose_text_it_answers(twilio_app, school,
                                                                 shared_phone):
    phone, guardians = shared_phone
    texted(twilio_app, school.school_id, guardians[school.school_id], phone, at(8, 0))
    texted(twilio_app, school.other_school_id, guardians[school.other_school_id], phone,
           at(8, 30))
    reply(twilio_app, phone, "孩子发烧了", "SMshared1")
    assert filed(twilio_app) == [
        (school.other_school_id, guardians[school.other_school_id], "孩子发烧了", True)]


def test_a_reply_answering_no_text_is_filed_under_both_schools(twilio_app, school, shared_phone,
                                                              login_as):
    phone, guardians = shared_phone
    reply(twilio_app, phone, "下午请假", "SMshared2")
    assert filed(twilio_app) == sorted(
        (school_id, guardian_id, "下午请假", False) for school_id, guardian_id in guardians.items())
    reply(twilio_app, phone, "下午请假", "SMshared2")  # Twilio sends it again: nothing new
    assert len(filed(twilio_app)) == 2
    assert "下午请假" in login_as("office").get("/office/texts?day=2026-11-23").get_data(
        as_text=True)
