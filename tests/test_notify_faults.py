"""Breaking the alerting chain under a real scheduler process (`flask scheduler`, its send
pass run every half second): the SMS provider fails, then times out, then recovers; the
database goes away and comes back. Nothing is lost, nothing goes twice, and nobody has to
restart anything. Local only (the Twilio stand-in, the test database), a few seconds each."""

import functools
import threading
import time
from datetime import UTC, timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import School
from rollcall.notify import staff_texts
from rollcall.notify.models import OutboxText, SchedulerHeartbeat
from tests import notify_support
from tests.checks_support import page
from tests.notify_support import SchedulerProcess, wait_until
from tests.test_notify_heartbeat import office_client

standin = notify_support.standin  # fixtures
EN = {"Accept-Language": "en"}
PHONES = ["+8613900000011", "+8613900000012", "+8613900000013"]
FAILING = "The SMS provider keeps failing"
FAST = {"SCHEDULER_HEARTBEAT_SECONDS": 0.5, "SCHEDULER_SEND_PASS_SECONDS": 0.5,
        "SCHEDULER_STALE_AFTER_SECONDS": 30, "SMS_HTTP_TIMEOUT_SECONDS": 0.5,
        "SMS_BACKOFF_BASE_SECONDS": 0.1, "SMS_BACKOFF_MAX_SECONDS": 0.3,
        "SMS_MAX_ATTEMPTS": 100, "SMS_CLAIM_LEASE_SECONDS": 1}


def queue_texts(app, school, phones=PHONES, due_in: float = 0) -> None:
    """Texts that go at any hour (to the on-duty office), due in due_in seconds."""
    with app.app_context():
        main = db.session.get(School, school.school_id)
        for phone in phones:
            queued = staff_texts.queue_text(main, clock.school_today(main), "missing_student",
                                            phone, "zh_Hans", "学生01失联", {})
            queued.next_attempt_at += timedelta(seconds=due_in)
        db.session.commit()
        db.session.remove()


def statuses(app) -> list[str]:
    with app.app_context():
        found = list(db.session.scalars(db.select(OutboxText.status).order_by(OutboxText.id)))
        db.session.remove()
    return found


def sent_times(app) -> list:
    with app.app_context():
        found = list(db.session.scalars(db.select(OutboxText.sent_at)))
        db.session.remove()
    return [instant if instant.tzinfo else instant.replace(tzinfo=UTC) for instant in found]


def last_send_pass(app):
    with app.app_context():
        last = db.session.scalar(db.select(db.func.max(SchedulerHeartbeat.last_send_pass_at)))
        db.session.remove()
    return last


def scheduler_for(database_uri, tmp_path, config):
    settings = {name: value for name, value in config.items() if name != "PUBLIC_BASE_URL"}
    return functools.partial(SchedulerProcess, database_uri, tmp_path / "scheduler.lock",
                             **settings)


def requests_since(standin, start: int) -> list[tuple[str, str]]:
    return standin.requests[start:]


def test_a_failing_then_silent_provider_shows_the_banner_loses_nothing_and_sends_once(
        make_app, database_uri, standin, school, tmp_path):
    config = notify_support.twilio_config(standin.base_url, **FAST)
    app = make_app(**config)
    office = office_client(app, school)
    standin.fail_all("500")
    queue_texts(app, school)
    scheduler = scheduler_for(database_uri, tmp_path, config)()
    try:
        scheduler.wait_for("scheduler running")
        # 500s: every text is tried and kept for a retry; the board says why.
        wait_until(lambda: FAILING in page(office.get("/office/", headers=EN)), limit=20)
        assert standin.messages == [] and set(statuses(app)) <= {"queued", "sending"}

        standin.fail_all("timeout")  # the provider stops answering at all
        start = len(standin.requests)
        wait_until(lambda: len(requests_since(standin, start)) >= 4, limit=20)
        assert FAILING in page(office.get("/office/", headers=EN))
        # Nothing lost: each text waits for a retry, or is being tried right now.
        assert standin.messages == [] and set(statuses(app)) <= {"queued", "sending"}

        standin.fail_all(None)
        recovered = len(standin.requests)
        wait_until(lambda: statuses(app) == ["submitted"] * len(PHONES), limit=20)
        assert FAILING not in page(office.get("/office/", headers=EN))
    finally:
        scheduler.kill()
    assert sorted(message["to"] for message in standin.messages) == PHONES  # once each
    posts = [to for method, to in requests_since(standin, recovered) if method == "POST"]
    assert sorted(posts) == PHONES


def terminate_scheduler_connections(database_uri, application_name, seconds: float):
    """PostgreSQL 'goes away' for the scheduler: every connection it opens is terminated,
    for the given time (the test's own connections are left alone)."""
    engine = create_engine(make_url(database_uri), isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + seconds
    killed = 0
    with engine.connect() as connection:
        while time.monotonic() < deadline:
            killed += connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name AND pid <> pg_backend_pid()"),
                {"name": application_name}).scalar()
            time.sleep(0.05)
    engine.dispose()
    return killed


def lock_sqlite_file(database_uri, seconds: float):
    """SQLite 'goes away' for writers: another connection holds the file's exclusive lock (a
    backup, a copy, a long import) for the given time. Returns when it let go."""
    import sqlite3

    path = make_url(database_uri).database
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        time.sleep(seconds)
        released = clock.now()
        connection.execute("ROLLBACK")
    finally:
        connection.close()
    return released


def test_the_scheduler_sends_by_itself_after_the_database_went_away_and_came_back(
        make_app, database_uri, standin, school, tmp_path):
    config = notify_support.twilio_config(standin.base_url, **FAST)
    app = make_app(**config)
    postgres = database_uri.startswith("postgresql")
    name = f"rollcall-fault-{time.monotonic_ns()}"
    scheduler_uri = (database_uri + ("&" if "?" in database_uri else "?")
                     + f"application_name={name}") if postgres else database_uri
    scheduler = scheduler_for(scheduler_uri, tmp_path, config)()
    outcome: list[int] = []
    try:
        scheduler.wait_for("scheduler running")
        wait_until(lambda: last_send_pass(app), limit=20)
        # Due while the database is away: the passes then cannot send them.
        queue_texts(app, school, due_in=0.5)
        away = (functools.partial(terminate_scheduler_connections, database_uri, name, 2.5)
                if postgres else functools.partial(lock_sqlite_file, database_uri, 2.5))
        outage = threading.Thread(target=lambda: outcome.append(away()))
        outage.start()
        outage.join(timeout=30)
        came_back = clock.now()
        assert outcome  # the database really went away for the scheduler:
        if postgres:  # its connections were cut
            assert outcome[0] > 0
        wait_until(lambda: statuses(app) == ["submitted"] * len(PHONES), limit=20)
        if not postgres:  # its writes waited for the file
            assert min(sent_times(app)) > outcome[0]
        wait_until(lambda: (last_send_pass(app) or came_back) > came_back, limit=20)
        assert scheduler.process.poll() is None  # the same process: nobody restarted it
    finally:
        scheduler.kill()
    assert sorted(message["to"] for message in standin.messages) == PHONES  # once each
    said = []
    while not scheduler.lines.empty():
        said.append(scheduler.lines.get())
    journal = "\n".join(said)
    assert not any(phone in journal or phone[1:] in journal for phone in PHONES)
    assert "学生01失联" not in journal
    if postgres:  # the passes during the outage failed, and the process went on
        assert "raised an exception" in journal
