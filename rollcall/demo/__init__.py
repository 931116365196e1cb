"""`flask --app rollcall demo-data`: a realistic demo school to try Rollcall with."""

import click
from flask import Flask
from flask.cli import with_appcontext

from rollcall.cli_support import clean_errors
from rollcall.demo.school import DEMO_ACCOUNTS, DEMO_PASSWORD, build_demo_school, database_is_empty
from rollcall.extensions import db


@click.command("demo-data")
@click.option("--force", is_flag=True, help="Erase every row in the database first.")
@click.option("--if-empty", is_flag=True, help="Load only into an empty database; else do nothing.")
@click.option("--seed", default=2027, show_default=True, help="Random seed for names and history.")
@with_appcontext
@clean_errors
def demo_data_command(force, if_empty, seed):
    """Load a demo school: three graduating classes, guardians, accounts, two weeks of history."""
    if not database_is_empty() and not force:
        if if_empty:
            click.echo("the database already holds data: the demo school was not loaded again")
            _print_accounts()
            return
        raise click.ClickException(
            "the database already holds data; use --force to erase it and load the demo"
        )
    school = build_demo_school(seed=seed, erase=force)
    db.session.commit()
    click.echo(f"demo school {school.name!r} loaded.")
    _print_accounts()


def _print_accounts() -> None:
    click.echo(f"Demo accounts (password {DEMO_PASSWORD}):")
    for username, description in DEMO_ACCOUNTS:
        click.echo(f"  {username:10} {description}")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_data_command)
