"""The morning-rush bench's instrument, in small: its driver completes teachers' mornings on
the production server (signing in, or remembered), and its check afterwards notices a save that
did not stay saved. Figures are the bench's business (`make bench`); nothing here is timed."""

import pytest

from bench import rush_data
from bench.bench_rush import SECRET_KEY, drive
from bench.rush_server import serving
from bench.rush_verify import verify
from rollcall import clock, create_app
from rollcall.checks.models import Check
from rollcall.extensions import db
from rollcall.models import School

TEACHERS = 3


@pytest.fixture(scope="module")
def rushed(tmp_path_factory):
    """A SQLite school of TEACHERS homerooms of 45 students, built as the bench builds it, and
    one rush driven through gunicorn: two teachers sign in, one arrives remembered."""
    folder = tmp_path_factory.mktemp("rush")
    uri = f"sqlite:///{folder / 'rush.sqlite3'}"
    app = create_app({"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": uri,
                      "WTF_CSRF_ENABLED": False})
    rush_data.create_schema(app)
    teachers = rush_data.build_fresh(app, TEACHERS, 45)[:TEACHERS]
    signed_in = rush_data.remember_cookies(app, teachers[:1])
    with app.app_context():
        day = clock.school_today(db.session.scalars(db.select(School)).one())
    with serving("rollcall", uri, SECRET_KEY, folder, workers=2) as (base, _):
        result = drive(base, "rollcall", signed_in + teachers[1:], 0, folder,
                       rush_data.PASSWORD)
    yield app, teachers, day, result
    with app.app_context():
        db.engine.dispose()


def test_driver_completes_every_morning_and_every_check_is_stored(rushed):
    app, teachers, day, result = rushed
    assert result["errors"] == []
    assert result["completed"] == TEACHERS
    labels = [record["label"] for record in result["records"]]
    assert {"POST /login", "GET Today", "POST attendance", "GET attendance (saved)",
            "POST bag", "GET bag (saved)"} <= set(labels)
    assert labels.count("POST /login") == TEACHERS - 1  # the remembered phone skipped it
    assert verify(app, day, teachers) == []


def test_verification_reports_a_lost_check_and_a_changed_entry(rushed):
    app, teachers, day, _ = rushed
    lost, changed = teachers[0].homeroom_id, teachers[1].homeroom_id
    with app.app_context():
        db.session.delete(db.session.scalar(db.select(Check).where(
            Check.homeroom_id == lost, Check.kind == "attendance")))
        bag = db.session.scalar(db.select(Check).where(
            Check.homeroom_id == changed, Check.kind == "bag"))
        finding = next(e for e in bag.entries if e.status == "found")
        finding.status, finding.category, finding.action, finding.description = ("clear", None,
                                                                                 None, None)
        db.session.commit()
    assert verify(app, day, teachers) == [
        f"homeroom {lost}: no attendance check stored",
        f"homeroom {changed}: bag stored {{'clear': 43, 'not_checked': 2}}, "
        f"saved {{'clear': 42, 'found': 1, 'not_checked': 2}}"]
