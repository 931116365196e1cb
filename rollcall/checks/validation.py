"""Turn submitted entries (from the web form or the API) into clean values, or field errors.

An entry is a dict: ``student_number``, ``status`` and the details that status takes.
Nothing here writes; `save_check` calls `clean_entries` before it touches the database.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from rollcall import clock
from rollcall.checks.models import (
    STATUSES,
    AttendanceStatus,
    BagStatus,
    CheckKind,
    DismissalReason,
    DismissalStatus,
    FindingAction,
    FindingCategory,
)

DETAILS = ("arrived_at", "reason", "category", "description", "action", "location")
# A check entry's written detail (an excuse, a finding, where a student was still seen): a
# line, on a phone, during a check.
ENTRY_DETAIL_LIMIT = 200
# The details each status takes: name -> required?
STATUS_DETAILS = {
    AttendanceStatus.LATE: {"arrived_at": False},
    AttendanceStatus.EXCUSED: {"reason": True},
    BagStatus.FOUND: {"category": True, "description": False, "action": True},
    DismissalStatus.ON_CAMPUS: {"location": True, "reason": True, "action": False},
}
# Details whose value must be one of an enum (per kind, since "reason" means two things).
ENUM_DETAILS = {
    (CheckKind.BAG, "category"): FindingCategory,
    (CheckKind.BAG, "action"): FindingAction,
    (CheckKind.DISMISSAL, "reason"): DismissalReason,
}
# A late arrival noted a few minutes ahead of the server's clock is still "now".
CLOCK_SKEW = timedelta(minutes=5)
_WALL_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    student_number: str | None = None

    def as_dict(self) -> dict:
        return {"field": self.field, "message": str(self.message)}


class CheckInvalid(Exception):
    """One or more entries are invalid; nothing was written."""

    def __init__(self, errors: list[FieldError]):
        super().__init__(f"{len(errors)} invalid field(s)")
        self.errors = errors


class UnknownStudents(Exception):
    """Entries name students who are not in this homeroom; nothing was written."""

    def __init__(self, numbers: list[str]):
        super().__init__("students not in this homeroom: " + ", ".join(numbers))
        self.numbers = numbers


def clean_entries(kind: CheckKind, school, day: date, raw_entries, students: dict,
                  not_here=frozenset()) -> dict:
    """{student_id: clean entry} from raw entries, given the class as {student_number: Student}.

    Students in not_here (numbers) are in the class but not in this check (absent today).
    """
    if not isinstance(raw_entries, list):
        raise CheckInvalid([FieldError("entries", _l("Must be a list of entries."))])
    errors, cleaned, unknown = [], {}, []
    for index, raw in enumerate(raw_entries):
        where = f"entries[{index}]"
        if not isinstance(raw, dict):
            errors.append(FieldError(where, _l("Must be an object.")))
            continue
        number = raw.get("student_number")
        if not isinstance(number, str) or not number:
            errors.append(FieldError(f"{where}.student_number", _l("A student number is needed.")))
            continue
        student = students.get(number)
        if student is None:
            unknown.append(number)
            continue
        if number in not_here:
            errors.append(FieldError(f"{where}.student_number",
                                     _l("This student is absent today."), number))
            continue
        if student.id in cleaned:
            errors.append(FieldError(f"{where}.student_number",
                                     _l("This student appears twice."), number))
            continue
        entry, entry_errors = _clean_entry(kind, school, day, raw, where, number)
        errors.extend(entry_errors)
        cleaned[student.id] = entry
    if unknown:
        raise UnknownStudents(unknown)
    if errors:
        raise CheckInvalid(errors)
    return cleaned


def _clean_entry(kind, school, day, raw, where, number) -> tuple[dict, list[FieldError]]:
    errors = []

    def fail(field, message):
        errors.append(FieldError(f"{where}.{field}", message, number))

    status = raw.get("status")
    if not isinstance(status, str) or status not in {member.value for member in STATUSES[kind]}:
        fail("status", _l("Not a status of this check."))
        return {}, errors
    allowed = STATUS_DETAILS.get(status, {})
    for key in raw:
        if key not in allowed and key not in ("student_number", "status"):
            if key in DETAILS and raw[key] in (None, ""):
                continue
            fail(key, _l("Does not apply to this status."))
    entry = dict.fromkeys(DETAILS) | {"status": status}
    for name, required in allowed.items():
        value = raw.get(name)
        if value in (None, ""):
            if required:
                fail(name, _l("Required for this status."))
            continue
        clean, message = _clean_detail(kind, school, day, name, value)
        if message is not None:
            fail(name, message)
        entry[name] = clean
    return entry, errors


def _clean_detail(kind, school, day, name, value):
    """(clean value, None) or (None, error message)."""
    if name == "arrived_at":
        return _clean_arrival(school, day, value)
    if not isinstance(value, str):
        return None, _l("Must be text.")
    if _CONTROL.search(value):  # a NUL byte, which PostgreSQL refuses, and its kin
        return None, _l("Must not contain control characters.")
    value = value.strip()
    choices = ENUM_DETAILS.get((kind, name))
    if choices is not None:
        if value not in {member.value for member in choices}:
            return None, _l("Not one of the allowed values.")
        return value, None
    if len(value) > ENTRY_DETAIL_LIMIT:
        return None, _l("At most %(count)d characters.", count=ENTRY_DETAIL_LIMIT)
    return value or None, None


def _clean_arrival(school, day, value):
    """A late arrival: 'HH:MM' on the check's day, or an ISO 8601 date-time on that day."""
    if isinstance(value, str) and _WALL_TIME.match(value):
        instant = clock.school_datetime(school, day, time.fromisoformat(value))
    else:
        try:
            instant = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            instant = None
        if instant is None:
            return None, _l("Must be a time (HH:MM) or an ISO 8601 date-time.")
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=clock.school_zone(school))
    try:
        local_day = clock.to_school_time(school, instant).date()
    except (OverflowError, ValueError):
        local_day = None
    if local_day != day:
        return None, _l("The arrival must be on the day of the check.")
    if instant > clock.now() + CLOCK_SKEW:
        return None, _l("The arrival cannot be in the future.")
    return instant, None


def refuse_statuses(homeroom, raw_entries, refused, message) -> None:
    """Refuse the statuses posted for these students (ids) with one message, each error at its
    row's place in the posted entries; nothing when none is refused."""
    if not refused:
        return
    numbers = {s.id: s.student_number for s in homeroom.students if s.id in refused}
    where = {raw.get("student_number"): index for index, raw in enumerate(raw_entries)}
    raise CheckInvalid([FieldError(f"entries[{where[numbers[sid]]}].status", message,
                                   numbers[sid]) for sid in sorted(refused)])
