"""Fixtures: one migrated database per run (SQLite, or PostgreSQL when
ROLLCALL_TEST_DATABASE_URL is set), emptied after every test; an app, a client, a CLI runner,
a small school with one account per role, and `login_as(role)`."""

import os

import flask
import flask_migrate
import pytest
from flask_login import login_user
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from rollcall import create_app
from rollcall.auth import services as auth_services
from rollcall.extensions import db
from rollcall.models import User
from rollcall.notify import heartbeat
from tests import factories
from tests.proxied_server import proxied_server  # noqa: F401 - a fixture for every test module

TEST_DATABASE_URL = os.environ.get("ROLLCALL_TEST_DATABASE_URL")

pytest_plugins = ["tests.dialect_guard", "pytester"]


def base_config(database_uri: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",  # production uses Werkzeug's default
    }
    config.update(overrides)
    return config


def pytest_report_header(config):
    backend = "PostgreSQL" if TEST_DATABASE_URL else "SQLite"
    return f"rollcall database backend: {backend}"


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory):
    """Migrate a fresh database once per run (per xdist worker), through the real Alembic
    migrations."""
    uri = _worker_database(TEST_DATABASE_URL) if TEST_DATABASE_URL else (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'rollcall-test.sqlite3'}"
    )
    app = create_app(base_config(uri))
    with app.app_context():
        _drop_everything()
        flask_migrate.upgrade()
        db.engine.dispose()
    yield uri
    if TEST_DATABASE_URL and uri != TEST_DATABASE_URL:
        _postgres_admin(uri, "DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _worker_database(uri: str) -> str:
    """Each xdist worker gets its own PostgreSQL database beside the one named, made afresh."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return uri
    url = make_url(uri)
    uri = url.set(database=f"{url.database}_{worker}").render_as_string(hide_password=False)
    _postgres_admin(uri, "DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _postgres_admin(uri, "CREATE DATABASE {name}")
    return uri


def _postgres_admin(uri: str, statement: str) -> None:
    url = make_url(uri)
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement.format(name=f'"{url.database}"')))
    engine.dispose()


def _drop_everything() -> None:
    db.metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        for name in inspect(connection).get_table_names():
            connection.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'
                                    if connection.dialect.name == "postgresql"
                                    else f'DROP TABLE IF EXISTS "{name}"'))


def _empty_tables() -> None:
    """DELETE every row, children first, and start the ids again from 1 (PostgreSQL's TRUNCATE
    of all tables took 0.4-0.6 s a test; this takes a few ms)."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(_postgres_reset_sql(connection))
        else:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


_POSTGRES_RESET: list[str] = []


def _postgres_reset_sql(connection) -> str:
    """One round trip: a DELETE per table, children first, then every sequence restarted."""
    if not _POSTGRES_RESET:
        sequences = connection.exec_driver_sql(
            "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) "
            "FROM information_schema.sequences WHERE sequence_schema = current_schema()"
        ).scalars().all()
        _POSTGRES_RESET.append("; ".join(
            [f'DELETE FROM "{t.name}"'  # noqa: S608 - names from our own metadata
             for t in reversed(db.metadata.sorted_tables)]
            + [f"ALTER SEQUENCE {name} RESTART" for name in sequences]))
    return _POSTGRES_RESET[0]


@pytest.fixture(scope="session")
def shared_apps(database_uri):
    """Apps built once per run for the settings tests share (building one costs ~65 ms, most
    of it Werkzeug compiling the URL rules): the plain test app, and the live server's."""
    apps: dict = {}

    def get(**overrides):
        key = tuple(sorted(overrides.items()))
        if key not in apps:
            apps[key] = create_app(base_config(database_uri, **overrides))
        return apps[key]

    yield get
    for app in apps.values():
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def make_app(database_uri, shared_apps):
    """Build apps on the test database with extra settings; all are cleaned up after, and the
    database is emptied."""
    apps = []

    def build(**overrides):
        app = create_app(base_config(database_uri, **overrides))
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    cleaner = shared_apps()
    with cleaner.app_context():
        db.session.remove()
        _empty_tables()


@pytest.fixture
def shared_app(shared_apps, make_app):
    """The run's shared app with these settings, its configuration restored after the test."""
    used = []

    def get(**overrides):
        app = shared_apps(**overrides)
        used.append((app, dict(app.config)))
        # What a new app would hold: "started just now" (a scheduler that never ran turns stale
        # a few minutes after the app starts, and the run is longer than that).
        heartbeat.init_app(app)
        return app

    yield get
    for app, config in used:
        with app.app_context():
            db.session.remove()
        app.config.clear()
        app.config.update(config)


@pytest.fixture
def app(shared_app):
    return shared_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def school(app):
    """Two homerooms with a teacher each, an office clerk, an admin, and another school."""
    with app.app_context():
        return factories.small_school()


@pytest.fixture
def login_as(app, school):
    """A fresh test client signed in as 'teacher', 'teacher2', 'office', 'admin' or
    'other_office' ('anon': not signed in).

    The session is started by the same service /login calls, and its token put in the client's
    cookie as login_user puts it; the sign-in form itself (its password check, throttle and
    refusals) is tested in tests/test_auth*.py, on both databases."""

    def login(who: str):
        client = app.test_client()
        if who == "anon":
            return client
        with app.test_request_context():
            user = db.session.get(User, school.user_ids[who])
            auth_services.start_session(user, app.config["REMEMBER_COOKIE_DURATION"])
            login_user(user)
            signed_in = dict(flask.session)
            db.session.remove()
        with client.session_transaction() as session:
            session.update(signed_in)
        return client

    return login
