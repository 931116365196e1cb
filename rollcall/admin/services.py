"""Admin changes: each one saved whole with an audit row holding the fields before and after."""

import hashlib
import json
from datetime import datetime, time

from sqlalchemy.exc import IntegrityError

from rollcall import audit
from rollcall.extensions import db
from rollcall.models import Guardian, School, Student, StudentGuardian, User
from rollcall.phones import ParsedPhone
from rollcall.state_change import hold


class NotUnique(Exception):
    """Nothing was saved: another admin took the same name (a username, a homeroom's name, a
    student number) between the form's check and this save. Checked again, the form says so."""


class Overtaken(Exception):
    """Nothing was saved: since the page was drawn, someone else saved another value in a field
    this admin changed too. `fields`: those fields (the record's attribute names)."""

    def __init__(self, fields: list[str]):
        super().__init__(fields)
        self.fields = fields


# Never drawn into a page, even as a digest: they are not what an admin edits.
_NOT_SHOWN = {"password_hash", "session_token"}


def _digest(value) -> str:
    plain = json.dumps(_plain(value), default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(plain.encode()).hexdigest()[:16]


def fingerprint(obj, related: tuple[str, ...] = ()) -> str:
    """What an edit page shows of a record, for the form to carry back with the save: each
    column's (and each named related list's) digest, as JSON. update() compares it field by
    field with what is saved by then (see _merged)."""
    mapper = db.inspect(obj).mapper
    keys = [a.key for a in mapper.column_attrs if a.key not in _NOT_SHOWN] + list(related)
    return json.dumps({key: _digest(getattr(obj, key)) for key in keys}, separators=(",", ":"))


def _shown(loaded: str | None) -> dict:
    try:
        shown = json.loads(loaded or "{}")
    except ValueError:
        return {}
    return shown if isinstance(shown, dict) else {}


def _merged(obj, values: dict, loaded: str | None) -> dict:
    """The values to write when the page was drawn from `loaded` (a fingerprint): a field the
    admin left as shown keeps what someone else saved meanwhile; a field both changed, to
    different values, is a clash (Overtaken). Fields the page did not carry are written."""
    shown = _shown(loaded)
    if not shown:
        return values
    hold(obj)  # what is read next stays true until this save's COMMIT
    db.session.refresh(obj)
    kept, clashes = {}, []
    for key, value in values.items():
        was = shown.get(key)
        if was is None:
            kept[key] = value
            continue
        theirs = _digest(getattr(obj, key)) != was
        mine = _digest(value) != was
        if theirs and not mine:
            continue  # unchanged here, changed by someone else: theirs stays
        if theirs and _plain(value) != _plain(getattr(obj, key)):
            clashes.append(key)
        kept[key] = value
    if clashes:
        db.session.rollback()
        raise Overtaken(clashes)
    return kept


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise NotUnique from error


def _plain(value):
    """A value as JSON can hold it: times as text, related rows as sorted ids."""
    if isinstance(value, time | datetime):
        return value.isoformat()
    if isinstance(value, list):
        return sorted(item.id for item in value)
    return value


def update(obj, values: dict, *, actor: User, action: str, loaded: str | None = None) -> dict:
    """Set the values that differ, audit them (before/after) and commit; returns the changes
    (NotUnique, Overtaken: nothing was saved). loaded: the fingerprint the edit page was drawn
    with; the save then keeps what someone else changed meanwhile in fields left as shown.

    Takes turns with a roster import as create does, before its first write: a class renamed
    to, or a student given, the name or number an import is adding at that instant is found
    by the import (the admin was first) or refused to the admin in words (the import was)."""
    _take_turns(_school_id(obj))
    values = _merged(obj, values, loaded)
    before = {key: _plain(getattr(obj, key)) for key in values}
    for key, value in values.items():
        if _plain(getattr(obj, key)) != _plain(value):
            setattr(obj, key, value)
    after = {key: _plain(getattr(obj, key)) for key in values}
    changed = {key for key in values if before[key] != after[key]}
    if changed:
        audit.record(action, obj, actor=actor,
                     before={key: before[key] for key in sorted(changed)},
                     after={key: after[key] for key in sorted(changed)})
    _commit()
    return {key: after[key] for key in changed}


def _take_turns(school_id: int) -> None:
    """Until this save's COMMIT, other saves that take turns on the school wait here (see
    create). The first lock an admin's save takes: holding a row of the school first, then
    waiting for the school, could deadlock with an import, which holds the school first."""
    hold(db.session.get(School, school_id))


def _school_id(obj) -> int:
    return obj.id if isinstance(obj, School) else obj.school_id


def create(obj, values: dict, *, actor: User, action: str):
    """Add a new row, audit what it was created with, and commit (NotUnique: nothing was).

    A roster import holds the school's row while it adds and updates the school's people
    (roster.services.apply_roster): holding it too, an admin's new account, class or student
    takes turns with an import. Whichever comes second reads what the first wrote: the import
    finds the admin's class or student by its name or number, the admin is told the name is
    taken. (Else one import adding the name the admin had just added would fail whole.)"""
    _take_turns(obj.school_id)
    for key, value in values.items():
        setattr(obj, key, value)
    db.session.add(obj)
    try:
        db.session.flush()  # PostgreSQL refuses a name just taken here, SQLite too
    except IntegrityError as error:
        db.session.rollback()
        raise NotUnique from error
    audit.record(action, obj, actor=actor,
                 after={key: _plain(getattr(obj, key)) for key in values})
    _commit()
    return obj


def save(obj, values: dict, *, actor: User, action: str, loaded: str | None = None):
    """Create a new row (audited as `<action>.create`) or update one (`<action>.update`, with
    the page's fingerprint: see update); commits and returns the row."""
    if db.inspect(obj).persistent:
        update(obj, values, actor=actor, action=f"{action}.update", loaded=loaded)
        return obj
    return create(obj, values, actor=actor, action=f"{action}.create")


def phone_values(raw: str, parsed: ParsedPhone | None) -> dict:
    """The guardian's stored phone: E.164 and the text as typed (both empty when cleared)."""
    raw = (raw or "").strip()
    return {"phone_e164": parsed.e164 if parsed and raw else None, "phone_raw": raw or None}


def add_guardian(student: Student, values: dict, *, actor: User) -> Guardian:
    """A new guardian for this student, last in the contact order. Two admins adding one to
    the same student at one instant take turns (see create): the second reads the first's
    guardian, so no two share a place in the order."""
    _take_turns(student.school_id)
    order = (db.session.scalar(db.select(db.func.max(StudentGuardian.contact_order)).where(
        StudentGuardian.student_id == student.id)) or 0) + 1
    guardian = Guardian(school_id=student.school_id, sms_consent=True)
    guardian.student_links.append(StudentGuardian(student_id=student.id, contact_order=order))
    return create(guardian, values, actor=actor, action="admin.guardian.create")


def set_contact_order(link: StudentGuardian, order: int, *, actor: User) -> None:
    """Change who is called first about this student."""
    before = link.contact_order
    if before != order:
        link.contact_order = order
        audit.record("admin.guardian.contact_order", link.guardian, actor=actor,
                     before={"student_id": link.student_id, "contact_order": before},
                     after={"student_id": link.student_id, "contact_order": order})
    db.session.commit()


def unlink_guardian(link: StudentGuardian, *, actor: User) -> None:
    """This guardian is no longer a contact for this student (custody changed, wrong parent).

    The guardian's row stays, with any other children and the texts already sent.
    """
    audit.record("admin.guardian.unlink", link.guardian, actor=actor,
                 before={"student_id": link.student_id, "contact_order": link.contact_order},
                 after=None)
    db.session.delete(link)
    db.session.commit()


def set_password(user: User, password: str, *, actor: User) -> None:
    """A new password (never audited itself): the user's other sessions end.

    Committed by the caller, together with the rest of the account's changes (update); takes
    turns first, as update does, so that the account's row is not held before the school's.
    """
    _take_turns(user.school_id)
    user.set_password(password)
    audit.record("admin.user.password", user, actor=actor, after={"password_changed": True})
