"""The scheduler process: one pass a minute sends due texts and each school's reminders.

Only one scheduler acts at a time. The others wait on a lock (a PostgreSQL advisory lock held
by an open connection, or an flock on SQLite) that the operating system or the database
releases when the holder dies, so a waiting scheduler takes over. The holder asks before each
job whether it still holds the lock: a PostgreSQL connection can be cut under it (an operator's
pg_terminate_backend, a database restart) and the lock goes with it, silently. Then it logs
the loss, stops sending, beats as a standby and tries to take the lock again.

Every scheduler, the waiting ones too, writes a heartbeat row (rollcall.notify.heartbeat) so
that the office and /healthz see when none is running.
"""

import fcntl
import logging
import threading
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
# The lock is held by this session: asked of the server, not remembered by this process.
HOLDS_ADVISORY_LOCK = (
    "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid() AND objsubid = 1"
    " AND (classid::bigint << 32) | objid::bigint = :key")


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

    def still_held(self) -> bool:
        """Does this process still hold the lock? The database is asked, on the holding
        connection: a cut connection (or one that came back as a new session) holds nothing.
        An flock lasts as long as this process."""
        with self.app.app_context():
            if db.engine.dialect.name != "postgresql":
                return self._file is not None
            return self._ask(HOLDS_ADVISORY_LOCK)

    def _try_advisory(self) -> bool:
        return self._ask("SELECT pg_try_advisory_lock(:key)")

    def _ask(self, question: str) -> bool:
        """question's true-or-false answer on the lock's own connection; a connection that
        fails is dropped (the next try opens a new one) and the answer is False."""
        try:
            if self._connection is None:
                self._connection = db.engine.connect()
            answer = self._connection.execute(text(question),
                                              {"key": ADVISORY_LOCK_KEY}).scalar()
            self._connection.commit()
            return bool(answer)
        except SQLAlchemyError as error:
            log.warning("scheduler lock connection failed: %s", type(error).__name__)
            self._drop_connection()
            return False

    def release(self) -> None:
        """Let the lock go (closing its connection or file): another scheduler may take it."""
        self._drop_connection()
        if self._file is not None:
            self._file.close()
            self._file = None

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
                connection.close()
            except SQLAlchemyError:
                pass

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


class Leadership:
    """Whether this process acts as the scheduler, asked before each job. A lock found lost
    is logged once; the process then stands by, trying to take the lock again each time."""

    def __init__(self, lock: SchedulerLock):
        self.lock, self.leading = lock, True
        self._one_at_a_time = threading.Lock()  # the jobs run in threads; one lock connection

    def check(self) -> bool:
        with self._one_at_a_time:
            if self.lock.still_held():
                return True
            if self.leading:
                log.error("scheduler lock lost (its database connection was cut or closed): "
                          "no texts from this scheduler until it takes the lock again")
                self.leading = False
            if self.lock.try_acquire():
                log.warning("scheduler lock taken again: sending texts")
                self.leading = True
            return self.leading


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


def build_scheduler(app, leadership: Leadership | None = None) -> BlockingScheduler:
    """Two jobs, in UTC: the minute pass (reminders follow each school's own zone and cut-off)
    and the heartbeat. With leadership, each job first asks whether this process still holds
    the lock: without it the pass sends nothing and the heartbeat says "waiting"."""
    from rollcall.jobs import minute_pass

    def leading() -> bool:
        return leadership is None or leadership.check()

    def send_pass():
        if not leading():
            beat_quietly(heartbeat.WAITING)
            return None
        result = minute_pass.send_pass()
        beat_quietly(heartbeat.RUNNING, send_pass=True)
        return result

    def beat():
        beat_quietly(heartbeat.RUNNING if leading() else heartbeat.WAITING)

    scheduler = BlockingScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    # The first pass runs at once: texts and reminders that fell due while no scheduler ran
    # go now. Each pass reads every school's cut-off, zone and settings afresh, so new
    # schools and changed settings need no restart.
    scheduler.add_job(in_app(app, send_pass), IntervalTrigger(
        seconds=float(app.config["SCHEDULER_SEND_PASS_SECONDS"]), timezone=UTC),
        id="send-pass", name="send due texts and reminders",
        next_run_time=datetime.now(UTC), **JOB_DEFAULTS)
    # Its own job, so a long send pass does not look like a dead scheduler.
    scheduler.add_job(in_app(app, beat), IntervalTrigger(
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
    scheduler = build_scheduler(app, Leadership(lock))
    announce(f"scheduler running {len(scheduler.get_jobs())} jobs")
    scheduler.start()
