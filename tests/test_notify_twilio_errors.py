"""What the sender does with Twilio's errors: retry, look before resending, or give up."""

import pytest

from rollcall.checks.models import Check
from rollcall.extensions import db
from rollcall.models import Guardian
from rollcall.notify.models import OutboxText
from tests import factories, notify_support
from tests.notify_support import MONDAY, at, outbox, run_pass

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app


@pytest.fixture
def due(twilio_app, school):
    """Room 1's first student absent since 08:00; returns the guardian's phone."""
    student_id = school.student_ids["room1"][0]
    with twilio_app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY, {student_id: "absent"},
                                   at(8, 0))
        phone = db.session.scalar(db.select(Guardian.phone_e164).where(
            Guardian.name == "家长1-1", Guardian.school_id == school.school_id))
        db.session.remove()
    return phone


def row_state(app):
    with app.app_context():
        text = db.session.scalars(db.select(OutboxText)).one()
        state = (text.status, text.attempts, text.needs_lookup, text.next_attempt_at)
        db.session.remove()
        return state


def test_429_is_retried_after_a_backoff_and_then_sent(twilio_app, due, standin):
    standin.fail_next("429")
    run_pass(twilio_app, at(8, 20))
    status, attempts, _lookup, next_attempt = row_state(twilio_app)
    assert (status, attempts, standin.messages) == ("queued", 1, [])
    assert next_attempt > at(8, 20)
    run_pass(twilio_app, at(8, 21))
    assert [m["to"] for m in standin.messages] == [due]
    assert outbox(twilio_app)[0]["status"] == "submitted"


def test_backoff_grows_with_each_429(twilio_app, due, standin):
    standin.fail_next("429", "429", "429")
    waits = []
    for minute in (20, 25, 30):
        run_pass(twilio_app, at(8, minute))
        waits.append((row_state(twilio_app)[3] - at(8, minute)).total_seconds())
    assert waits[0] <= 1.0 < waits[2] <= 4.0


def test_a_5xx_after_the_message_was_created_does_not_duplicate(twilio_app, due, standin):
    standin.fail_next("500-after-create")
    run_pass(twilio_app, at(8, 20))
    assert row_state(twilio_app)[:3] == ("queued", 1, True)
    assert len(standin.messages) == 1
    run_pass(twilio_app, at(8, 21))
    [row] = outbox(twilio_app)
    assert len(standin.messages) == 1
    assert row["status"] == "submitted" and row["sid"] == standin.messages[0]["sid"]
    assert any(method == "GET" for method, _ in standin.requests)


def test_a_5xx_before_the_message_was_created_sends_after_looking(twilio_app, due, standin):
    standin.fail_next("500")
    run_pass(twilio_app, at(8, 20))
    run_pass(twilio_app, at(8, 21))
    assert [m["to"] for m in standin.messages] == [due]
    assert [method for method, _ in standin.requests] == ["POST", "GET", "POST"]


def test_a_broken_connection_is_ambiguous_too(make_app, school, due):
    # Nothing listens on this port: the connection fails, the row waits for a lookup.
    app = make_app(TWILIO_ACCOUNT_SID="AC" + "0" * 32, TWILIO_AUTH_TOKEN="x",
                   TWILIO_FROM_NUMBER="+15005550006", TWILIO_API_BASE_URL="http://127.0.0.1:9",
                   SMS_RATE_PER_SECOND=0)
    run_pass(app, at(8, 20))
    assert row_state(app)[:3] == ("queued", 1, True)


@pytest.mark.parametrize(("code", "opted_out"), [(21211, False), (21614, False),
                                                 (21408, False), (21610, True)])
def test_permanent_errors_fail_without_retry(twilio_app, due, standin, code, opted_out):
    standin.permanent[due] = code
    run_pass(twilio_app, at(8, 20))
    run_pass(twilio_app, at(8, 40))
    [row] = outbox(twilio_app)
    assert (row["status"], row["error_code"]) == ("failed", code)
    assert [method for method, _ in standin.requests] == ["POST"]
    with twilio_app.app_context():
        guardian = db.session.scalar(db.select(Guardian).where(Guardian.phone_e164 == due))
        assert (guardian.opted_out_at is not None) is opted_out


def test_the_sender_gives_up_after_the_last_attempt(make_app, school, standin, due):
    from tests.notify_support import twilio_config

    app = make_app(**twilio_config(standin.base_url, SMS_MAX_ATTEMPTS=2))
    standin.fail_next("429", "429", "429")
    run_pass(app, at(8, 20))
    run_pass(app, at(8, 30))
    [row] = outbox(app)
    assert row["status"] == "failed" and standin.messages == []


def test_a_sender_that_died_mid_send_is_taken_over_with_a_lookup(twilio_app, due, standin):
    from rollcall import clock
    from rollcall.notify.gateway import gateway_from_config
    from rollcall.notify.sender import claim_next

    run_pass(twilio_app, at(8, 10))  # nothing due yet
    with twilio_app.app_context(), clock.frozen(at(8, 20)):
        from rollcall.jobs.absence_texts import queue_due_texts
        from rollcall.models import School

        queue_due_texts(db.session.scalars(db.select(School)).first())
        text, _token = claim_next(text_school(twilio_app), MONDAY)
        gateway_from_config(twilio_app.config).send(text)  # ...and then the process died
        db.session.remove()
    assert len(standin.messages) == 1
    run_pass(twilio_app, at(8, 21))  # within the lease: left alone
    assert row_state(twilio_app)[0] == "sending"
    run_pass(twilio_app, at(8, 25))
    [row] = outbox(twilio_app)
    assert len(standin.messages) == 1 and row["sid"] == standin.messages[0]["sid"]


def text_school(app):
    with app.app_context():
        return db.session.scalars(db.select(OutboxText.school_id)).first()


def test_a_text_waiting_for_a_retry_is_cancelled_when_the_student_arrives(twilio_app, school,
                                                                         due, standin):
    standin.fail_next("429")
    run_pass(twilio_app, at(8, 20))
    with twilio_app.app_context():
        check_id = db.session.scalar(db.select(Check.id))
        factories.change_attendance(check_id, school.student_ids["room1"][0], "late",
                                    at(8, 21), at(8, 21))
    run_pass(twilio_app, at(8, 25))
    assert [row["status"] for row in outbox(twilio_app)] == ["cancelled"]
    assert standin.messages == []


def test_a_text_that_may_be_at_twilio_is_never_cancelled(twilio_app, school, due, standin):
    standin.fail_next("500-after-create")
    run_pass(twilio_app, at(8, 20))
    with twilio_app.app_context():
        check_id = db.session.scalar(db.select(Check.id))
        factories.change_attendance(check_id, school.student_ids["room1"][0], "late",
                                    at(8, 21), at(8, 21))
    run_pass(twilio_app, at(8, 25))  # the lookup finds the message: it went out
    run_pass(twilio_app, at(8, 26))  # so the parent hears that the child arrived
    assert [(row["kind"], row["status"]) for row in outbox(twilio_app)] == [
        ("absence", "submitted"), ("follow_up", "submitted")]
    assert len(standin.messages) == 2
