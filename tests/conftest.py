"""Fixtures: one migrated database per run (SQLite, or PostgreSQL when
ROLLCALL_TEST_DATABASE_URL is set), emptied after every test; an app, a client, a CLI runner,
a small school with one account per role, and `login_as(role)`."""

import os

import flask_migrate
import pytest
from sqlalchemy import inspect, text

from rollcall import create_app
from rollcall.extensions import db
from tests import factories

TEST_DATABASE_URL = os.environ.get("ROLLCALL_TEST_DATABASE_URL")


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
    """Migrate a fresh database once per run, through the real Alembic migrations."""
    uri = TEST_DATABASE_URL or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'rollcall-test.sqlite3'}"
    )
    app = create_app(base_config(uri))
    with app.app_context():
        _drop_everything()
        flask_migrate.upgrade()
        db.engine.dispose()
    return uri


def _drop_everything() -> None:
    db.metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        for name in inspect(connection).get_table_names():
            connection.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'
                                    if connection.dialect.name == "postgresql"
                                    else f'DROP TABLE IF EXISTS "{name}"'))


def _empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def make_app(database_uri):
    """Build apps on the test database with extra settings; all are cleaned up after."""
    apps = []

    def build(**overrides):
        app = create_app(base_config(database_uri, **overrides))
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            if app is apps[0]:
                _empty_tables()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


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
    """Sign a fresh test client in as 'teacher', 'teacher2', 'office', 'admin' or 'other_office'."""

    def login(who: str):
        client = app.test_client()
        if who == "anon":
            return client
        response = client.post("/login", data={
            "username": school.usernames[who], "password": factories.PASSWORD,
        })
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login
