"""The morning-rush bench's instrument, in small: its driver completes teachers' mornings on
the production server (signing in, or remembered), and its check afterwards notices a save that
did not stay saved. Figures are the bench's business (`make bench`); nothing here is timed."""

import sqlite3

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
    assert {"POST /login", "GET Today", "GET attendance", "POST attendance", "GET bag",
            "POST bag"} <= set(labels)
    # Each save is shown in place on the phone: no page is loaded again after it.
    assert not [label for label in labels if label.endswith("(next)")]
    assert labels.count("POST /login") == TEACHERS - 1  # the remembered phone skipped it
    assert verify(app, day, teachers) == []


def test_verification_reports_a_lost_check_and_a_changed_entry(rushed, tmp_path):
    rushed_app, teachers, day, _ = rushed
    app = damaged_copy(rushed_app, tmp_path)  # the rush itself stays as stored, for other tests
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
    with app.app_context():
        db.engine.dispose()


def damaged_copy(app, folder):
    """An app on a copy of the rush's SQLite file (SQLite's online backup: WAL pages too)."""
    with app.app_context():
        source = db.engine.url.database
    copy = folder / "damaged.sqlite3"
    with sqlite3.connect(source) as original, sqlite3.connect(copy) as target:
        original.backup(target)
    original.close()
    target.close()
    return create_app({**{key: app.config[key] for key in ("SECRET_KEY", "WTF_CSRF_ENABLED")},
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}"})


def test_the_year_builder_writes_rows_the_app_reads_back(app):
    """The year's bulk rows (COPY on PostgreSQL, plain tuples on SQLite) read back through the
    models as the app stores them, and the app can add its own check after them."""
    from datetime import UTC, date, datetime

    from bench import bench_office
    from rollcall.checks.models import CheckEntry
    from tests import factories

    days = [date(2025, 9, 1), date(2025, 9, 2)]
    with app.app_context():
        ids = bench_office.build_year(db, days)
        assert ids["entries"] == bench_office.HOMEROOMS * bench_office.STUDENTS_PER_ROOM * 2 * 3
        first = db.session.scalars(db.select(Check).where(
            Check.school_date == days[1], Check.kind == "bag").order_by(Check.id)).first()
        assert first.submitted_at == datetime(2025, 9, 1, 23, 30, tzinfo=UTC)  # 07:30 Shanghai
        assert first.submitted_by.username == "bench.t1"
        entry = db.session.scalars(db.select(CheckEntry).where(
            CheckEntry.check_id == first.id)).first()
        assert (entry.status_since, entry.student.homeroom_id) == (first.submitted_at,
                                                                   first.homeroom_id)
        assert db.session.scalar(db.select(db.func.count()).select_from(Check).where(
            Check.submitted_at >= datetime(2025, 9, 2, 0, 0, tzinfo=UTC))) == 60 * 2
        added = factories.record_check(ids["room_id"], date(2025, 9, 3), "bag")
        assert added > db.session.scalar(db.select(db.func.max(Check.id)).where(
            Check.id != added))


def test_the_year_section_compares_each_request_with_one_day_of_history():
    from bench.rush_report import _history_markdown

    def cost(cpu, statements):
        return {"cpu_ms": cpu, "round_trips": {"statements": statements,
                                               "total": statements + 3},
                "p50_ms": cpu * 2, "p95_ms": cpu * 3, "kb": 40}

    section = {"build_seconds": 120, "section_seconds": 600,
               "costs": {"GET Today": cost(30.0, 13)},
               "office_before_rush": {"office board": cost(90.0, 20)},
               "office": {"office board": cost(150.0, 27)},
               "one_day": {"costs": {"GET Today": cost(20.0, 13)},
                           "office_before_rush": {"office board": cost(60.0, 20)}}}
    lines = _history_markdown(section)
    assert lines[0] == "Building the year took 120 s; the whole section 600 s."
    assert "| GET Today | 13 / 13 | 16 / 16 | 20.0 | 30.0 | 1.50 |" in lines
    assert "| office board, before any check today | 20 / 20 | 23 / 23 | 60.0 | 90.0 | 1.50 |" \
        in lines
    assert "| office board | a year, after the rush | 300.0 | 450.0 | 150.0 | 27 | 40 |" in lines
