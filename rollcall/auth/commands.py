"""`flask --app rollcall create-user`."""

import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from rollcall.auth import services
from rollcall.auth.services import MIN_PASSWORD_LENGTH
from rollcall.cli_support import clean_errors, resolve_school
from rollcall.extensions import db
from rollcall.models import Homeroom, Role
from rollcall.phones import InvalidPhone, mask, parse_phone


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--school", "school_name", help="School name (may be left out with one school).")
@click.option("--homeroom", "homeroom_names", multiple=True,
              help="A homeroom this teacher teaches; repeat for several.")
@click.option("--display-name", help="Name shown in the app (default: the username).")
@click.option("--phone", help="Mobile number for attendance reminders (teachers).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
@clean_errors
def create_user_command(username, role, school_name, homeroom_names, display_name, phone,
                        password_stdin):
    """Create a user account (prompts for the password unless --password-stdin)."""
    school = resolve_school(school_name)
    if services.find_user(username) is not None:
        raise click.ClickException(f"the username {username!r} is taken")
    homerooms = []
    for name in homeroom_names:
        homeroom = db.session.scalar(
            db.select(Homeroom).where(Homeroom.school_id == school.id, Homeroom.name == name)
        )
        if homeroom is None:
            raise click.ClickException(f"no homeroom named {name!r} in {school.name}")
        homerooms.append(homeroom)
    phone_e164 = None
    if phone:
        try:
            phone_e164 = parse_phone(phone, school.phone_region).e164
        except InvalidPhone:
            raise click.ClickException(f"{mask(phone)} is not a phone number") from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    try:
        services.create_user(school=school, username=username, password=password, role=role,
                             display_name=display_name or username, homerooms=homerooms,
                             phone_e164=phone_e164)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # nothing of this account is kept
        if services.find_user(username) is None:
            raise
        # Taken between the check above and this save (an admin, or another command).
        raise click.ClickException(f"the username {username!r} is taken") from None
    click.echo(f"created {role} {username}")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
