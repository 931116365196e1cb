"""The hardening migrations on a database with data in it (SQLite file of its own): a student
left on the watch list twice by the old race keeps one open entry, live sessions survive the
switch to stored digests, and API tokens made before belong to their users' sign-ins."""

import hashlib
from datetime import date

import flask_migrate
from sqlalchemy import text

from rollcall import create_app
from rollcall.extensions import db
from rollcall.models import User
from tests import factories
from tests.conftest import base_config


def test_upgrading_keeps_one_open_watch_entry_and_every_sign_in(tmp_path):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    with app.app_context():
        flask_migrate.upgrade(revision="r11_0001")
        made = factories.small_school()  # tables these migrations leave as they were
        student, admin = made.student_ids["room1"][0], made.user_ids["admin"]
        stamp = db.session.get(User, admin).session_token
        with db.engine.begin() as connection:
            run = connection.execute
            for entry_id in (1, 2, 3):
                run(text("INSERT INTO watch_entries (id, school_id, student_id, reason, "
                         "review_on, added_at) VALUES (:id, :school, :student, 'other', :day, "
                         "'2026-01-01 00:00:00')"), {"id": entry_id, "day": date(2026, 2, 1),
                                                     "school": made.school_id,
                                                     "student": student})
            run(text("INSERT INTO user_sessions (token, user_id, user_stamp, created_at, "
                     "remembered) VALUES ('cookie-token', :user, :stamp, "
                     "'2026-01-01 00:00:00', :no)"), {"user": admin, "stamp": stamp, "no": False})
            run(text("INSERT INTO api_tokens (user_id, token_hash, prefix, created_at) "
                     "VALUES (:user, 'h', 'rc_', '2026-01-01 00:00:00')"), {"user": admin})
        db.session.remove()
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            open_entries = connection.execute(text(
                "SELECT id FROM watch_entries WHERE closed_at IS NULL")).scalars().all()
            sessions = connection.execute(text("SELECT token FROM user_sessions")).scalars().all()
            stamps = connection.execute(text("SELECT user_stamp FROM api_tokens")).scalars().all()
        db.engine.dispose()
    assert open_entries == [1]
    assert sessions == [hashlib.sha256(b"cookie-token").hexdigest()]
    assert stamps == [stamp]


def test_upgrading_keeps_one_open_case_per_student(tmp_path):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'cases.sqlite3'}"))
    with app.app_context():
        flask_migrate.upgrade(revision="typed_0001")
        made = factories.small_school()
        student = made.student_ids["room1"][0]
        with db.engine.begin() as connection:
            for case_id, trigger in ((1, "not_found"), (2, "family_unaware")):
                connection.execute(text(
                    "INSERT INTO missing_cases (id, school_id, student_id, school_date, "
                    "trigger, opened_at) VALUES (:id, :school, :student, :day, :trigger, "
                    "'2026-01-01 09:00:00')"), {"id": case_id, "school": made.school_id,
                                                "student": student, "day": date(2026, 1, 1),
                                                "trigger": trigger})
        db.session.remove()
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            cases = connection.execute(text(
                "SELECT id, outcome FROM missing_cases ORDER BY id")).all()
            events = connection.execute(text(
                "SELECT case_id, kind, note FROM missing_case_events")).all()
        db.engine.dispose()
    assert [tuple(row) for row in cases] == [(1, None), (2, "other")]
    assert [(row[0], row[1]) for row in events] == [(2, "closed")]
    assert "A duplicate case, closed by the upgrade" in events[0][2]
