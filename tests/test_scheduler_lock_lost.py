"""A scheduler whose lock is taken from under it: on PostgreSQL the advisory lock lives on one
connection, and an operator's pg_terminate_backend or a database restart ends it silently.
The scheduler notices before its next job, sends nothing, says "waiting" in its heartbeat
and takes the lock again if nobody else did; a parent is texted once all the same."""

import logging
import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from rollcall import clock
from rollcall.extensions import db
from rollcall.jobs.scheduler import ADVISORY_LOCK_KEY, Leadership, SchedulerLock, build_scheduler
from rollcall.models import Student
from rollcall.notify.models import OutboxStudent, OutboxText, SchedulerHeartbeat
from tests import factories, notify_support
from tests.conftest import TEST_DATABASE_URL
from tests.notify_support import MONDAY, SchedulerProcess, at, outbox, wait_until

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app

def on_postgresql(test):
    """The advisory lock is PostgreSQL's."""
    return pytest.mark.postgres_only(pytest.mark.skipif(
        not TEST_DATABASE_URL, reason="needs PostgreSQL: set ROLLCALL_TEST_DATABASE_URL")(test))


def absent_since_eight(app, school) -> str:
    """Room 1's first student absent at 08:00; the phone of the guardian to be texted."""
    student_id = school.student_ids["room1"][0]
    with app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY,
                                   {student_id: "absent"}, at(8, 0))
        phone = db.session.get(Student, student_id).guardian_links[0].guardian.phone_e164
        db.session.remove()
    return phone


def cut_the_lock_connection(app) -> int:
    """What an operator does: end, from another connection, the session holding the lock."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as connection:
            ended = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
                " WHERE locktype = 'advisory' AND objsubid = 1 AND database ="
                " (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND (classid::bigint << 32) | objid::bigint = :key"),
                {"key": ADVISORY_LOCK_KEY}).scalar()
            connection.commit()
    finally:
        engine.dispose()
    return ended


@pytest.fixture
def locks(twilio_app):
    """SchedulerLock(app) for the test, each let go after it (other tests start schedulers)."""
    made = []

    def lock(app=twilio_app):
        made.append(SchedulerLock(app))
        return made[-1]

    yield lock
    for each in made:
        each.release()


def send_pass_job(app, leadership=None):
    return build_scheduler(app, leadership).get_job("send-pass").func


def heartbeat_job(app, leadership):
    return build_scheduler(app, leadership).get_job("heartbeat").func


def heartbeat_state(app) -> str:
    with app.app_context():
        [state] = db.session.scalars(db.select(SchedulerHeartbeat.state)).all()
        db.session.remove()
    return state


@on_postgresql
def test_a_scheduler_whose_lock_connection_was_cut_sends_nothing(twilio_app, school, standin,
                                                                 locks, caplog):
    phone = absent_since_eight(twilio_app, school)
    first = locks()
    assert first.try_acquire()
    first_leads = Leadership(first)
    assert first_leads.check()

    assert cut_the_lock_connection(twilio_app) == 1
    second = locks()  # the lock was free: another scheduler took it
    assert second.try_acquire()
    with caplog.at_level(logging.INFO, logger="rollcall"), clock.frozen(at(8, 20)):
        send_pass_job(twilio_app, first_leads)()
        assert outbox(twilio_app) == [] and standin.messages == []
        assert heartbeat_state(twilio_app) == "waiting"  # the office sees no running one
        send_pass_job(twilio_app, Leadership(second))()
        assert heartbeat_state(twilio_app) == "running"
        send_pass_job(twilio_app, first_leads)()  # still the standby: the second holds it
        assert heartbeat_state(twilio_app) == "waiting"
        # One process here, so one heartbeat row: each one's beat writes its own truth.
        heartbeat_job(twilio_app, Leadership(second))()
        assert heartbeat_state(twilio_app) == "running"
        heartbeat_job(twilio_app, first_leads)()
        assert heartbeat_state(twilio_app) == "waiting"
    assert [m["to"] for m in standin.messages] == [phone]
    assert [row["to"] for row in outbox(twilio_app)] == [phone]
    assert "scheduler lock lost" in caplog.text and "taken again" not in caplog.text
    assert phone not in caplog.text and phone[-4:] not in caplog.text
    assert not first_leads.check() and second.still_held()


@on_postgresql
def test_a_scheduler_takes_its_lock_again_when_nobody_else_did(app, locks, caplog):
    lock = locks(app)
    assert lock.try_acquire()
    leads = Leadership(lock)
    assert cut_the_lock_connection(app) == 1
    with caplog.at_level(logging.INFO, logger="rollcall"):
        assert leads.check()
    assert "scheduler lock lost" in caplog.text and "taken again" in caplog.text
    assert lock.still_held()
    assert not locks(app).try_acquire()  # held again: another must wait


@on_postgresql
def test_the_scheduler_process_notices_and_says_so(app, database_uri, tmp_path):
    process = SchedulerProcess(database_uri, tmp_path / "scheduler.lock",
                               SCHEDULER_HEARTBEAT_SECONDS=0.2)
    try:
        process.wait_for("scheduler running")
        wait_until(lambda: cut_the_lock_connection(app) == 1, limit=30)
        process.wait_for("scheduler lock lost")
        process.wait_for("scheduler lock taken again")
    finally:
        process.kill()


def test_one_text_per_phone_student_and_day_holds_when_two_passes_run_at_once(app, school):
    """The window between a lost lock and its notice: two schedulers may both run a pass.
    The database's unique key keeps the parent's text to one."""
    phone = absent_since_eight(app, school)
    start = threading.Barrier(2)
    errors = []

    def one_pass():
        try:
            start.wait(timeout=30)
            send_pass_job(app)()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    with clock.frozen(at(8, 20)):
        threads = [threading.Thread(target=one_pass) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert [row["to"] for row in outbox(app)] == [phone]
    with app.app_context():
        [first] = db.session.scalars(db.select(OutboxText)).all()
        again = OutboxText(school_id=first.school_id, school_date=first.school_date,
                           kind=first.kind, to_e164=phone, body="again")
        again.students = [OutboxStudent(student_id=school.student_ids["room1"][0],
                                        school_date=first.school_date, kind=first.kind,
                                        to_e164=phone)]
        db.session.add(again)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.remove()
