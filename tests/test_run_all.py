"""`make run`'s one command, `flask run-all`: the app and the scheduler together, so a text
queued on a newcomer's machine is recorded without a second command; one Ctrl-C stops both."""

import os
import queue
import re
import signal
import subprocess
import threading
import urllib.request

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import School
from rollcall.notify import staff_texts
from rollcall.notify.models import OutboxText
from tests.checks_support import page
from tests.notify_support import FLASK, wait_until

EN = {"Accept-Language": "en"}


def bound_port(process, limit: float = 60) -> int:
    """The port `run-all --port 0` bound, from the web app's "Running on" line (no port is
    picked before it is bound, so parallel tests cannot race for one)."""
    lines: queue.Queue = queue.Queue()

    def read():
        for line in process.stderr:
            lines.put(line)
    process.reader = threading.Thread(target=read, daemon=True)
    process.reader.start()
    while True:
        found = re.search(r"Running on http://127\.0\.0\.1:(\d+)", lines.get(timeout=limit))
        if found:
            return int(found.group(1))


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def statuses(app) -> list[str]:
    with app.app_context():
        found = db.session.scalars(db.select(OutboxText.status)).all()
        db.session.remove()
    return list(found)


def test_run_all_serves_the_app_and_records_texts_and_one_ctrl_c_stops_both(
        app, login_as, database_uri, school, tmp_path):
    with app.app_context():  # a text due now that goes at any hour (the office's)
        main = db.session.get(School, school.school_id)
        staff_texts.queue_text(main, clock.school_today(main), "missing_student",
                               "+8613800000000", "zh_Hans", "学生01失联", {})
        db.session.commit()
    env = {**os.environ, "ROLLCALL_SQLALCHEMY_DATABASE_URI": database_uri,
           "ROLLCALL_SECRET_KEY": "test-secret-key",
           "ROLLCALL_SCHEDULER_LOCK_FILE": str(tmp_path / "scheduler.lock")}
    # Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
    process = subprocess.Popen([FLASK, "--app", "rollcall", "run-all", "--port", "0"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        port = bound_port(process)
        wait_until(lambda: answers(port), limit=60)
        wait_until(lambda: statuses(app) == ["not_sent"], limit=60)
        texts = page(login_as("office").get("/office/texts", headers=EN))
        assert "Not sent: no SMS provider configured" in texts
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=30) == 0
        wait_until(lambda: not answers(port), limit=10)
        wait_until(lambda: not group_alive(process.pid), limit=15)
    finally:
        if group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        if hasattr(process, "reader"):
            process.reader.join(timeout=30)
        process.stderr.close()


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
