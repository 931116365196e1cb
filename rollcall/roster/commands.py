"""`flask --app rollcall import-roster PATH [--school NAME] [--dry-run] [--homerooms …]`."""

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
from rollcall.roster import groups as roll_call_groups
from rollcall.roster import oneroster, services
from rollcall.roster.problems import RosterRejected
from rollcall.roster.reading import load_path

KINDS = ("homerooms", "students", "guardians", "teachers")
CHANGES = {"added": "would add", "updated": "would update", "deactivated": "would deactivate"}


@click.command("import-roster")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--school", "school_name",
              help="The school to import into (the first import creates it).")
@click.option("--create-school", is_flag=True,
              help="Create the --school named when the install has other schools but not it.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--partial", is_flag=True,
              help="Only add and update: keep students the file does not list.")
@click.option("--allow-deactivate", is_flag=True,
              help="Allow a full import to deactivate classes or over 10% of the students.")
@click.option("--homerooms", "homerooms",
              help="OneRoster: the roll-call classes: 'homeroom' (classType=homeroom), "
                   "'period=P' (the scheduled classes meeting in period P), 'title=PATTERN' "
                   "(classes whose title matches a shell-style pattern such as 'HR*' or "
                   "'*班会*'), 'course=CODE' (the classes of that courseSourcedId) or "
                   "'classes=FILE' (a file listing class sourcedIds, one per line). Without "
                   "it: the choice saved for the set's school by the last import, else "
                   "'homeroom'. The choice an import is saved with is used the next time.")
@click.option("--set-school", help="OneRoster: the school of a district set to import, when "
                                    "the set names it otherwise than Rollcall does.")
@click.option("--sheet", help="An .xlsx workbook's sheet to read (default: the first).")
@with_appcontext
@clean_errors
def import_roster_command(path, school_name, create_school, dry_run, partial,
                          allow_deactivate, homerooms, set_school, sheet):
    """Import a OneRoster 1.1/1.2 set (folder or .zip), or a simple roster (.csv or .xlsx)."""
    homerooms = _homerooms(homerooms)
    with force_locale("en"):
        try:
            source = load_path(path, services.max_file_bytes())
        except RosterRejected as rejected:
            report = services.rejected_report(path.name, rejected, dry_run)
        else:
            source.sheet = sheet
            school = _school(school_name, create_school, source)
            roster = services.read_roster(source, school, partial=partial,
                                          homerooms=homerooms, set_school=set_school)
            if roster.choice_saved:
                click.echo(f"roll-call groups: {roll_call_groups.describe(roster.choice)}, as "
                           f"saved for this set's school ({roster.source_id}) by its last "
                           "import; --homerooms chooses others")
            if dry_run or roster.errors:  # nothing is imported: no "importing" bar
                report = services.apply_roster(roster, school, None, dry_run=dry_run,
                                               origin=_origin(),
                                               allow_deactivate=allow_deactivate)
            else:
                with click.progressbar(length=len(roster.students), label="importing students",
                                       file=sys.stderr) as bar:
                    report = services.apply_roster(roster, school, None, progress=bar.update,
                                                   origin=_origin(),
                                                   allow_deactivate=allow_deactivate)
        _print(report)
    if not report.applied:
        db.session.rollback()  # also undoes a school created for this import
    if report.errors:
        raise click.exceptions.Exit(1)


def _homerooms(value: str | None) -> str | None:
    """The --homerooms choice; with classes=FILE, the classes the file lists."""
    if value is None:
        return None
    kind, _equals, wanted = value.strip().partition("=")
    if kind == "classes" and wanted.strip():
        try:
            lines = Path(wanted.strip()).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise click.BadParameter(f"cannot read {wanted.strip()}: {error}",
                                     param_hint="--homerooms") from None
        ids = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        if not ids:
            raise click.BadParameter(f"{wanted.strip()} lists no class sourcedId",
                                     param_hint="--homerooms")
        return oneroster.classes_choice(ids)
    if oneroster.homeroom_choice(value) is None:
        raise click.BadParameter("use 'homeroom', 'period=P', 'title=PATTERN', 'course=CODE' "
                                 "or 'classes=FILE'", param_hint="--homerooms")
    return value.strip()


def _origin() -> str:
    """Who ran the command, for the audit log (the command line has no Rollcall account)."""
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"


def _school(name: str | None, create: bool, source) -> School:
    """The school to import into. The install's first import creates it (named by --school,
    or by the set's one school); later, an unknown --school is refused unless --create-school,
    so a typo never makes a second school."""
    schools = db.session.scalars(db.select(School).order_by(School.name)).all()
    if name and any(school.name == name for school in schools):
        return resolve_school(name)
    if schools and not name:
        return resolve_school(None)
    if schools and not create:
        raise click.ClickException(
            f"no school named {name!r}; the schools are: "
            f"{', '.join(school.name for school in schools)} "
            "(add --create-school to create a new one)")
    if not name:
        names = oneroster.school_names(source) if source.kind == "oneroster" else []
        if len(names) > 1:
            raise click.ClickException(
                f"the set holds {len(names)} schools: {', '.join(names)}; "
                "choose one with --school NAME")
        if not names:
            raise click.ClickException(
                "there is no school yet: name it with --school NAME")
        name = names[0]
    school = School(name=name)
    db.session.add(school)
    db.session.flush()  # rolled back with the import if it fails or is a dry run
    return school


def _print(report) -> None:
    for problem in report.warnings_shown:
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
    for change in report.teacher_changes:
        click.echo(_teacher_change(change, report.dry_run))
    for change in report.student_changes:
        click.echo(f"{change['student']}: " + "; ".join(
            f"{what} {change[what][0]} -> {change[what][1]}"
            for what in ("name", "homeroom", "guardians") if what in change))
    outcome = "dry run: nothing was written" if report.dry_run else "saved"
    click.echo(f"{report.students_read} students read from {report.source_name}; {outcome}.")


def _teacher_change(change: dict, dry_run: bool) -> str:
    """`九年级1班: teachers added 吴老师 (t.wu); removed 周老师 (t.zhou)`."""
    parts = [f"{verb} {', '.join(change[key])}" for key, verb in
             (("added", "would add" if dry_run else "added"),
              ("removed", "would remove" if dry_run else "removed")) if change[key]]
    return f"{change['homeroom']}: teachers {'; '.join(parts)}"


def init_app(app: Flask) -> None:
    app.cli.add_command(import_roster_command)
