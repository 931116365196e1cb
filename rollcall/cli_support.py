"""Shared by the command-line commands: errors are one clear line and a non-zero exit."""

from functools import wraps

import click
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from rollcall.extensions import db
from rollcall.models import School


def clean_errors(command):
    """Turn database and value errors into one line on stderr and exit status 1."""

    @wraps(command)
    def wrapped(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (OperationalError, ProgrammingError) as error:
            db.session.rollback()
            raise click.ClickException(
                f"the database is not ready ({type(error.orig).__name__}); "
                "run `flask --app rollcall init-db` first"
            ) from None
        except SQLAlchemyError as error:
            db.session.rollback()
            raise click.ClickException(f"database error: {type(error).__name__}") from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:  # a traceback helps nobody at a school's command line
            db.session.rollback()
            raise click.ClickException(f"{type(error).__name__}: {error}") from None

    return wrapped


def resolve_school(name: str | None) -> School:
    """The school named, or the only school when there is just one."""
    if name:
        school = db.session.scalar(db.select(School).where(School.name == name))
        if school is None:
            raise click.ClickException(f"no school named {name!r}")
        return school
    schools = db.session.scalars(db.select(School).limit(2)).all()
    if not schools:
        raise click.ClickException("there is no school yet: run demo-data or import a roster")
    if len(schools) > 1:
        raise click.ClickException("there are several schools: name one with --school")
    return schools[0]
