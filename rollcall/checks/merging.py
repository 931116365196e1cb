"""Merging a save with what others saved meanwhile: each row's fingerprint as the page (or an
API read) had it, and the rows two people changed at once."""

import contextlib
import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from rollcall import vocabulary
from rollcall.checks.models import Check
from rollcall.checks.validation import DETAILS, CheckInvalid, FieldError
from rollcall.extensions import db
from rollcall.models import AuditLog, Student

NO_ENTRY = "-"  # the base of a row that had no saved entry when the page was loaded


def fingerprint(values: dict | None) -> str:
    """A short, stable token of a row's saved value: what the page was loaded with, sent back
    with a save so that only the rows this person changed are applied."""
    if values is None or values.get("status") is None:
        return NO_ENTRY
    shown = {"status": str(values["status"])}
    for name in DETAILS:
        value = values.get(name)
        if isinstance(value, datetime):  # to the minute, in UTC: what a time input carries
            value = (value.replace(tzinfo=UTC) if value.tzinfo is None
                     else value.astimezone(UTC)).strftime("%Y-%m-%dT%H:%M")
        if value not in (None, ""):
            shown[name] = str(value)
    return _digest(tuple(shown.items()))


@functools.lru_cache(maxsize=4096)
def _digest(shown: tuple) -> str:
    """A save fingerprints each row two or three times, most of them the same few values."""
    return hashlib.sha256(json.dumps(dict(shown), sort_keys=True).encode()).hexdigest()[:16]


def fingerprints(rows: dict) -> dict:
    """{key: fingerprint(values)} for {key: values}: alike rows (most of a class) hashed once."""
    known = {}
    result = {}
    for key, values in rows.items():
        alike = None if values is None else tuple(values.items())
        if alike not in known:
            known[alike] = fingerprint(values)
        result[key] = known[alike]
    return result


@dataclass
class RowConflict:
    """A row both this person and someone else changed since the page (or read) was loaded."""

    student: Student
    mine: dict  # what this person posted
    theirs: dict  # what is saved now
    changed_by: str  # who made the other change
    changed_at: datetime | None


class RowConflicts(Exception):
    """Rows changed by two people at once; nothing was written. `rows` lists them."""

    def __init__(self, check: Check | None, rows: list[RowConflict]):
        super().__init__(f"{len(rows)} row(s) changed by someone else")
        self.check = check
        self.rows = rows


def split_bases(entries):
    """(entries without their base, {student_number: base fingerprint}) or (entries, None)
    when any entry has no base (the caller asks for the whole-check version rule)."""
    if not isinstance(entries, list):
        return entries, None
    with_base = [isinstance(raw, dict) and "base" in raw for raw in entries]
    if not any(with_base):
        return entries, None
    if not all(with_base):
        raise CheckInvalid([FieldError(f"entries[{with_base.index(False)}].base",
                                       _l("Give every entry its base, or none."))])
    bases = {}
    for raw in entries:
        base = raw["base"]
        if isinstance(base, dict):
            base = fingerprint(_parsed_base(base))
        elif base is None:
            base = NO_ENTRY
        number = raw.get("student_number")
        if isinstance(number, str):  # anything else is refused with the entry's other faults
            bases[number] = str(base)
    return [{k: v for k, v in raw.items() if k != "base"} for raw in entries], bases


def _parsed_base(base: dict) -> dict:
    """An entry as the API returned it, with its arrival time read back as an instant."""
    arrived = base.get("arrived_at")
    if isinstance(arrived, str):
        # Not an instant: the fingerprint will not match, which makes a changed row a conflict.
        with contextlib.suppress(ValueError):
            base = base | {"arrived_at": datetime.fromisoformat(arrived)}
    return base


def merge(homeroom, check, wanted: dict, bases: dict, current: dict, defaults: dict) -> dict:
    """The rows of wanted this person changed from their base; RowConflicts when someone
    else changed one of them too (to something else). A caller who read no entry (null base)
    and finds the row's default saved by someone else has not been overtaken."""
    by_id = {s.id: s for s in homeroom.students}
    applied, conflicts = {}, []
    for student_id, values in wanted.items():
        base = bases.get(by_id[student_id].student_number, NO_ENTRY)
        mine, now = fingerprint(values), fingerprint(current.get(student_id))
        if mine in (base, now):
            continue  # untouched here, or both made the same change
        if base == NO_ENTRY and now == fingerprint(defaults.get(student_id)):
            base = now
        if now != base:
            who, when = _last_change(check, by_id[student_id].student_number)
            conflicts.append(RowConflict(by_id[student_id], values,
                                         current.get(student_id) or {}, who, when))
            continue
        applied[student_id] = values
    if conflicts:
        raise RowConflicts(check, conflicts)
    return applied


def _last_change(check: Check | None, number: str) -> tuple[str, datetime | None]:
    """Who last changed a student's row of a check, and when (from the audit trail)."""
    if check is None:
        return "?", None
    changes = db.session.scalars(
        db.select(AuditLog).where(AuditLog.object_type == "Check",
                                  AuditLog.object_id == str(check.id),
                                  AuditLog.action.in_(("check.entry", "check.submit")))
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc()))
    for change in changes:
        after = change.after or {}
        if after.get("student_number") == number or change.action == "check.submit":
            return vocabulary.author(change), change.created_at
    return (check.updated_by.display_name if check.updated_by else "?"), check.updated_at
