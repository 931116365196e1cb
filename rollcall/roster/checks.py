"""The web's check, then confirm: a checked file is kept with the state of the roster it was
compared with, and confirming applies exactly those bytes while that state holds."""

import hashlib
import secrets

from flask_babel import lazy_gettext as _l

from rollcall.extensions import db
from rollcall.models import School, User
from rollcall.roster import services
from rollcall.roster.models import RosterCheck
from rollcall.roster.oneroster import school_names
from rollcall.roster.problems import RosterRejected
from rollcall.roster.reading import load_bytes, load_upload
from rollcall.roster.simple import LABELS


class CheckGone(LookupError):
    """No such check for this admin (confirmed already, or replaced by a newer check)."""


class RosterChanged(RuntimeError):
    """The school's roster is not what the file was checked against."""


def check_upload(name: str, stream, school: School, user: User, *, partial: bool = False,
                 homerooms: str = "homeroom", set_school: str | None = None,
                 options: dict | None = None):
    """(report, check): what importing the upload would change; the check is kept for
    confirming when there are no errors (the admin's earlier checks are dropped)."""
    limit = services.max_file_bytes()
    try:
        source = load_upload(name, stream, limit)
    except RosterRejected as rejected:
        return services.rejected_report(name, rejected, True), None
    report = services.import_roster(source, school, user, dry_run=True, partial=partial,
                                     allow_deactivate=True, homerooms=homerooms,
                                     set_school=set_school, options=options)
    if report.errors:
        if source.kind == "oneroster":
            report.set_schools = school_names(source)
        return report, None
    stream.seek(0)
    data = stream.read()
    db.session.execute(db.delete(RosterCheck).where(RosterCheck.user_id == user.id))
    check = RosterCheck(token=secrets.token_urlsafe(32), school_id=school.id, user_id=user.id,
                        file_name=name[:255], data=data,
                        sha256=hashlib.sha256(data).hexdigest(),
                        fingerprint=services.roster_fingerprint(school), partial=partial,
                        homerooms=homerooms, set_school=set_school)
    db.session.add(check)
    db.session.commit()
    return report, check


def confirm(token: str, school: School, user: User) -> services.ImportReport:
    """Apply the checked file; refused when the roster changed since the check."""
    check = db.session.scalar(db.select(RosterCheck).where(
        RosterCheck.token == token, RosterCheck.user_id == user.id,
        RosterCheck.school_id == school.id))
    if check is None or hashlib.sha256(check.data).hexdigest() != check.sha256:
        raise CheckGone(token)
    if services.roster_fingerprint(school) != check.fingerprint:
        raise RosterChanged(school.id)
    source = load_bytes(check.file_name, check.data, services.max_file_bytes())
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
