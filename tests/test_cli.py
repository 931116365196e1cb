"""The command line: init-db, demo-data, create-user."""

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, insert

from rollcall import clock
from rollcall.cases.services import case_settings
from rollcall.checks.models import Check, CheckEntry
from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, Role, School, Student, User
from rollcall.phones import parse_phone


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_init_db_is_repeatable(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


@pytest.mark.parametrize("command", ["init-db", "demo-data", "create-user", "backup", "restore",
                                     "run-all"])
def test_every_command_has_help(runner, command):
    result = runner.invoke(args=[command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_demo_data_builds_the_demo_school(app, runner):
    # A Wednesday: the two school weeks before it are the ten weekdays before it.
    with clock.frozen(datetime(2026, 11, 25, 1, 0, tzinfo=UTC)):
        result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "teacher1" in result.output and "rollcall-demo" in result.output
    with app.app_context():
        homerooms = db.session.scalars(db.select(Homeroom).order_by(Homeroom.name)).all()
        assert [h.name for h in homerooms] == ["九年级1班", "九年级2班", "九年级3班"]
        for homeroom in homerooms:
            assert 40 <= len(homeroom.students) <= 50
            assert all(1 <= len(s.guardian_links) <= 2 for s in homeroom.students)
        for guardian in db.session.scalars(db.select(Guardian)):
            assert parse_phone(guardian.phone_e164).warning is None  # valid mainland mobile
        teachers = {u.username: u for u in db.session.scalars(db.select(User))}
        for n, homeroom in enumerate(homerooms, 1):
            assert teachers[f"teacher{n}"].homerooms == [homeroom]
            assert teachers[f"teacher{n}"].check_password("rollcall-demo")
        assert teachers["office1"].role == Role.OFFICE and teachers["admin"].role == Role.ADMIN
        days = sorted(set(db.session.scalars(db.select(Check.school_date))))
        assert len(days) == 10 and days[-1].isoformat() == "2026-11-24"
        assert all(day.weekday() < 5 for day in days)
        assert count(Check) == 10 * 3 * 3
        statuses = set(db.session.scalars(db.select(CheckEntry.status)))
        assert {"absent", "late", "found", "on_campus"} <= statuses
        # On-duty office phones, so that a "not found" shows who would be texted.
        duty_phones = case_settings(db.session.scalar(db.select(School))).duty_phones
        assert duty_phones == ("+8613800000000", "+8613800000001")
        assert all(parse_phone(phone).warning is None for phone in duty_phones)


def test_demo_data_refuses_a_database_with_data(app, runner):
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        before = count(Student)
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 1
    assert "already holds data" in result.output and "Traceback" not in result.output
    with app.app_context():
        assert count(Student) == before


def test_demo_data_if_empty_leaves_existing_data_alone(app, runner, school):
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0
    with app.app_context():
        assert count(School) == 2 and count(Check) == 0


def test_demo_data_force_replaces_everything(app, runner, school):
    result = runner.invoke(args=["demo-data", "--force"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [s.name for s in db.session.scalars(db.select(School))] == ["育英中学"]


def test_create_user_reads_the_password_from_stdin(app, runner, school):
    result = runner.invoke(args=["create-user", "t.liu", "--role", "teacher",
                                 "--school", "测试中学", "--homeroom", "九年级2班",
                                 "--password-stdin"], input="a long password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "t.liu"))
        assert user.check_password("a long password")
        assert [h.name for h in user.homerooms] == ["九年级2班"]
        assert user.school.name == "测试中学"


def test_create_user_prompts_for_the_password(app, runner, school):
    result = runner.invoke(args=["create-user", "o.zhao", "--role", "office",
                                 "--school", "测试中学"],
                           input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    assert "a long password" not in result.output


def test_create_user_may_leave_out_the_only_school(app, runner):
    with app.app_context():
        db.session.add(School(name="唯一中学"))
        db.session.commit()
    result = runner.invoke(args=["create-user", "boss", "--role", "admin", "--password-stdin"],
                           input="a long password\n")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["t.wang", "--role", "teacher", "--school", "测试中学"], "a long password\n", "is taken"),
    (["x", "--role", "teacher", "--school", "没有这个学校"], "a long password\n", "no school"),
    (["x", "--role", "teacher"], "a long password\n", "several schools"),
    (["x", "--role", "teacher", "--school", "测试中学", "--homeroom", "十年级9班"],
     "a long password\n", "no homeroom"),
    (["x", "--role", "teacher", "--school", "测试中学"], "short\n", "at least 8"),
    (["x", "--role", "principal", "--school", "测试中学"], "a long password\n", "Invalid value"),
])
def test_create_user_errors_are_one_clear_line(app, runner, school, args, stdin, message):
    result = runner.invoke(args=["create-user", *args, "--password-stdin"], input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert count(User) == 6


def test_commands_on_an_unmigrated_database_say_what_to_do(tmp_path):
    env = {"ROLLCALL_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/empty.sqlite3",
           "ROLLCALL_SECRET_KEY": "x", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "rollcall", "create-user", "x", "--role",
         "admin", "--password-stdin"], input="a long password\n", capture_output=True,
        text=True, env=env, timeout=60, check=False)
    assert result.returncode == 1
    assert "init-db" in result.stderr
    assert "Traceback" not in result.stderr


def test_create_user_keeps_a_teachers_phone_for_reminders(app, runner, school):
    result = runner.invoke(args=["create-user", "t.zhou", "--role", "teacher", "--school",
                                 "测试中学", "--phone", "139 1234 5678", "--password-stdin"],
                           input="a long password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "t.zhou"))
        assert user.phone_e164 == "+8613912345678"


def test_create_user_refuses_a_phone_that_is_not_one(app, runner, school):
    result = runner.invoke(args=["create-user", "t.zhou", "--role", "teacher", "--school",
                                 "测试中学", "--phone", "call me", "--password-stdin"],
                           input="a long password\n")
    assert result.exit_code == 1 and "is not a phone number" in result.output
    with app.app_context():
        assert count(User) == 6


def test_a_username_taken_at_the_same_instant_is_one_clear_line(app, runner, school):
    """Another admin creates the same name between the command's check and its save: one
    line saying so, exit status 1, and the command writes nothing (the other's account
    stays as it is)."""
    with app.app_context():
        engine = db.engine
    taken = []

    def meanwhile(conn, cursor, statement, parameters, context, executemany):
        # Just before the command's first write (it holds the school's row, then adds).
        if not taken and statement.lstrip().upper().startswith(("UPDATE", "INSERT")):
            taken.append(True)
            with engine.begin() as other:
                other.execute(insert(User.__table__).values(
                    school_id=school.school_id, username="T.Same", display_name="另一位",
                    password_hash="-", role="teacher", active=True, session_token="other",
                    created_at=datetime(2027, 3, 2, tzinfo=UTC)))

    event.listen(engine, "before_cursor_execute", meanwhile)
    try:
        result = runner.invoke(args=["create-user", "t.same", "--role", "teacher",
                                     "--school", "测试中学", "--homeroom", "九年级1班",
                                     "--password-stdin"],
                               input="a long password\n")
    finally:
        event.remove(engine, "before_cursor_execute", meanwhile)
    assert taken
    assert result.exit_code == 1
    assert result.output == "Error: the username 't.same' is taken\n"
    with app.app_context():
        assert count(User) == 7
        [other] = db.session.scalars(db.select(User).where(User.username == "T.Same")).all()
        assert (other.display_name, other.homerooms) == ("另一位", [])
        db.session.remove()
