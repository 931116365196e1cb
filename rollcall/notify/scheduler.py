"""The scheduler process: one pass a minute sends due texts and each school's reminders.

Only one scheduler acts at a time. The others wait on a lock (a PostgreSQL advisory lock held
by an open connection, or an flock on SQLite) that the operating system or the database
releases when the holder dies, so a waiting scheduler takes over.

Every scheduler, the waiting ones too, writes a heartbeat row (rollcall.notify.heartbeat) so
that the office and /healthz see when none is running.
"""

import fcntl
import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from rollcall.extensions import db
from rollcall.notify import heartbeat

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x526F6C6C  # "Roll"
JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": 3600, "max_instances": 1}


class SchedulerLock:
    """Held for the life of the scheduler process; acquire() waits while another holds it."""

    def __init__(self, app, poll_seconds: float = 1.0):
        self.app, self.poll_seconds = app, poll_seconds
        self._connection = self._file = None

    def acquire(self, announce=print, while_waiting=None) -> None:
        waiting_said = False
        while not self.try_acquire():
            if not waiting_said:
                announce("another scheduler is running: waiting to take over")
                waiting_said = True
            if while_waiting is not None:
                while_waiting()
            time.sleep(self.poll_seconds)
        announce("scheduler lock acquired")

    def try_acquire(self) -> bool:
        with self.app.app_context():
            if db.engine.dialect.name == "postgresql":
                return self._try_advisory()
            return self._try_file()

    def _try_advisory(self) -> bool:
        if self._connection is None:
            self._connection = db.engine.connect()
        got = self._connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar()
        self._connection.commit()
        return bool(got)

    def _try_file(self) -> bool:
        path = Path(self.app.config.get("SCHEDULER_LOCK_FILE")
                    or Path(self.app.instance_path) / "scheduler.lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        if self._file is None:
            self._file = path.open("a+")
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def in_app(app, function, *args):
    """function(*args) inside an app context, its session removed after."""
    def run():
        with app.app_context():
            try:
                return function(*args)
            finally:
                db.session.remove()
    return run


def beat_quietly(state: str, send_pass: bool = False) -> None:
    """A heartbeat that cannot stop the scheduler: a database away for a moment is logged and
    the next beat tries again (the pages turn red if it stays away)."""
    try:
        heartbeat.beat(state, send_pass=send_pass)
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("scheduler heartbeat not written: %s", type(error).__name__)


def build_scheduler(app) -> BlockingScheduler:
    """Two jobs, in UTC: the minute pass (reminders follow each school's own zone and cut-off)
    and the heartbeat."""
    from rollcall.notify import services

    def send_pass():
        result = services.send_pass()
        beat_quietly(heartbeat.RUNNING, send_pass=True)
        return result

    scheduler = BlockingScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    # The first pass runs at once: texts and reminders that fell due while no scheduler ran
    # go now. Each pass reads every school's cut-off, zone and settings afresh, so new
    # schools and changed settings need no restart.
    scheduler.add_job(in_app(app, send_pass), IntervalTrigger(
        seconds=float(app.config["SCHEDULER_SEND_PASS_SECONDS"]), timezone=UTC),
        id="send-pass", name="send due texts and reminders",
        next_run_time=datetime.now(UTC), **JOB_DEFAULTS)
    # Its own job, so a long send pass does not look like a dead scheduler.
    scheduler.add_job(in_app(app, beat_quietly, heartbeat.RUNNING), IntervalTrigger(
        seconds=float(app.config["SCHEDULER_HEARTBEAT_SECONDS"]), timezone=UTC),
        id="heartbeat", name="write the scheduler's heartbeat",
        next_run_time=datetime.now(UTC), **JOB_DEFAULTS)
    return scheduler


def run_scheduler(announce=print) -> None:
    """Wait for the lock (beating as a standby), then run the jobs until stopped."""
    app = current_app._get_current_object()
    lock = SchedulerLock(app, float(app.config.get("SCHEDULER_LOCK_POLL_SECONDS", 5)))
    every = float(app.config["SCHEDULER_HEARTBEAT_SECONDS"])
    last_beat = [float("-inf")]

    def while_waiting():
        if time.monotonic() - last_beat[0] >= every:
            in_app(app, beat_quietly, heartbeat.WAITING)()
            last_beat[0] = time.monotonic()

    lock.acquire(announce, while_waiting)
    scheduler = build_scheduler(app)
    announce(f"scheduler running {len(scheduler.get_jobs())} jobs")
    scheduler.start()
