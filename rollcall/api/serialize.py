"""Checks as JSON for the API."""

from rollcall.checks.models import Check
from rollcall.checks.validation import DETAILS
from rollcall.models import seat_key


def _iso(value):
    return None if value is None else value.isoformat()


def _user(user):
    return None if user is None else {"username": user.username, "name": user.display_name}


def entry_json(entry) -> dict:
    """One student's entry."""
    body = {"student_number": entry.student.student_number, "name": entry.student.name,
            "seat": entry.student.seat, "status": entry.status,
            "status_since": _iso(entry.status_since)}
    for name in DETAILS:
        value = getattr(entry, name)
        body[name] = _iso(value) if name == "arrived_at" else value
    return body


def check_json(check: Check) -> dict:
    """A saved check with who and when, its version and its entries in seat order."""
    entries = sorted(check.entries, key=lambda e: seat_key(e.student))
    return {"kind": check.kind, "date": check.school_date.isoformat(), "status": "submitted",
            "version": check.version, "submitted_at": _iso(check.submitted_at),
            "submitted_by": _user(check.submitted_by), "updated_at": _iso(check.updated_at),
            "updated_by": _user(check.updated_by),
            "campus_checked_at": _iso(check.campus_checked_at),
            "recorded_on_phone_at": _iso(check.recorded_on_phone_at),
            "received_at": _iso(check.received_at),
            "entries": [entry_json(e) for e in entries]}


def empty_check_json(day, kind) -> dict:
    """A check nobody has submitted yet."""
    return {"kind": str(kind), "date": day.isoformat(), "status": "not_started",
            "version": None, "submitted_at": None, "submitted_by": None, "updated_at": None,
            "updated_by": None, "campus_checked_at": None, "recorded_on_phone_at": None,
            "received_at": None, "entries": []}


def _values(values: dict) -> dict:
    return {name: (_iso(value) if name == "arrived_at" else value)
            for name, value in values.items() if value is not None and name != "base"}


def row_conflict_json(row) -> dict:
    """A row both the caller and someone else changed: both values and who."""
    return {"student_number": row.student.student_number, "yours": _values(row.mine),
            "saved": _values(row.theirs), "changed_by": row.changed_by}
