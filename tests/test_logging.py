"""Logging is configured by create_app: Rollcall's INFO lines reach stderr as key=value lines,
phone numbers masked, for the web app, the scheduler's send pass and CLI commands alike."""

import json
import logging
import re

import flask_migrate
import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.logs import mask_phones
from tests import factories, notify_support
from tests.notify_support import MONDAY, at, run_pass

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

standin = notify_support.standin  # fixtures
twilio_app = notify_support.twilio_app

LINE = re.compile(r'^ts=\S+Z level=(?P<level>[A-Z]+) logger=(?P<logger>\S+) msg=(?P<msg>".*")$')


def parsed(stderr: str) -> list[dict]:
    lines = []
    for line in stderr.splitlines():
        match = LINE.match(line)
        if match:
            lines.append({**match.groupdict(), "msg": json.loads(match["msg"])})
    return lines


def test_the_send_pass_logs_what_it_did_to_stderr_with_numbers_masked(twilio_app, school,
                                                                      standin, capsys):
    with twilio_app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY,
                                   {school.student_ids["room1"][0]: "absent"}, at(8, 0))
        phone = db.session.get(factories.Student, school.student_ids["room1"][0]) \
            .guardian_links[0].guardian.phone_e164
    capsys.readouterr()
    run_pass(twilio_app, at(8, 20))
    stderr = capsys.readouterr().err
    lines = parsed(stderr)
    messages = [line["msg"] for line in lines if line["level"] == "INFO"]
    assert any(msg.startswith("queued 1 absence text(s)") for msg in messages), stderr
    assert any("submitted" in msg for msg in messages), stderr
    assert all(line["logger"].startswith("rollcall.") for line in lines)
    assert phone not in stderr and phone[3:] not in stderr


def test_the_send_alerts_command_logs_its_lines_to_stderr(twilio_app, school, standin):
    with twilio_app.app_context():
        factories.attendance_check(school.homeroom_ids["room1"], MONDAY,
                                   {school.student_ids["room1"][0]: "absent"}, at(8, 0))
    with clock.frozen(at(8, 20)):
        result = twilio_app.test_cli_runner().invoke(args=["send-alerts"])
    assert result.exit_code == 0, result.output
    lines = parsed(result.stderr)
    assert any(line["msg"].startswith("queued 1 absence text(s)") for line in lines), \
        result.stderr


def test_building_the_app_twice_adds_one_handler(make_app):
    make_app()
    make_app()
    handlers = [h for h in logging.getLogger("rollcall").handlers
                if type(h).__name__ == "StderrHandler"]
    assert len(handlers) == 1


def test_a_number_that_slipped_through_is_masked_in_the_line():
    assert mask_phones("reply from +8613812345678 and 13912345678") == \
        "reply from +86*********78 and 139******78"


def test_a_line_is_printed_once_after_the_migrations_ran(make_app, capsys):
    app = make_app()
    root_handlers = list(logging.getLogger().handlers)
    try:
        with app.app_context():
            flask_migrate.upgrade()  # Alembic's env.py runs even with nothing to upgrade
        capsys.readouterr()
        logging.getLogger("rollcall.test").info("one line after the migrations")
        stderr = capsys.readouterr().err
    finally:  # a root handler Alembic may have added must not print for the later tests
        for handler in set(logging.getLogger().handlers) - set(root_handlers):
            logging.getLogger().removeHandler(handler)
    assert stderr.count("one line after the migrations") == 1, stderr
    assert [line["msg"] for line in parsed(stderr)] == ["one line after the migrations"]
