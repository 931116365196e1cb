"""The web's check, then confirm: a checked file is kept with the state of the roster it was
compared with, and confirming applies exactly those bytes while that state holds."""

import hashlib
import secrets

from flask_babel import lazy_gettext as _l

from rollcall.extensions import db
from rollcall.models import School, User
from rollcall.roster import groups, services
from rollcall.roster.models import RosterCheck
from rollcall.roster.oneroster import school_names
from rollcall.roster.problems import RosterRejected
from rollcall.roster.reading import RosterSource, load_bytes, load_upload
from rollcall.roster.simple import LABELS


class CheckGone(LookupError):
    """No such check for this admin (confirmed already, or replaced by a newer check)."""


class RosterChanged(RuntimeError):
    """The school's roster is not what the file was checked against."""


def check_upload(name: str, stream, school: School, user: User, *, partial: bool = False,
                 homerooms: str | None = None, set_school: str | None = None,
                 options: dict | None = None):
    """(report, check): what importing the upload would change; the check is kept for
    confirming when there are no errors, or for choosing a OneRoster set's roll-call groups
    when those are its only errors (the admin's earlier checks are dropped)."""
    try:
        source = load_upload(name, stream, services.max_file_bytes())
    except RosterRejected as rejected:
        return services.rejected_report(name, rejected, True), None
    stream.seek(0)
    return _check(name, stream.read(), source, school, user, partial=partial,
                  homerooms=homerooms, set_school=set_school, options=options)


def check_again(check: RosterCheck, source: RosterSource, school: School, user: User,
                homerooms: str, options: dict | None = None):
    """(report, check): the kept file (as kept_source read it) checked again with other
    roll-call groups."""
    return _check(check.file_name, check.data, source, school, user, partial=check.partial,
                  homerooms=homerooms, set_school=check.set_school, options=options)


def _check(name, data, source, school, user, *, partial, homerooms, set_school, options):
    roster = services.read_roster(source, school, partial=partial, homerooms=homerooms,
                                  set_school=set_school, options=options)
    report = services.apply_roster(roster, school, user, dry_run=True, allow_deactivate=True)
    if roster.choice:
        report.groups = {"choice": groups.describe(roster.choice),
                         "saved": roster.choice_saved}
        if report.errors:
            report.set_schools = school_names(source)
    if report.errors and not report.groups_only:
        return report, None
    db.session.execute(db.delete(RosterCheck).where(RosterCheck.user_id == user.id))
    check = RosterCheck(token=secrets.token_urlsafe(32), school_id=school.id, user_id=user.id,
                        file_name=name[:255], data=data,
                        sha256=hashlib.sha256(data).hexdigest(),
                        fingerprint=services.roster_fingerprint(school), partial=partial,
                        homerooms=roster.choice or "homeroom", set_school=set_school)
    db.session.add(check)
    db.session.commit()
    return report, check


def kept_check(token: str, school: School, user: User) -> RosterCheck:
    """The admin's kept check of this school; CheckGone when there is none (or it was
    altered)."""
    check = db.session.scalar(db.select(RosterCheck).where(
        RosterCheck.token == token, RosterCheck.user_id == user.id,
        RosterCheck.school_id == school.id))
    if check is None or hashlib.sha256(check.data).hexdigest() != check.sha256:
        raise CheckGone(token)
    return check


def kept_source(check: RosterCheck) -> RosterSource:
    """The kept file, read again."""
    return load_bytes(check.file_name, check.data, services.max_file_bytes())


def kept_classes(check: RosterCheck, source: RosterSource,
                 school: School) -> groups.SetClasses | None:
    """The classes of a kept OneRoster set, to choose the roll-call groups from."""
    if source.kind != "oneroster":
        return None
    return groups.read_classes(source, check.set_school or school.name)


def confirm(token: str, school: School, user: User) -> services.ImportReport:
    """Apply the checked file; refused when the roster changed since the check. A OneRoster
    set's roll-call groups are saved for the next import of the same source."""
    check = kept_check(token, school, user)
    if services.roster_fingerprint(school) != check.fingerprint:
        raise RosterChanged(school.id)
    source = kept_source(check)
    db.session.delete(check)  # committed with the import, restored by its rollback
    report = services.import_roster(source, school, user, partial=check.partial,
                                    allow_deactivate=True, homerooms=check.homerooms,
                                    set_school=check.set_school)
    if report.errors:
        db.session.rollback()
    return report


def column_labels() -> dict:
    """Column ids as the format page names them, in the reader's language."""
    return {**LABELS, "header": _l("Header row")}
