"""Shared by the notify tests: the Twilio and Aliyun stand-ins, an app pointed at either, and
a school day."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.jobs.minute_pass import send_due_absence_alerts
from rollcall.notify.models import OutboxText
from tests import aliyun_standin
from tests.aliyun_standin import AliyunStandIn
from tests.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStandIn

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 23)
FLASK = str(Path(sys.executable).with_name("flask"))


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    """An instant on the school's wall clock."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def twilio_config(base_url: str, **overrides) -> dict:
    config = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM_NUMBER, "TWILIO_API_BASE_URL": base_url,
        "PUBLIC_BASE_URL": "https://rollcall.example.edu", "SMS_RATE_PER_SECOND": 0,
        "SMS_BACKOFF_BASE_SECONDS": 1.0, "SMS_HTTP_TIMEOUT_SECONDS": 5.0,
    }
    config.update(overrides)
    return config


def aliyun_config(endpoint: str, **overrides) -> dict:
    config = {
        "SMS_PROVIDER": "aliyun", "ALIYUN_ACCESS_KEY_ID": aliyun_standin.ACCESS_KEY_ID,
        "ALIYUN_ACCESS_KEY_SECRET": aliyun_standin.ACCESS_KEY_SECRET,
        "ALIYUN_SMS_SIGN_NAME": aliyun_standin.SIGN_NAME, "ALIYUN_SMS_ENDPOINT": endpoint,
        "ALIYUN_SMS_TEMPLATES": dict(aliyun_standin.TEMPLATE_CODES),
        "PUBLIC_BASE_URL": "https://rollcall.example.edu", "SMS_RATE_PER_SECOND": 0,
        "SMS_BACKOFF_BASE_SECONDS": 1.0, "SMS_HTTP_TIMEOUT_SECONDS": 5.0,
    }
    config.update(overrides)
    return config


PROVIDER_CONFIG = {"twilio": twilio_config, "aliyun": aliyun_config}


@pytest.fixture(params=["twilio", "aliyun"])
def provider(request) -> str:
    """Each test that takes it runs once per SMS provider."""
    return request.param


@pytest.fixture
def sms_standin(provider):
    """The stand-in of the provider under test; its `messages` have the same keys (to, body,
    sid) whichever it is, and `holds(row)` says whether a message is that outbox row."""
    server = (TwilioStandIn() if provider == "twilio" else AliyunStandIn()).start()
    yield server
    server.stop()


@pytest.fixture
def sms_app(make_app, provider, sms_standin):
    return make_app(**PROVIDER_CONFIG[provider](sms_standin.base_url))


@pytest.fixture
def aliyun():
    server = AliyunStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def aliyun_app(make_app, aliyun):
    return make_app(**aliyun_config(aliyun.endpoint))


@pytest.fixture
def standin():
    server = TwilioStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def twilio_app(make_app, standin):
    return make_app(**twilio_config(standin.base_url))


def run_pass(app, instant: datetime):
    """One send pass at that instant."""
    with app.app_context(), clock.frozen(instant):
        result = send_due_absence_alerts()
        db.session.remove()
        return result


def outbox(app) -> list[dict]:
    """The outbox as plain rows, oldest first."""
    with app.app_context():
        texts = db.session.scalars(db.select(OutboxText).order_by(OutboxText.id)).all()
        rows = [{"id": t.id, "kind": t.kind, "to": t.to_e164, "status": t.status,
                 "body": t.body, "error_code": t.error_code, "sid": t.twilio_sid,
                 "provider": t.provider, "provider_error": t.provider_error,
                 "students": [link.student_id for link in t.students]} for t in texts]
        db.session.remove()
        return rows


class SchedulerProcess:
    """`flask --app rollcall scheduler` in a child process, its stderr read line by line."""

    def __init__(self, database_uri, lock_file, **settings):
        """settings: more ROLLCALL_* settings, by name without the prefix."""
        env = {**os.environ, "ROLLCALL_SQLALCHEMY_DATABASE_URI": database_uri,
               "ROLLCALL_SECRET_KEY": "test-secret-key", "ROLLCALL_SCHEDULER_LOCK_FILE":
               str(lock_file), "ROLLCALL_SCHEDULER_LOCK_POLL_SECONDS": "0.2",
               **{f"ROLLCALL_{name}": str(value) for name, value in settings.items()}}
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

    def kill(self, how=signal.SIGKILL):
        """SIGKILL: a crash; SIGTERM: a planned stop (systemctl stop)."""
        if self.process.poll() is None:
            self.process.send_signal(how)
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        self.process.stderr.close()


def wait_until(check, limit: float = 30.0, every: float = 0.2):
    """check()'s first true answer within limit seconds (fails after it)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        time.sleep(every)
    raise AssertionError(f"not within {limit} s")
