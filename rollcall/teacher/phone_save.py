"""A save sent by checks.js: only the rows the teacher changed, as JSON, read strictly.

    {"version": 3 | null, "loaded_at": ms | null, "tapped_at": ms | null,
     "rows": {"<student id>": {"s": status, "b": base, "t": "07:35", ...}},
     "contact": {"student_id": "12", "person": "...", ...}}        (attendance, when typed)

A row's keys are its form fields' prefixes (teacher/forms.py FIELD_PREFIX), so a row reads as
the plain form's fields would; every row carries its status and its base (the per-row merge).
Rows not sent keep what is saved. Anything else is refused before anything is written.
"""

import json
from datetime import UTC, datetime
from typing import NamedTuple

from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

from rollcall.teacher.forms import FIELD_PREFIX, ContactForm, entries_from_form

MAX_BYTES = 64 * 1024  # a whole class changed, with every note at its longest, fits
MAX_TEXT = 500  # the longest detail or note a row or contact takes
_KEYS = {"version", "loaded_at", "tapped_at", "rows", "contact"}
_ROW_KEYS = set(FIELD_PREFIX.values())
_CONTACT_KEYS = {name for name, field in vars(ContactForm).items()
                 if isinstance(field, UnboundField)}


class BadSave(Exception):
    """A body that is not a save: (HTTP status, what is wrong), answered as JSON."""

    def __init__(self, status: int, error: str, detail: str):
        super().__init__(detail)
        self.status, self.error, self.detail = status, error, detail

    def answer(self) -> tuple[dict, int]:
        return {"saved": False, "error": self.error, "detail": self.detail}, self.status


class PhoneSave(NamedTuple):
    entries: list[dict]  # API-shaped entries of the rows sent (entries_from_form)
    version: int | None
    loaded_at: datetime | None
    tapped_at: datetime | None
    contact: MultiDict | None  # the family contact's fields, when sent


def read(request, students) -> PhoneSave:
    """The save in request's JSON body, for the class's active students; BadSave otherwise."""
    if (request.content_length or 0) > MAX_BYTES:
        raise BadSave(413, "too_large", f"a save is at most {MAX_BYTES} bytes")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BYTES:
        raise BadSave(413, "too_large", f"a save is at most {MAX_BYTES} bytes")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadSave(400, "not_json", "the body is not JSON") from None
    if not isinstance(body, dict) or set(body) - _KEYS or "rows" not in body:
        raise BadSave(400, "bad_body", f"an object with rows and only {sorted(_KEYS)}")
    rows, contact = body["rows"], body.get("contact")
    if not isinstance(rows, dict) or len(rows) > len(students):
        raise BadSave(400, "bad_rows", "rows: an object of at most one row per student")
    formdata = {}
    for key, row in rows.items():
        _check_fields(row, _ROW_KEYS, f"rows.{key}")
        if not ("s" in row and "b" in row):
            raise BadSave(400, "bad_rows", f"rows.{key}: a row carries its status and base")
        formdata |= {f"{prefix}{key}": value for prefix, value in row.items()}
    by_id = {str(s.id): s for s in students}
    unknown = sorted(set(rows) - set(by_id))
    if unknown:
        raise BadSave(422, "unknown_students", "not in this class: " + ", ".join(unknown))
    if contact is not None:
        _check_fields(contact, _CONTACT_KEYS, "contact")
    return PhoneSave(
        entries=entries_from_form(formdata, [by_id[key] for key in rows]),
        version=_whole(body, "version"), loaded_at=_instant(body, "loaded_at"),
        tapped_at=_instant(body, "tapped_at"),
        contact=None if contact is None else MultiDict(contact))


def _check_fields(fields, allowed: set, where: str) -> None:
    if not isinstance(fields, dict) or set(fields) - allowed:
        raise BadSave(400, "bad_fields", f"{where}: an object of {sorted(allowed)}")
    for name, value in fields.items():
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise BadSave(400, "bad_fields",
                          f"{where}.{name}: text of at most {MAX_TEXT} characters")


def _whole(body: dict, name: str) -> int | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                              or not 0 <= value < 10 ** 15):
        raise BadSave(400, "bad_body", f"{name}: a whole number or null")
    return value


def _instant(body: dict, name: str) -> datetime | None:
    value = _whole(body, name)
    return None if value is None else from_ms(value)


def from_ms(value: int) -> datetime | None:
    """A time in ms since the epoch (the phone's tap, the page's load), from a JSON body or a
    plain form's field; one that no clock shows is left out, and the save is recorded when it
    is received."""
    try:
        return datetime.fromtimestamp(value / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None
