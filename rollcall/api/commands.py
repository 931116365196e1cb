"""`flask --app rollcall create-token USERNAME` and `revoke-tokens USERNAME`."""

import click
from flask import Flask
from flask.cli import with_appcontext

from rollcall.api import tokens
from rollcall.auth.services import find_user
from rollcall.cli_support import clean_errors
from rollcall.extensions import db


def _user(username: str):
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    if not user.active:
        raise click.ClickException(f"the account {username!r} is deactivated")
    return user


@click.command("create-token")
@click.argument("username")
@with_appcontext
@clean_errors
def create_token_command(username):
    """Print a new API token acting as USERNAME (shown once; only its hash is stored)."""
    token = tokens.create_token(_user(username))
    db.session.commit()
    click.echo(token)


@click.command("revoke-tokens")
@click.argument("username")
@with_appcontext
@clean_errors
def revoke_tokens_command(username):
    """Revoke every API token of USERNAME."""
    count = tokens.revoke_tokens(_user(username))
    db.session.commit()
    click.echo(f"revoked {count} token(s) of {username}")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_token_command)
    app.cli.add_command(revoke_tokens_command)
