"""Exactly once under fire: 4 sender processes, one outbox of 500 due texts, a stand-in (of
Twilio, then of Aliyun) that throws random rate limits, 5xx and lost answers, and one sender
killed mid-batch. PostgreSQL only."""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, Student, StudentGuardian
from rollcall.notify.models import OutboxText
from tests import aliyun_standin, factories, notify_support
from tests.conftest import TEST_DATABASE_URL
from tests.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL: set "
                       "ROLLCALL_TEST_DATABASE_URL (CI runs the PostgreSQL pass)"),
]
provider = notify_support.provider  # fixtures
sms_standin = notify_support.sms_standin
FLASK = str(Path(sys.executable).with_name("flask"))
CLASSES, PER_CLASS = 10, 50


def five_hundred_absences(app) -> list[str]:
    """Ten classes of fifty, every student absent for an hour; one guardian phone each."""
    with app.app_context():
        school = factories.school("并发中学", sms_window="00:00-24:00")
        phones = []
        for number in range(CLASSES):
            homeroom = Homeroom(school=school, name=f"九年级{number + 1}班", grade=9)
            db.session.add(homeroom)
            for seat in range(PER_CLASS):
                phone = f"+86139{number:02d}{seat:06d}"
                guardian = Guardian(school=school, name="家长", phone_e164=phone)
                db.session.add(Student(school=school, homeroom=homeroom, seat=seat,
                                       name=f"学生{seat}", student_number=f"{number}-{seat}",
                                       guardian_links=[StudentGuardian(guardian=guardian)]))
                phones.append(phone)
        db.session.commit()
        since = clock.now() - timedelta(hours=1)
        day = clock.school_today(school)
        for homeroom in db.session.scalars(db.select(Homeroom)).all():
            factories.attendance_check(homeroom.id, day,
                                       {s.id: "absent" for s in homeroom.students}, since)
        db.session.remove()
    return phones


def provider_env(provider: str, base_url: str) -> dict:
    if provider == "twilio":
        return {"ROLLCALL_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                "ROLLCALL_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "ROLLCALL_TWILIO_FROM_NUMBER": FROM_NUMBER,
                "ROLLCALL_TWILIO_API_BASE_URL": base_url}
    return {"ROLLCALL_SMS_PROVIDER": "aliyun",
            "ROLLCALL_ALIYUN_ACCESS_KEY_ID": aliyun_standin.ACCESS_KEY_ID,
            "ROLLCALL_ALIYUN_ACCESS_KEY_SECRET": aliyun_standin.ACCESS_KEY_SECRET,
            "ROLLCALL_ALIYUN_SMS_SIGN_NAME": aliyun_standin.SIGN_NAME,
            "ROLLCALL_ALIYUN_SMS_ENDPOINT": base_url,
            "ROLLCALL_ALIYUN_SMS_TEMPLATES": json.dumps(aliyun_standin.TEMPLATE_CODES)}


def sender(database_uri, provider, base_url):
    env = {**os.environ, "ROLLCALL_SQLALCHEMY_DATABASE_URI": database_uri,
           "ROLLCALL_SECRET_KEY": "test-secret-key", **provider_env(provider, base_url),
           "ROLLCALL_SMS_RATE_PER_SECOND": "0",
           "ROLLCALL_SMS_BACKOFF_BASE_SECONDS": "0.05", "ROLLCALL_SMS_BACKOFF_MAX_SECONDS": "0.5",
           "ROLLCALL_SMS_HTTP_TIMEOUT_SECONDS": "3", "ROLLCALL_SMS_CLAIM_LEASE_SECONDS": "10",
           "ROLLCALL_SMS_MAX_ATTEMPTS": "100"}
    return subprocess.Popen([FLASK, "--app", "rollcall", "send-alerts", "--until-done",
                             "--max-seconds", "240"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def test_four_senders_one_killed_every_guardian_gets_exactly_one_text(app, database_uri,
                                                                      provider, sms_standin):
    standin = sms_standin
    phones = five_hundred_absences(app)
    standin.random_faults(rate_429=0.15, rate_5xx=0.1, seed=2027)
    senders = [sender(database_uri, provider, standin.base_url) for _ in range(4)]
    try:
        while len(standin.messages) < 60 and senders[0].poll() is None:
            time.sleep(0.05)
        senders[0].send_signal(signal.SIGKILL)  # mid-batch
        for process in senders:
            process.wait(timeout=300)
        # The killed sender's claimed row is taken over by a last pass after the lease.
        finisher = sender(database_uri, provider, standin.base_url)
        finisher.wait(timeout=300)
    finally:
        for process in senders:
            if process.poll() is None:
                process.kill()
                process.wait()
    counts = {}
    for message in standin.messages:
        counts[message["to"]] = counts.get(message["to"], 0) + 1
    with app.app_context():
        rows = db.session.execute(db.select(OutboxText.status, OutboxText.error_code,
                                            OutboxText.error_message,
                                            OutboxText.provider_error)).all()
    outcome = Counter(tuple(row) for row in rows)
    assert sorted(counts) == sorted(phones), f"a guardian got no text: {outcome}"
    assert set(counts.values()) == {1}, "a guardian got two texts"
    assert len(rows) == 500 and set(outcome) == {("submitted", None, None, None)}, outcome
