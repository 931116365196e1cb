"""`flask --app rollcall init-db`: create or upgrade the schema with the Alembic migrations."""

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade

from rollcall.cli_support import clean_errors


@click.command("init-db")
@with_appcontext
@clean_errors
def init_db_command():
    """Create the database schema, or upgrade it to the newest migration."""
    upgrade()
    click.echo("database is up to date")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
