"""Importing a roster: read and check it all, then write it in one transaction (or not at all)."""

import hashlib
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from rollcall import audit
from rollcall.extensions import db
from rollcall.models import (
    Guardian,
    Homeroom,
    School,
    Student,
    StudentGuardian,
    User,
    homeroom_teachers,
)
from rollcall.roster.apply import Reconciler
from rollcall.roster.data import Roster
from rollcall.roster.groups import remember_choice, saved_choice
from rollcall.roster.oneroster import parse_oneroster
from rollcall.roster.problems import Problem, RosterRejected, summarised
from rollcall.roster.reading import DEFAULT_MAX_FILE_BYTES, RosterSource
from rollcall.roster.simple import parse_simple
from rollcall.state_change import hold


@dataclass
class ImportReport:
    """What an import found and did (or, in a dry run or on error, would have done)."""

    source_name: str
    dry_run: bool
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    students_read: int = 0
    deactivated: dict[str, list[str]] = field(default_factory=dict)  # names, for the check
    teacher_changes: list[dict] = field(default_factory=list)  # per class: added, removed
    student_changes: list[dict] = field(default_factory=list)  # homeroom, guardians: old, new
    set_schools: list[str] = field(default_factory=list)  # a district set's schools, to choose
    destructive: bool = False  # it deactivates a class or over a tenth of the students
    groups_only: bool = False  # every error would go with another choice of roll-call groups
    groups: dict | None = None  # a OneRoster check's roll-call groups: choice, saved

    @property
    def applied(self) -> bool:
        return not self.errors and not self.dry_run

    @property
    def warnings_shown(self) -> list[Problem]:
        """The warnings, summarised: one line per finding repeated on many rows."""
        return summarised(self.warnings, self.errors)

    @property
    def changed(self) -> bool:
        """True when the import adds, updates, deactivates or reassigns anything."""
        return any(any(counter.values()) for counter in self.counts.values()) \
            or bool(self.teacher_changes)


def max_file_bytes() -> int:
    """The per-file size limit (ROSTER_MAX_FILE_BYTES, 20 MB unless configured)."""
    return int(current_app.config.get("ROSTER_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


def read_roster(source: RosterSource, school: School, *, partial: bool = False,
                homerooms: str | None = None, set_school: str | None = None,
                options: dict | None = None) -> Roster:
    """Parse and check the source against the school's phone region and language.

    A partial roster (say, one class) only adds and updates: nobody is deactivated. A
    OneRoster set's roll-call groups are `homerooms`, else the choice saved for its school,
    else its homeroom classes."""
    try:
        if source.kind in ("simple", "xlsx"):
            roster = parse_simple(source, school.phone_region, school.locale)
        else:
            roster = parse_oneroster(source, school.phone_region, school.locale,
                                     set_school or school.name, homerooms=homerooms,
                                     options=options,
                                     saved_choice=lambda source: saved_choice(school, source))
    except RosterRejected as rejected:
        return Roster(source.name, source.kind, errors=rejected.problems)
    roster.full = roster.full and not partial
    return roster


def apply_roster(roster: Roster, school: School, actor: User | None, *, dry_run: bool = False,
                 progress=None, origin: str = "web",
                 allow_deactivate: bool = False) -> ImportReport:
    """Write the roster if it has no errors: add, update in place, deactivate the missing.

    Deactivating any class or over a tenth of the school's students needs allow_deactivate:
    a file that lists too little must never empty a school by accident. A OneRoster set's
    roll-call groups are saved for the next import of the same source."""
    report = ImportReport(roster.source_name, dry_run, roster.errors, roster.warnings,
                          students_read=len(roster.students))
    if roster.errors:
        # Every group error is also one of the errors (RosterData.group_error).
        report.groups_only = len(roster.group_errors) == len(roster.errors)
        return report
    if not dry_run:
        # Two imports of one school at once (an admin and the nightly command): the second
        # waits here for the first's COMMIT, then reconciles against what it wrote.
        hold(school)
    reconciler = Reconciler(school, roster)
    reconciler.run(progress)
    report.counts = {kind: dict(counter) for kind, counter in reconciler.counts.items()}
    report.deactivated = reconciler.deactivated
    report.teacher_changes = reconciler.teacher_changes
    report.student_changes = reconciler.student_changes
    report.destructive = reconciler.destructive()
    if report.destructive and not allow_deactivate:
        roster.error(roster.source_name, 0, "-", _l(
            "this import would deactivate %(students)d of the school's %(active)d active "
            "students and %(homerooms)d class(es): if the file really is the whole school, "
            "confirm it (--allow-deactivate)", students=len(reconciler.deactivated["students"]),
            active=reconciler.active_before, homerooms=len(reconciler.deactivated["homerooms"])))
    if roster.errors or dry_run:
        db.session.rollback()
        return report
    reconciler.write()
    if roster.choice:
        remember_choice(school, roster.source_id, roster.choice)
    if not report.changed:  # the same file again: nothing to audit
        db.session.commit()
        return report
    audit.record("roster.import", school, actor=actor, after={
        "file": roster.source_name, "format": roster.kind, "full": roster.full, "via": origin,
        "counts": report.counts, "students": len(roster.students),
        "teachers": report.teacher_changes,
        "warnings": len(roster.warnings),
    })
    db.session.commit()
    return report


def import_roster(source: RosterSource, school: School, actor: User | None, *,
                  dry_run: bool = False, partial: bool = False, allow_deactivate: bool = False,
                  homerooms: str | None = None, set_school: str | None = None,
                  options: dict | None = None) -> ImportReport:
    """Read, check and (unless a dry run or on error) write a roster in one go."""
    roster = read_roster(source, school, partial=partial, homerooms=homerooms,
                         set_school=set_school, options=options)
    return apply_roster(roster, school, actor, dry_run=dry_run,
                        allow_deactivate=allow_deactivate)


def roster_fingerprint(school: School) -> str:
    """A digest of the school's homerooms, students and guardians: a confirmation applies the
    checked file only while this is what the check compared it with."""
    digest = hashlib.sha256()
    queries = (
        db.select(Homeroom.id, Homeroom.name, Homeroom.grade, Homeroom.active,
                  Homeroom.sourced_id).where(Homeroom.school_id == school.id)
        .order_by(Homeroom.id),
        db.select(Student.id, Student.student_number, Student.name, Student.seat,
                  Student.active, Student.homeroom_id, Student.sourced_id)
        .where(Student.school_id == school.id).order_by(Student.id),
        db.select(Guardian.id, Guardian.name, Guardian.phone_e164, Guardian.language,
                  Guardian.relationship_label).where(Guardian.school_id == school.id)
        .order_by(Guardian.id),
        db.select(StudentGuardian.student_id, StudentGuardian.guardian_id,
                  StudentGuardian.contact_order).join(Student)
        .where(Student.school_id == school.id)
        .order_by(StudentGuardian.student_id, StudentGuardian.guardian_id),
        db.select(homeroom_teachers.c.homeroom_id, homeroom_teachers.c.user_id)
        .join(Homeroom, Homeroom.id == homeroom_teachers.c.homeroom_id)
        .where(Homeroom.school_id == school.id)
        .order_by(homeroom_teachers.c.homeroom_id, homeroom_teachers.c.user_id),
    )
    for query in queries:
        for row in db.session.execute(query):
            digest.update(repr(tuple(row)).encode())
        digest.update(b"|")
    return digest.hexdigest()


def rejected_report(name: str, rejected: RosterRejected, dry_run: bool) -> ImportReport:
    """The report for input refused before parsing (too big, unreadable zip, no such path)."""
    return ImportReport(name, dry_run, errors=rejected.problems)
