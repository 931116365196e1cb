"""Flask extensions, created unbound and bound to the app in create_app."""

from datetime import UTC, datetime

from flask import g
from flask_babel import Babel, Domain
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator
from werkzeug.utils import cached_property

from rollcall.csrf_mask import MaskedCSRFProtect

# Stable constraint names so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



class UTCDateTime(TypeDecorator):
    """Store instants as naive UTC on every database; hand them back timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def request_translations(find):
    """The translations of the request's language, found by find() (Flask-Babel's lookup)
    once per request and language, not again for every string (three lookups of the
    request's state and the locale's name each): a page has a hundred strings. force_locale
    and refresh change the request's babel_locale, and the translations are found again."""
    try:
        request_globals = g._get_current_object()  # one lookup of the context, not one a use
    except RuntimeError:  # no app context (Flask-Babel then has no language either)
        return find()
    state = getattr(request_globals, "_flask_babel", None)
    kept = getattr(state, "rollcall_translations", None)
    if kept is not None and kept[0] is getattr(state, "babel_locale", None):
        return kept[1]
    found = find()
    state = getattr(request_globals, "_flask_babel", None)  # Flask-Babel's, made by find()
    if state is not None:
        state.rollcall_translations = (getattr(state, "babel_locale", None), found)
    return found


class RequestDomain(Domain):
    """Flask-Babel's message domain, whose gettext (Python's _() and _l()) finds the request's
    translations once."""

    def get_translations(self):
        return request_translations(super().get_translations)


class RollcallBabel(Babel):
    """Flask-Babel, its default domain a RequestDomain."""

    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = MaskedCSRFProtect()
babel = RollcallBabel()
compress = Compress()


def insert_unless_present(table, dialect_name: str, **values):
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL. To learn whether the row went
    in, add .returning(a column): a row comes back only then (rowcount is not reliable)."""
    insert = postgresql_insert if dialect_name == "postgresql" else sqlite_insert
    return insert(table).values(**values).on_conflict_do_nothing()


# How long a writer waits for SQLite's write lock. A 100,000-row roster import holds it for
# about 12 s on a small 2-core server (measured; 5 s made 27 of 60 concurrent sign-ins fail
# with "database is locked"); 30 s covers that and stays within gunicorn's worker timeout.
SQLITE_BUSY_TIMEOUT_MS = 30_000


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record):
    """WAL and a busy timeout let several gunicorn workers share one SQLite file."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
