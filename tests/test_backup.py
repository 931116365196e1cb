"""`backup` and `restore`: the demo school survives a backup, a wiped database and a restore."""

import os
import sqlite3
from contextlib import closing

import pytest
from sqlalchemy import inspect, literal_column, select, table, text

from rollcall.extensions import db
from tests.conftest import TEST_DATABASE_URL, _drop_everything


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table, Alembic's included, in a stable order."""
    with app.app_context(), db.engine.connect() as connection:
        every_column = select(literal_column("*"))
        rows = {name: sorted(map(tuple, connection.execute(every_column.select_from(table(name)))),
                             key=repr)
                for name in inspect(connection).get_table_names()}
        db.session.remove()
        return rows


def row_count(app) -> int:
    return sum(len(rows) for rows in snapshot(app).values())


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    return snapshot(app)


def test_a_backup_restores_the_demo_school_into_a_wiped_database(app, runner, demo, tmp_path):
    path = tmp_path / "rollcall.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert f"backup written to {path}" in result.output
    with app.app_context():
        db.session.remove()
        _drop_everything()
        db.engine.dispose()
    assert snapshot(app) == {}

    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 0, result.output
    assert "init-db" in result.output
    restored = snapshot(app)
    assert restored.keys() == demo.keys()
    for name, rows in demo.items():
        assert restored[name] == rows, name
    assert len(demo["students"]) > 100 and len(demo["checks"]) > 50
    # The restored database takes new rows (PostgreSQL's sequences came back too).
    result = runner.invoke(args=["create-user", "new.teacher", "--role", "teacher",
                                 "--password-stdin"], input="a long password\n")
    assert result.exit_code == 0, result.output


def test_restore_refuses_a_database_with_data_unless_forced(app, runner, demo, tmp_path):
    path = tmp_path / "night #1?.backup"  # characters a file: URI must escape
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    result = runner.invoke(args=["create-user", "late.addition", "--role", "office",
                                 "--password-stdin"], input="a long password\n")
    assert result.exit_code == 0, result.output
    changed = snapshot(app)

    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code == 1
    assert refused.output.count("\n") == 1 and "not empty" in refused.output
    assert "--force" in refused.output and "Traceback" not in refused.output
    assert snapshot(app) == changed

    forced = runner.invoke(args=["restore", "--force", str(path)])
    assert forced.exit_code == 0, forced.output
    assert snapshot(app) == demo


@pytest.mark.parametrize(("content", "message"), [
    (None, "is not a file"),
    (b"name,homeroom\n", "is not a Rollcall"),
    (b"", "is not a Rollcall"),
])
def test_restore_of_something_that_is_no_backup_writes_nothing(app, runner, tmp_path,
                                                               content, message):
    path = tmp_path / "not-a-backup"
    if content is not None:
        path.write_bytes(content)
    before = snapshot(app)
    result = runner.invoke(args=["restore", "--force", str(path)])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert snapshot(app) == before


def test_restore_refuses_a_backup_made_by_a_newer_rollcall(app, runner, demo, tmp_path):
    with app.app_context():
        current = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
        db.session.commit()
    assert runner.invoke(args=["backup", str(tmp_path / "newer.backup")]).exit_code == 0
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        db.session.commit()
    result = runner.invoke(args=["restore", "--force", str(tmp_path / "newer.backup")])
    assert result.exit_code == 1
    assert "made by a newer Rollcall" in result.output and "'from_the_future'" in result.output
    assert snapshot(app) == demo


def test_restore_refuses_a_backup_of_another_program(app, runner, tmp_path):
    path = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(path)) as other:
        other.execute("CREATE TABLE notes (body TEXT)")
        other.commit()
    before = snapshot(app)
    result = runner.invoke(args=["restore", "--force", str(path)])
    assert result.exit_code == 1 and "is not a Rollcall" in result.output
    assert snapshot(app) == before


def test_backup_never_overwrites_a_file(runner, demo, tmp_path):
    path = tmp_path / "yesterday.backup"
    path.write_bytes(b"yesterday's backup")
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert path.read_bytes() == b"yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["yesterday.backup"]


def test_backup_into_a_missing_folder_says_so(runner, demo, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "no-such-folder" / "x.backup")])
    assert result.exit_code == 1 and "is not a folder" in result.output
    assert list(tmp_path.iterdir()) == []


def test_backup_of_a_missing_sqlite_file_creates_nothing(app, make_app, tmp_path):
    missing = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/gone.sqlite3")
    result = missing.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.backup")])
    assert result.exit_code == 1 and "there is no database at" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's online backup; pg_dump has "
                    "its own snapshot")
def test_sqlite_backup_runs_beside_a_writer_and_keeps_only_committed_rows(app, runner, demo,
                                                                          tmp_path):
    with app.app_context():
        database_file = db.engine.url.database
    with closing(sqlite3.connect(database_file, timeout=0)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE schools SET name = '未提交中学'")
        result = runner.invoke(args=["backup", str(tmp_path / "busy.backup")])
        writer.rollback()
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(tmp_path / "busy.backup")) as backup:
        names = [row[0] for row in backup.execute("SELECT name FROM schools")]
    assert names == ["育英中学"]


def test_pg_dump_gets_the_password_through_its_environment_not_its_arguments(
        app, make_app, tmp_path, monkeypatch):
    # A stand-in pg_dump first on the PATH records what it was given.
    tools = tmp_path / "bin"
    tools.mkdir()
    seen = tmp_path / "seen"
    (tools / "pg_dump").write_text(
        '#!/bin/sh\nprintf "%s\\n" "$@" "PGPASSWORD=$PGPASSWORD" > "$SEEN"\n'
        'for arg; do case "$arg" in --file=*) echo dump > "${arg#--file=}";; esac; done\n')
    (tools / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
    monkeypatch.setenv("SEEN", str(seen))
    remote = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://rollcall:s3cr%40t@db.school:5433"
                                              "/rollcall?sslmode=require")
    result = remote.test_cli_runner().invoke(args=["backup", str(tmp_path / "night.dump")])
    assert result.exit_code == 0, result.output
    given = seen.read_text().splitlines()
    assert given[-1] == "PGPASSWORD=s3cr@t"
    assert "--dbname=postgresql://rollcall@db.school:5433/rollcall?sslmode=require" in given
    assert "--format=custom" in given
    assert not any("s3cr" in argument for argument in given[:-1])
    assert (tmp_path / "night.dump").read_text() == "dump\n"
