"""The any_database mark is checked, not trusted: a test marked to run once (SQLite only) that
sends SQL PostgreSQL would read differently fails, and says which statement; the same test
without the mark, or a marked test whose SQL reads the same on both, passes."""

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.any_database  # it runs pytest in a subprocess, on no database of ours

TESTS = '''
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, select, text
from sqlalchemy.dialects.sqlite import insert

rows = Table("rows", MetaData(), Column("id", Integer, primary_key=True))


@pytest.fixture
def connection():
    engine = create_engine("sqlite://")
    rows.metadata.create_all(engine)
    with engine.begin() as connection:
        yield connection


@pytest.mark.any_database
def test_marked_and_locks_a_row(connection):
    connection.execute(select(rows).where(rows.c.id == 1).with_for_update(skip_locked=True))


@pytest.mark.any_database
def test_marked_and_upserts(connection):
    connection.execute(insert(rows).values(id=1).on_conflict_do_nothing())


@pytest.mark.any_database
def test_marked_and_sends_raw_sql(connection):
    connection.execute(text("SELECT 1"))


@pytest.mark.any_database
def test_marked_and_breaks_a_constraint(connection):
    connection.execute(rows.insert().values(id=1))
    with pytest.raises(Exception):
        connection.execute(rows.insert().values(id=1))


@pytest.mark.any_database
def test_marked_and_portable(connection):
    connection.execute(rows.insert().values(id=2))
    assert connection.execute(select(rows.c.id).limit(1)).scalar() == 2


def test_not_marked_and_locks_a_row(connection):
    connection.execute(select(rows).with_for_update(skip_locked=True))
'''


def test_a_test_marked_to_run_once_fails_when_its_sql_depends_on_the_database(pytester,
                                                                             monkeypatch):
    pytester.makeini("[pytest]\nmarkers =\n    any_database: runs once\n")
    pytester.makepyfile(test_marked=TESTS)
    root = str(Path(__file__).resolve().parent.parent)  # where `tests.dialect_guard` imports from
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [
        root, os.environ.get("PYTHONPATH")])))
    result = pytester.runpytest_subprocess("-p", "tests.dialect_guard", "-p", "no:randomly",
                                           "-p", "no:xdist", "-rf")
    result.assert_outcomes(passed=2, failed=4)
    output = result.stdout.str()
    for name in ("locks_a_row", "upserts", "sends_raw_sql", "breaks_a_constraint"):
        assert f"FAILED test_marked.py::test_marked_and_{name}" in output
    assert "FOR UPDATE SKIP LOCKED" in output and "raw SQL: SELECT 1" in output
    assert "the database raised IntegrityError" in output
    assert "Remove the mark so that it runs on PostgreSQL too." in output
