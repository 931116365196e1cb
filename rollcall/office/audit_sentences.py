"""The audit trail read like a log book: each change as a sentence in the reader's language,
with the vocabulary's words and the school's clock."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l

from rollcall import vocabulary
from rollcall.checks.models import DEFAULT_STATUS, Check, CheckKind, ContactMethod, ContactOutcome
from rollcall.checks.summary import describe_row
from rollcall.extensions import db
from rollcall.models import AuditLog, Student
from rollcall.vocabulary import short_date

# What each kind of change is called (the check changes get whole sentences below).
ACTIONS = {
    "admin.calendar.mark": _l("marked days in the school calendar"),
    "admin.calendar.unmark": _l("removed days from the school calendar"),
    "admin.guardian.contact_order": _l("changed the order of a student's guardians"),
    "admin.guardian.create": _l("added a guardian"),
    "admin.guardian.unlink": _l("removed a guardian from a student"),
    "admin.guardian.update": _l("changed a guardian"),
    "admin.homeroom.create": _l("added a class"),
    "admin.homeroom.update": _l("changed a class"),
    "admin.school.update": _l("changed the school's settings"),
    "admin.student.create": _l("added a student"),
    "admin.student.update": _l("changed a student"),
    "admin.user.create": _l("added an account"),
    "admin.user.password": _l("set an account's password"),
    "admin.user.update": _l("changed an account"),
    "api_token.create": _l("created an API token"),
    "api_token.revoke": _l("revoked API tokens"),
    "case.close": _l("closed a missing-student case"),
    "conflict.record": _l("recorded a conflict between students"),
    "conflict.update": _l("updated a conflict between students"),
    "case.note": _l("added a note to a missing-student case"),
    "case.open": _l("opened a missing-student case"),
    "case.raised_again": _l("raised a missing-student case again"),
    "contact.log": _l("logged a contact with a family"),
    "custody.move": _l("recorded a confiscated item changing hands"),
    "custody.open": _l("recorded a confiscated item"),
    "parent_meeting.record": _l("recorded a class parent meeting"),
    "contacts.guardian.update": _l("changed a guardian's phone details"),
    "guardian.opted_in": _l("recorded that a parent can receive texts again"),
    "guardian.opted_out": _l("recorded that a parent stopped texts"),
    "roster.import": _l("imported the roster"),
    "school.case_settings": _l("changed the on-duty phones for missing students"),
    "school.screening_settings": _l("changed when the weekly conflict screening is due"),
    "screening.record": _l("recorded the weekly conflict screening"),
    "school.text_settings": _l("changed the text settings"),
    "user.created": _l("created an account"),
    "user.password_changed": _l("changed their password"),
    "watch.add": _l("put a student on the watch list"),
    "watch.close": _l("took a student off the watch list"),
    "watch.note": _l("wrote a note on a watched student"),
}


# The stored field names of the other changes, as the office reads them (unknown ones as stored).
FIELDS = {
    "name": _l("Name"), "seat": _l("Seat"), "active": _l("Active"), "role": _l("Role"),
    "student_number": _l("Student number"), "grade": _l("Grade"), "phone": _l("Phone"),
    "language": _l("Language"), "display_name": _l("Display name"),
    "homeroom_id": _l("Class"), "homeroom": _l("Class"),
    "relationship_label": _l("Relationship"), "absence_texts": _l("Absence texts"),
    "graduating": _l("Graduating"), "timezone": _l("Time zone"), "username": _l("Username"),
    "password_changed": _l("Password changed"), "opted_out": _l("Opted out"),
    "contact_order": _l("Contact order"), "note": _l("Note"), "outcome": _l("Outcome"),
    "method": _l("How"), "person": _l("Who was reached (or tried)"), "via": _l("Via"),
}
# Where a field means something else on one kind of record.
OBJECT_FIELDS = {("Homeroom", "name"): _l("Class name")}
VALUES = {"method": ContactMethod, "outcome": ContactOutcome}


@dataclass
class AuditCard:
    """One audit row as the trail shows it."""

    row: AuditLog
    who: str
    sentence: str
    details: list[str] = field(default_factory=list)


def wall_time(instant: datetime) -> str:
    """HH:MM on the school's clock (the reader's time zone is the school's)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(get_timezone()).strftime("%H:%M")


def audit_cards(rows: list[AuditLog]) -> list[AuditCard]:
    """Sentences for a page of audit rows: checks and student names read in two queries."""
    check_ids = {int(row.object_id) for row in rows
                 if row.object_type == "Check" and (row.object_id or "").isdigit()}
    checks = {check.id: check for check in db.session.scalars(
        db.select(Check).where(Check.id.in_(check_ids)).options(
            db.joinedload(Check.homeroom)))} if check_ids else {}
    numbers = set()
    for row in rows:
        for values in (row.before, row.after):
            if isinstance(values, dict):
                if isinstance(values.get("student_number"), str):
                    numbers.add(values["student_number"])
                if isinstance(values.get("entries"), dict):
                    numbers.update(values["entries"])
    school_ids = {row.school_id for row in rows}
    names = {number: name for number, name in db.session.execute(
        db.select(Student.student_number, Student.name).where(
            Student.student_number.in_(numbers), Student.school_id.in_(school_ids)))}
    return [_card(row, checks.get(int(row.object_id)) if row.object_type == "Check"
                  and (row.object_id or "").isdigit() else None, names) for row in rows]


def _card(row: AuditLog, check: Check | None, names: dict) -> AuditCard:
    who = row.actor.display_name if row.actor else str(_l("system"))
    before = row.before if isinstance(row.before, dict) else {}
    after = row.after if isinstance(row.after, dict) else {}
    if check is not None and row.action.startswith("check."):
        school = check.homeroom.school
        kind = CheckKind(check.kind)
        what = {"who": who, "check": vocabulary.name(kind), "class": check.homeroom.name,
                "date": short_date(check.school_date)}
        number = after.get("student_number") or before.get("student_number")
        student = names.get(number, number or "?")
        if row.action == "check.entry":
            return AuditCard(row, who, str(_l(
                "%(who)s changed %(student)s's %(check)s of %(date)s from %(before)s to "
                "%(after)s", student=student, before=describe_row(school, kind, before) or "—",
                after=describe_row(school, kind, after) or "—", **what)))
        if row.action == "check.submit":
            entries = after.get("entries")
            details = [f"{names.get(n, n)}: {describe_row(school, kind, values)}"
                       for n, values in entries.items()] if isinstance(entries, dict) else []
            if isinstance(entries, dict) and not entries:
                details = [str(_l("everyone %(status)s",
                                  status=vocabulary.name(DEFAULT_STATUS[kind])))]
            return AuditCard(row, who, str(_l(
                "%(who)s submitted the %(check)s of %(class)s for %(date)s", **what)),
                details)
        if row.action == "check.dangerous_finding":
            return AuditCard(row, who, str(_l(
                "%(who)s's %(check)s of %(class)s flagged to the office: %(student)s, "
                "%(item)s", student=student,
                item=describe_row(school, kind, after | {"status": "found"}), **what)))
        if row.action == "check.campus_checked":
            return AuditCard(row, who, str(_l(
                "%(who)s confirmed the classroom and campus of %(class)s checked (%(date)s)",
                **what)))
    action = ACTIONS.get(row.action)
    sentence = str(_l("%(who)s %(did)s", who=who, did=action)) if action else \
        str(_l("%(who)s: %(action)s", who=who, action=row.action))
    return AuditCard(row, who, sentence, _changes(before, after, row))


def _changes(before: dict, after: dict, row: AuditLog) -> list[str]:
    """'field: before → after' for each value that differs (as stored: names, numbers)."""
    if not isinstance(row.before, dict | None) or not isinstance(row.after, dict | None):
        return [f"{row.before} → {row.after}"]
    lines = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            words = OBJECT_FIELDS.get((row.object_type, key)) or FIELDS.get(key) or key
            lines.append(str(_l("%(field)s: %(before)s → %(after)s", field=words,
                                before=_plain(old, key), after=_plain(new, key))))
    return lines


def _plain(value, key: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("yes")) if value else str(_l("no"))
    if key in VALUES:
        return vocabulary.named(VALUES[key], value)
    return str(value)
