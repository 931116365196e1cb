"""Parent texts: how long the decision pass and the sender take for a whole school's absences.

Builds a throwaway SQLite school of 20 classes × 50 students, every student absent, and times:
deciding 1,000 due texts; a pass that finds nothing new (the every-minute cost); and sending
them through the real Twilio client to a local stand-in of the Messages API.
"""

import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import flask_migrate

from rollcall import clock, create_app
from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, School, Student, StudentGuardian

CLASSES, PER_CLASS = 20, 50
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _school() -> None:
    from tests.factories import attendance_check

    school = School(name="基准中学", sms_window="00:00-24:00")
    db.session.add(school)
    for number in range(CLASSES):
        homeroom = Homeroom(school=school, name=f"九年级{number + 1}班", grade=9)
        for seat in range(PER_CLASS):
            phone = f"+86139{number:02d}{seat:06d}"
            guardian = Guardian(school=school, name="家长", phone_e164=phone)
            db.session.add(Student(school=school, homeroom=homeroom, seat=seat, name=f"学生{seat}",
                                   student_number=f"{number}-{seat}",
                                   guardian_links=[StudentGuardian(guardian=guardian)]))
    db.session.commit()
    for homeroom in db.session.scalars(db.select(Homeroom)).all():
        attendance_check(homeroom.id, NOW.date(), {s.id: "absent" for s in homeroom.students},
                         NOW - timedelta(hours=1))


def _timed(label: str, function, count: int) -> None:
    start = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - start
    rate = f", {count / elapsed:,.0f}/s" if count else ""
    print(f"{label:48} {elapsed * 1000:9.1f} ms{rate}  ({result})")


def main() -> None:
    from rollcall.jobs.absence_texts import queue_due_texts
    from rollcall.notify.gateway import gateway_from_config
    from rollcall.notify.sender import send_queued_texts
    from tests.notify_support import twilio_config
    from tests.twilio_standin import TwilioStandIn

    standin = TwilioStandIn().start()
    with tempfile.TemporaryDirectory() as folder:
        uri = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": uri,
                          **twilio_config(standin.base_url)})
        with app.app_context(), clock.frozen(NOW):
            flask_migrate.upgrade()
            _school()
            school = db.session.scalars(db.select(School)).one()
            total = CLASSES * PER_CLASS
            _timed(f"decide {total} due absence texts", lambda: queue_due_texts(school), total)
            _timed("a pass with nothing new to decide", lambda: queue_due_texts(school), 0)
            gateway = gateway_from_config(app.config)
            _timed(f"send {total} texts (stand-in, no pacing)",
                   lambda: send_queued_texts(gateway).sent, total)
            db.session.remove()
            db.engine.dispose()
    standin.stop()


if __name__ == "__main__":
    main()
