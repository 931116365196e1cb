"""The scheduler process and the one-pass command."""

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

from rollcall import clock
from rollcall.extensions import db
from rollcall.notify.models import OutboxText
from rollcall.notify.scheduler import build_scheduler
from tests import factories
from tests.notify_support import MONDAY, at

FLASK = str(Path(sys.executable).with_name("flask"))


def test_send_alerts_runs_one_pass(app, runner, school):
    with app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY,
                                   {school.student_ids["room1"][0]: "absent"}, at(8, 0))
    with clock.frozen(at(8, 20)):
        result = runner.invoke(args=["send-alerts"])
    assert result.exit_code == 0, result.output
    assert "queued 1, sent 0, retrying 0, failed 0, not sent 1" in result.output
    with app.app_context():
        assert db.session.scalars(db.select(OutboxText.status)).all() == ["not_sent"]


def test_every_job_has_its_time_zone_and_catches_up(app, school):
    with clock.frozen(at(7, 0)):
        scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"send-pass", f"remind-{school.school_id}",
                         f"remind-{school.other_school_id}"}
    reminder = jobs[f"remind-{school.school_id}"].trigger
    assert isinstance(reminder, CronTrigger) and str(reminder.timezone) == "Asia/Shanghai"
    assert str(jobs["send-pass"].trigger.timezone) == "UTC"
    assert all(job.coalesce and job.misfire_grace_time >= 600 for job in jobs.values())
    # The reminder fires at the school's cut-off on its own wall clock.
    fire = reminder.get_next_fire_time(None, at(7, 0))
    assert fire == at(8, 10)


class SchedulerProcess:
    """`flask --app rollcall scheduler` in a child process, its stderr read line by line."""

    def __init__(self, database_uri, lock_file):
        env = {**os.environ, "ROLLCALL_SQLALCHEMY_DATABASE_URI": database_uri,
               "ROLLCALL_SECRET_KEY": "test-secret-key", "ROLLCALL_SCHEDULER_LOCK_FILE":
               str(lock_file), "ROLLCALL_SCHEDULER_LOCK_POLL_SECONDS": "0.2"}
        self.process = subprocess.Popen([FLASK, "--app", "rollcall", "scheduler"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True)
        self.lines: queue.Queue = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.put(line.strip())

    def wait_for(self, words: str, limit: float = 60) -> str:
        """The first line containing words (fails after `limit` seconds of silence)."""
        while True:
            line = self.lines.get(timeout=limit)
            if words in line:
                return line

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        self.process.stderr.close()


def test_a_second_scheduler_waits_and_takes_over_when_the_first_dies(app, database_uri,
                                                                    tmp_path):
    first = SchedulerProcess(database_uri, tmp_path / "scheduler.lock")
    second = None
    try:
        first.wait_for("scheduler lock acquired")
        second = SchedulerProcess(database_uri, tmp_path / "scheduler.lock")
        second.wait_for("waiting to take over")
        assert first.wait_for("scheduler running")
        assert second.lines.empty() or "acquired" not in second.lines.get_nowait()
        first.kill()
        assert second.wait_for("scheduler lock acquired")
        assert second.wait_for("scheduler running")
    finally:
        first.kill()
        if second is not None:
            second.kill()


def test_a_scheduler_started_after_the_cut_off_catches_up_the_reminders(app, school):
    with clock.frozen(at(8, 40)):
        jobs = {job.id for job in build_scheduler(app).get_jobs()}
    assert f"catch-up-{school.school_id}" in jobs
    with clock.frozen(at(11, 0)):  # beyond the misfire grace: too late to remind
        jobs = {job.id for job in build_scheduler(app).get_jobs()}
    assert f"catch-up-{school.school_id}" not in jobs
