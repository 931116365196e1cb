"""`flask --app rollcall import-roster PATH [--school NAME] [--dry-run]`."""

import getpass
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import force_locale

from rollcall.cli_support import clean_errors, resolve_school
from rollcall.extensions import db
from rollcall.models import School
from rollcall.roster import services
from rollcall.roster.problems import RosterRejected
from rollcall.roster.reading import load_path

KINDS = ("homerooms", "students", "guardians", "teachers")
CHANGES = {"added": "would add", "updated": "would update", "deactivated": "would deactivate"}


@click.command("import-roster")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--school", "school_name", help="The school to import into (created if new).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--partial", is_flag=True,
              help="Only add and update: keep students the file does not list.")
@with_appcontext
@clean_errors
def import_roster_command(path, school_name, dry_run, partial):
    """Import a OneRoster 1.1/1.2 set (folder or .zip) or a simple roster CSV."""
    with force_locale("en"):
        school = _school(school_name)
        try:
            source = load_path(path, services.max_file_bytes())
        except RosterRejected as rejected:
            report = services.rejected_report(path.name, rejected, dry_run)
        else:
            roster = services.read_roster(source, school, partial=partial)
            with click.progressbar(length=len(roster.students), label="importing students",
                                   file=sys.stderr) as bar:
                report = services.apply_roster(roster, school, None, dry_run=dry_run,
                                               progress=bar.update, origin=_origin())
        _print(report)
    if not report.applied:
        db.session.rollback()  # also undoes a school created for this import
    if report.errors:
        raise click.exceptions.Exit(1)


def _origin() -> str:
    """Who ran the command, for the audit log (the command line has no Rollcall account)."""
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"


def _school(name: str | None) -> School:
    if name and db.session.scalar(db.select(School).where(School.name == name)) is None:
        school = School(name=name)
        db.session.add(school)
        db.session.flush()  # rolled back with the import if it fails or is a dry run
        return school
    return resolve_school(name)


def _print(report) -> None:
    for problem in report.warnings:
        click.echo(f"warning: {problem}")
    if report.errors:
        for problem in report.errors:
            click.echo(str(problem), err=True)
        click.echo(f"{len(report.errors)} error(s): nothing was imported.", err=True)
        return
    for change, conditional in CHANGES.items():
        parts = [f"{report.counts.get(kind, {}).get(change, 0)} {kind}" for kind in KINDS
                 if report.counts.get(kind, {}).get(change, 0)]
        label = conditional if report.dry_run else change
        click.echo(f"{label}: {', '.join(parts) or 'nothing'}")
    outcome = "dry run: nothing was written" if report.dry_run else "saved"
    click.echo(f"{report.students_read} students read from {report.source_name}; {outcome}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(import_roster_command)
