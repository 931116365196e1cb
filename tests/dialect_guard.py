"""Which tests may run on one database only, checked rather than trusted.

A test marked `any_database` runs once, in the SQLite pass; the PostgreSQL pass leaves it out
(`-m "not any_database"`). The mark is a claim that nothing the test does depends on the
database, and this module checks the claim while the test runs: every statement the test sends
is compiled for both dialects, and the test fails when

- a statement compiles to different SQL on SQLite and PostgreSQL (ON CONFLICT, FOR UPDATE,
  SKIP LOCKED, dialect functions, DDL, …), or compiles on one dialect only;
- a statement is raw SQL (`text()`), whose meaning no compiler can compare;
- the database raised an error (a constraint or a lock: behaviour the other database may not
  share).

Statements on two tables are the exceptions. The sign-in throttle's: every sign-in through the
form runs them (an upsert and a prune that skips locked rows), the browser tests sign in that
way, and tests/test_auth*.py, which are not marked, test the throttle itself on both databases.
The weekly screenings': recording a conflict or "no conflicts" makes the week's screening with
an insert that skips a row made a moment before (ON CONFLICT DO NOTHING), which the browser
tests of the screening page run, and tests/test_screening*.py and tests/test_state_races.py,
not marked, test on both databases.

`ROLLCALL_DIALECT_REPORT=path` writes, for every test of the run (marked or not), whether it
did any of these: the list a developer reads to choose which tests to mark.
"""

import json
import os
import re

import pytest
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ClauseElement, TextClause

MARK = "any_database"
# psycopg2's compiler, not psycopg's: the SQL is the same, without the casts psycopg 3 writes on
# every bound parameter (:id::INTEGER), which would tell the dialects apart everywhere.
_DIALECTS = (sqlite.dialect(paramstyle="named"), postgresql.psycopg2.dialect(paramstyle="named"))
# Spellings that differ and mean the same: quoting an identifier ("key" is a keyword to SQLite
# alone), a boolean literal (SQLite's 1/0, PostgreSQL's true/false), a bound parameter's cast
# to its own column's type (:after::JSON), the OFFSET 0 SQLite writes after every LIMIT, an
# INSERT's RETURNING of its new id (which each driver asks for its own way), and white space.
_SAME_MEANING = [(re.compile(r'"'), ""), (re.compile(r"\btrue\b"), "1"),
                 (re.compile(r"\bfalse\b"), "0"), (re.compile(r"(:\w+)::[A-Z_]+"), r"\1"),
                 (re.compile(r"LIMIT (:\w+)( OFFSET :\w+)?"), r"LIMIT \1"),
                 (re.compile(r" RETURNING [\w.]+$"), ""),
                 (re.compile(r"\s+"), " ")]
# Tables whose SQL the unmarked tests cover (above).
COVERED_ON_BOTH = {"login_throttle", "screenings"}
_verdicts: dict = {}  # statement cache key -> None (portable) or a reason
_seen: list[str] | None = None  # reasons found in the running test; None while no test runs


def _compile(statement: ClauseElement, dialect) -> str:
    try:
        sql = str(statement.compile(dialect=dialect))
    except Exception as error:  # noqa: BLE001 - a statement one dialect cannot compile
        return f"<{type(error).__name__}>"
    for pattern, replacement in _SAME_MEANING:
        sql = pattern.sub(replacement, sql)
    return sql


def _verdict(statement) -> str | None:
    """None when the statement reads the same on both dialects, else why not."""
    if isinstance(statement, TextClause):
        return f"raw SQL: {statement.text[:120]}"
    if not isinstance(statement, ClauseElement):
        return f"not a SQL expression: {type(statement).__name__}"
    tables = _tables(statement)
    if tables and tables <= COVERED_ON_BOTH:
        return None
    try:
        key = statement._generate_cache_key()  # noqa: SLF001 - SQLAlchemy's own cache key
        hash(key)
    except Exception:  # noqa: BLE001 - a statement SQLAlchemy does not cache either
        key = None
    if key is not None and key in _verdicts:
        return _verdicts[key]
    on_sqlite, on_postgresql = (_compile(statement, dialect) for dialect in _DIALECTS)
    verdict = None if on_sqlite == on_postgresql else _difference(on_sqlite, on_postgresql)
    if key is not None:
        _verdicts[key] = verdict
    return verdict


def _tables(statement) -> set[str]:
    """The names of the tables an INSERT, UPDATE, DELETE or SELECT reads or writes directly."""
    table = getattr(statement, "table", None)
    if table is not None:
        return {getattr(table, "name", "")}
    froms = getattr(statement, "get_final_froms", None)
    return {getattr(f, "name", "") for f in froms()} if froms else set()


def _difference(on_sqlite: str, on_postgresql: str) -> str:
    pairs = enumerate(zip(on_sqlite, on_postgresql, strict=False))
    at = next((i for i, (a, b) in pairs if a != b), min(len(on_sqlite), len(on_postgresql)))
    start = max(0, at - 60)
    return (f"compiles differently: SQLite …{on_sqlite[start:at + 80]!r} / "
            f"PostgreSQL …{on_postgresql[start:at + 80]!r}")


@event.listens_for(Engine, "before_execute")
def _record_statement(connection, statement, multiparams, params, execution_options):
    if _seen is not None:
        reason = _verdict(statement)
        if reason:
            _seen.append(reason)


@event.listens_for(Engine, "handle_error")
def _record_error(context):
    if _seen is not None:
        _seen.append(f"the database raised {type(context.original_exception).__name__}")


_report: dict[str, list[str]] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Record what the test's body sends (fixtures' set-up and tear-down are shared by all)."""
    global _seen
    _seen = []
    try:
        yield
    finally:
        reasons, _seen = _seen, None
        item.stash[_reasons_key] = reasons


_reasons_key = pytest.StashKey[list]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when != "call":
        return
    reasons = item.stash.get(_reasons_key, [])
    if os.environ.get("ROLLCALL_DIALECT_REPORT"):
        _report[item.nodeid] = sorted(set(reasons))[:5]
    report = outcome.get_result()
    if reasons and item.get_closest_marker(MARK) and report.passed:
        report.outcome = "failed"
        listed = "\n  ".join(sorted(set(reasons))[:5])
        report.longrepr = (
            f"{item.nodeid} is marked {MARK} (runs on SQLite only) but depends on the database:"
            f"\n  {listed}\nRemove the mark so that it runs on PostgreSQL too.")


def pytest_sessionfinish(session):
    path = os.environ.get("ROLLCALL_DIALECT_REPORT")
    if path and _report:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(f"{path}.{worker}.json", "w", encoding="utf-8") as out:
            json.dump(_report, out, ensure_ascii=False, indent=1, sort_keys=True)
