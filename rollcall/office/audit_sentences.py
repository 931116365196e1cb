"""The audit trail read like a log book: each change as a sentence in the reader's language,
with the vocabulary's words and the school's clock."""

import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from babel.lists import format_list
from flask_babel import get_locale, get_timezone
from flask_babel import lazy_gettext as _l

from rollcall import vocabulary
from rollcall.cases.models import CaseOutcome, CaseTrigger
from rollcall.checks.models import DEFAULT_STATUS, Check, CheckKind, ContactMethod, ContactOutcome
from rollcall.checks.summary import describe_row
from rollcall.custody.models import CustodyState
from rollcall.extensions import db
from rollcall.family.models import ContactReason
from rollcall.models import AuditLog, Guardian, Homeroom, Role, Student, User
from rollcall.notify.forms import CODE_FIELDS, CODE_LABELS, TextSettingsForm
from rollcall.office import audit_texts
from rollcall.screening.models import ConflictSeverity, ConflictState
from rollcall.vocabulary import short_date
from rollcall.watch.models import WatchReason

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
    "case.sweep_changed": _l("changed the dismissal sweep of a missing student"),
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
    "notify.test_text": _l("sent a test text to an on-duty phone"),
    "user.created": _l("created an account"),
    "user.password_changed": _l("changed their password"),
    "watch.add": _l("put a student on the watch list"),
    "watch.close": _l("took a student off the watch list"),
    "watch.note": _l("wrote a note on a watched student"),
    "user.sessions_ended": _l("signed an account out of other devices"),
    "check.submit": _l("submitted a check"),
    "check.entry": _l("changed a check"),
    "check.dangerous_finding": _l("flagged a finding to the office"),
    "check.campus_checked": _l("confirmed the classroom and campus checked"),
}


# The stored field names of the other changes, as the office reads them.
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
    "student_id": _l("Student"), "students": _l("Students"), "attended": _l("Attended"),
    "homerooms": _l("Classes"), "teachers": _l("Teachers"), "user": _l("Account"),
    "received_by_id": _l("Received by"), "guardian_id": _l("Guardian"),
    "office_owner_id": _l("Taken over by the office"), "state": _l("Where it is"),
    "severity": _l("Severity"), "trigger": _l("Why"), "reason": _l("Reason"),
    "date": _l("Date"), "day": _l("Date"), "week": _l("Week"), "review_on": _l("Review on"),
    "follow_up_on": _l("Follow up on"), "at": _l("When"), "contacted_at": _l("When"),
    "days": _l("Days"), "cleared": _l("Days cleared"), "school_day": _l("What these days are"),
    "phone_e164": _l("Phone"), "phone_raw": _l("Phone as typed"), "locale": _l("Language"),
    "bag_check_cutoff": _l("Bag check due by"), "attendance_cutoff": _l("Attendance due by"),
    "dismissal_cutoff": _l("Dismissal sweep due by"),
    "alert_delay_minutes": _l("Minutes after the attendance check before a text goes"),
    "sms_window": _l("Sending window (school time)"), "prefix": _l("Token"),
    "duty_phones": _l("On-duty phones"), "unreached_by": _l("Raise a case when no family is "
                                                             "reached by"),
    "weekday": _l("Due on"), "time": _l("Due at"), "no_conflicts": _l("No conflicts"),
    "texts": _l("Texts to the on-duty phones"), "sessions": _l("Signed out on"),
    "file": _l("File"), "format": _l("Format"), "full": _l("The whole school"),
    "counts": _l("Changes"), "warnings": _l("Warnings"), "open": _l("On the watch list"),
    "status": _l("Status"),
}
# Where a field means something else on one kind of record.
OBJECT_FIELDS = {("Homeroom", "name"): _l("Class name"),
                 ("Conflict", "state"): _l("State"), ("School", "phone"): _l("Phone")}
# Internal references a reader has no use for (the change itself is the sentence).
HIDDEN = frozenset({"event_id", "note_id", "screening_id", "kind"})
# Fields holding a code of an enum, by the kind of record where it differs.
ENUMS = {"method": ContactMethod, "outcome": ContactOutcome, "role": Role,
         "trigger": CaseTrigger, "severity": ConflictSeverity, "state": CustodyState,
         "reason": ContactReason}
OBJECT_ENUMS = {("MissingCase", "outcome"): CaseOutcome, ("Conflict", "state"): ConflictState,
                ("WatchEntry", "reason"): WatchReason}
DATES = frozenset({"date", "day", "week", "review_on", "follow_up_on"})
INSTANTS = frozenset({"at", "contacted_at"})
WALL_TIMES = frozenset({"bag_check_cutoff", "attendance_cutoff", "dismissal_cutoff"})
# References to other rows: the field → the model whose names it holds.
PEOPLE = {"student_id": Student, "students": Student, "attended": Student,
          "homeroom_id": Homeroom, "teachers": User, "received_by_id": User,
          "office_owner_id": User, "guardian_id": Guardian}
VIA = {"sms": _l("the parent's text reply"), "twilio 21610": _l("the SMS provider (STOP)"),
       "web": _l("the web page"), "cli": _l("the command line"), "api": _l("the API")}
COUNTED = {"homerooms": _l("classes"), "students": _l("students"),
           "guardians": _l("guardians"), "teachers": _l("teachers")}
COUNTS = {"added": _l("%(n)s added"), "updated": _l("%(n)s changed"),
          "deactivated": _l("%(n)s deactivated")}


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
    """Sentences for a page of audit rows: checks, students and the other rows they name are
    read in one query per kind."""
    check_ids = {int(row.object_id) for row in rows
                 if row.object_type == "Check" and (row.object_id or "").isdigit()}
    checks = {check.id: check for check in db.session.scalars(
        db.select(Check).where(Check.id.in_(check_ids)).options(
            db.joinedload(Check.homeroom)))} if check_ids else {}
    numbers = set()
    wanted = {model: set() for model in set(PEOPLE.values())}
    for row in rows:
        for values in (row.before, row.after):
            if not isinstance(values, dict):
                continue
            if isinstance(values.get("student_number"), str):
                numbers.add(values["student_number"])
            if isinstance(values.get("entries"), dict):
                numbers.update(values["entries"])
            for key, value in values.items():
                model = _model_of(key, value)
                if model is not None:
                    wanted[model].update(v for v in _as_list(value) if isinstance(v, int))
    school_ids = {row.school_id for row in rows}
    names = {number: name for number, name in db.session.execute(
        db.select(Student.student_number, Student.name).where(
            Student.student_number.in_(numbers), Student.school_id.in_(school_ids)))}
    rows_named = {model: _names_of(model, ids, school_ids) for model, ids in wanted.items()}
    cards = [_card(row, checks.get(int(row.object_id)) if row.object_type == "Check"
                   and (row.object_id or "").isdigit() else None, names, rows_named)
             for row in rows]
    texts = audit_texts.text_lines(rows)
    for card in cards:
        card.details.extend(texts.get(card.row.id, []))
    return cards


def _model_of(key: str, value):
    """The model whose rows a field refers to (admin's "homerooms" are ids, an account's
    creation names them)."""
    if key in ("homerooms", "students") and not (
            isinstance(value, list) and all(isinstance(v, int) for v in value)):
        return None  # an account's classes by name, a roster import's count of students
    return Homeroom if key == "homerooms" else PEOPLE.get(key)


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _names_of(model, ids: set, school_ids: set) -> dict:
    if not ids:
        return {}
    label = User.display_name if model is User else model.name
    return dict(db.session.execute(db.select(model.id, label).where(
        model.id.in_(ids), model.school_id.in_(school_ids))).all())


def _card(row: AuditLog, check: Check | None, names: dict, rows_named: dict) -> AuditCard:
    who = vocabulary.author(row)
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
            change = {"student": student, "before": describe_row(school, kind, before) or "—",
                      "after": describe_row(school, kind, after) or "—"}
            if row.rule:
                return AuditCard(row, who, str(_l(
                    "%(student)s's %(check)s of %(date)s went from %(before)s to %(after)s: "
                    "%(who)s", **change, **what)))
            return AuditCard(row, who, str(_l(
                "%(who)s changed %(student)s's %(check)s of %(date)s from %(before)s to "
                "%(after)s", **change, **what)))
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
    return AuditCard(row, who, sentence, _changes(before, after, row, rows_named))


def _changes(before: dict, after: dict, row: AuditLog, rows_named: dict) -> list[str]:
    """'field: before → after' for each value that differs, in names and words."""
    if not isinstance(row.before, dict | None) or not isinstance(row.after, dict | None):
        return [str(_l("%(field)s: %(before)s → %(after)s", field="—",
                       before=_plain(row.before), after=_plain(row.after)))]
    lines = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new or key in HIDDEN:
            continue
        read = functools.partial(_plain, key=key, object_type=row.object_type,
                                 rows_named=rows_named)
        if row.before is None:  # a new record: what it was made with
            if new in ("", []):
                continue
            lines.append(str(_l("%(field)s: %(value)s", field=_field(key, row.object_type),
                                value=read(new))))
        else:
            lines.append(str(_l("%(field)s: %(before)s → %(after)s",
                                field=_field(key, row.object_type), before=read(old),
                                after=read(new))))
    return lines


def _field(key: str, object_type: str) -> str:
    words = OBJECT_FIELDS.get((object_type, key)) or FIELDS.get(key)
    if words is not None:
        return str(words)
    if _is_iso_date(key):  # the calendar's days as they were before a change
        return short_date(date.fromisoformat(key))
    form_field = getattr(TextSettingsForm, key, None)
    if form_field is not None and getattr(form_field, "args", None):
        return str(form_field.args[0])
    kind = {name: kind for kind, name in CODE_FIELDS.items()}.get(key)
    return str(CODE_LABELS[kind]) if kind in CODE_LABELS else key


def _plain(value, key: str = "", object_type: str = "", rows_named: dict | None = None) -> str:
    """A stored value as the reader says it: names for ids, words for codes, the school's
    dates and times."""
    if value is None or value == "" or value == []:
        return "—"
    if key == "school_day" and isinstance(value, bool):
        return str(_l("make-up school day") if value else _l("holiday"))
    if isinstance(value, bool):
        return str(_l("yes")) if value else str(_l("no"))
    model = _model_of(key, value)
    if model is not None and rows_named is not None:
        named = rows_named.get(model, {})
        return _listed([named.get(v, str(_l("(removed)"))) if isinstance(v, int) else str(v)
                        for v in _as_list(value)])
    if isinstance(value, list):
        return _listed([_plain(item, key, object_type, rows_named) for item in value])
    if isinstance(value, dict):
        return _dict_words(value, key)
    return _scalar_words(value, key, object_type)


def _scalar_words(value, key: str, object_type: str) -> str:
    """A code, a date, an instant or a setting's choice in words; anything else as stored."""
    enum_class = OBJECT_ENUMS.get((object_type, key)) or ENUMS.get(key)
    if enum_class is not None:
        return vocabulary.named(enum_class, value)
    reader = READERS.get(key)
    if reader is not None:
        return reader(value)
    form_field = getattr(TextSettingsForm, key, None)
    for choice in (getattr(form_field, "kwargs", None) or {}).get("choices", []):
        if choice.value == value:
            return str(choice.label)
    return str(value)


def _dict_words(value: dict, key: str) -> str:
    """A roster import's counts, or a calendar day as it was."""
    if key == "counts":
        parts = []
        for counted, changes in sorted(value.items()):
            said = [str(COUNTS[change]) % {"n": n} if change in COUNTS else f"{change} {n}"
                    for change, n in sorted(changes.items()) if n] \
                if isinstance(changes, dict) else [str(changes)]
            if said:
                parts.append(f"{COUNTED.get(counted, counted)} {_listed(said)}")
        return "; ".join(parts) or "—"
    if "school_day" in value:
        kind = _l("make-up school day") if value["school_day"] else _l("holiday")
        return f"{kind} {value.get('name') or ''}".strip()
    return _listed([f"{_field(k, '')}: {_plain(v, k)}" for k, v in sorted(value.items())])


def _listed(items: list[str]) -> str:
    return format_list([str(item) for item in items], locale=get_locale()) if items else "—"


def _is_iso_date(text) -> bool:
    try:
        date.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return True


def _date_words(value) -> str:
    return short_date(date.fromisoformat(value)) if _is_iso_date(value) else str(value)


def _instant_words(value) -> str:
    """A stored instant (ISO, UTC when naive) on the school's clock, with its date."""
    try:
        instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return str(value)
    if not isinstance(instant, datetime):
        return str(value)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    local = instant.astimezone(get_timezone())
    return f"{short_date(local.date())} {local.strftime('%H:%M')}"


def _weekday_words(value) -> str:
    return vocabulary.weekday_name(value) if isinstance(value, int) and 0 <= value <= 6 \
        else str(value)


# Fields read by a function of their value alone.
READERS = {
    "language": vocabulary.language_name, "locale": vocabulary.language_name,
    "weekday": _weekday_words, "status": vocabulary.status_name,
    "via": lambda value: str(VIA.get(value, value)),
    **dict.fromkeys(DATES | {"days", "cleared"}, _date_words),
    **dict.fromkeys(INSTANTS, _instant_words),
    **dict.fromkeys(WALL_TIMES, lambda value: str(value)[:5]),
}
