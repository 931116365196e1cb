"""`flask --app rollcall backup PATH` and `restore PATH`: the whole database to one file and back.

SQLite is copied with its online backup API (a consistent snapshot while the app runs);
PostgreSQL with `pg_dump --format=custom` and `pg_restore`, which must be on the PATH.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, table
from sqlalchemy.engine import URL

from rollcall.cli_support import clean_errors
from rollcall.extensions import db


class BackupError(click.ClickException):
    """A backup or restore that cannot go ahead; nothing was written."""


def backup_database(url: URL, path: Path) -> None:
    """Write a backup of the database at url to path, which must not exist yet."""
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new file name")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder")
    partial = path.with_name(path.name + ".partial")
    try:
        if url.get_backend_name() == "sqlite":
            if not Path(_sqlite_file(url)).is_file():
                raise BackupError(f"there is no database at {url.database}")
            _sqlite_copy(_sqlite_file(url), partial)  # one step: a snapshot while workers write
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial}", f"--dbname={_libpq_uri(url)}"], url)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def restore_database(url: URL, path: Path, force: bool) -> None:
    """Replace the database at url with the backup at path; refuse one holding data unless force."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    sqlite = url.get_backend_name() == "sqlite"
    revision = _check_sqlite_backup(path) if sqlite else _check_postgres_backup(path, url)
    if revision not in _known_revisions():
        raise BackupError(f"{path} was made by a newer Rollcall (schema revision {revision!r}): "
                          "install that version first")
    if not force and (rows := _rows_held()):
        raise BackupError(f"the database is not empty ({rows} rows): use --force to replace it")
    db.session.remove()
    db.engine.dispose()
    if sqlite:
        _sqlite_copy(path, _sqlite_file(url))
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", f"--dbname={_libpq_uri(url)}",
              str(path)], url)


def _rows_held() -> int:
    """Rows in every table but Alembic's; 0 for a database without the schema yet."""
    tables = [t for t in inspect(db.engine).get_table_names() if t != "alembic_version"]
    count = db.select(db.func.count())
    return sum(db.session.scalar(count.select_from(table(name))) for name in tables)


def _known_revisions() -> set[str]:
    """The schema revisions this version's migrations know."""
    migrate = current_app.extensions["migrate"]
    script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
    return {revision.revision for revision in script.walk_revisions()}


def _check_sqlite_backup(path: Path) -> str:
    """The schema revision of an undamaged SQLite backup of Rollcall, opened read-only."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as backup:
            healthy = backup.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            row = backup.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        raise BackupError(f"{path} is not a Rollcall SQLite backup") from None
    if not healthy:
        raise BackupError(f"{path} is damaged (SQLite's quick_check failed)")
    if row is None:
        raise BackupError(f"{path} is not a Rollcall SQLite backup (no schema revision)")
    return row[0]


def _check_postgres_backup(path: Path, url: URL) -> str:
    """The schema revision of a pg_dump custom-format backup of Rollcall."""
    version = _run(["pg_restore", "--data-only", "--table=alembic_version", "--file=-",
                    str(path)], url, check=False)
    lines = version.stdout.splitlines()
    copy = [n for n, line in enumerate(lines) if line.startswith("COPY public.alembic_version")]
    if version.returncode != 0 or not copy or lines[copy[0] + 1] == "\\.":
        raise BackupError(f"{path} is not a Rollcall PostgreSQL backup (pg_dump custom format)")
    return lines[copy[0] + 1]


def _sqlite_copy(source_file, target_file) -> None:
    """Copy one SQLite database over another with the online backup API."""
    with closing(sqlite3.connect(source_file)) as source, \
            closing(sqlite3.connect(target_file)) as target:
        source.backup(target)


def _sqlite_file(url: URL) -> str:
    """The database file's path; an in-memory database has none."""
    if url.database in (None, "", ":memory:"):
        raise BackupError("an in-memory SQLite database has nothing to back up or restore")
    return url.database


def _libpq_uri(url: URL) -> str:
    """The URL as libpq reads it; the password goes through the environment, not ps."""
    return URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                      database=url.database, query=url.query).render_as_string()


def _run(command: list[str], url: URL, check: bool = True) -> subprocess.CompletedProcess:
    """Run a PostgreSQL client tool; a failure becomes one line with its last error line."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    env = dict(os.environ, **({"PGPASSWORD": url.password} if url.password else {}))
    done = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                          check=False)  # our fixed argument list; the paths are the operator's
    if check and done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{command[0]} failed: {last}")
    return done


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
@clean_errors
def backup_command(path):
    """Write a backup of the whole database to PATH (a new file)."""
    backup_database(db.engine.url, path)
    click.echo(f"backup written to {path} ({path.stat().st_size} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
@with_appcontext
@clean_errors
def restore_command(path, force):
    """Replace the database with the backup at PATH (stop the app and the scheduler first)."""
    restore_database(db.engine.url, path, force)
    click.echo(f"restored {path}; now run `flask --app rollcall init-db` "
               "to bring it to this version's schema")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
