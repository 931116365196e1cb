"""The parent-contact log of absences: how an absent student's family was reached, and what
they said (rollcall.family.services: contacts of every other reason)."""

from collections import defaultdict
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Row, bindparam

from rollcall import audit
from rollcall.checks.models import AttendanceStatus
from rollcall.extensions import db
from rollcall.family.models import ContactLog, ContactMethod, ContactOutcome, ContactReason
from rollcall.models import Guardian, StudentGuardian, guardian_shown_name

ABSENCE = ContactReason.ABSENCE  # the reason of the contacts this module logs
# Reactions to a logged absence contact, in order, after it committed (rollcall/reactions.py
# subscribes them): each is called with (entry, actor).
AFTER_CONTACT: list = []


def log_contact(student, day: date, actor, *, person: str, method: str, outcome: str,
                contacted_at: datetime, note: str | None = None) -> ContactLog:
    """Record one contact attempt with a student's family (commits, audited)."""
    entry = ContactLog(school_id=student.school_id, student_id=student.id, school_date=day,
                       person=person.strip(), method=ContactMethod(method),
                       outcome=ContactOutcome(outcome), note=(note or "").strip() or None,
                       contacted_at=contacted_at, recorded_by=actor)
    db.session.add(entry)
    db.session.flush()
    audit.record("contact.log", entry, actor=actor, after={
        "student_id": student.id, "date": day.isoformat(), "person": entry.person,
        "method": entry.method, "outcome": entry.outcome,
        "contacted_at": contacted_at.isoformat()})
    db.session.commit()
    for react in AFTER_CONTACT:  # "family did not know": a missing student (cases)
        react(entry, actor)
    return entry


class FamilyPhone(NamedTuple):
    """A phone of a student's family, as the attendance page lists it to call."""

    name: str | None
    relationship: str | None
    phone: str

    @property
    def shown_name(self):
        return guardian_shown_name(self.name)


# The attendance page's reads of the absent students' families, as plain rows (the page only
# shows them: loading guardian and contact records cost three times as much), each built once:
# a statement built afresh for every request costs SQLAlchemy more to recognise in its cache
# than the query costs to run. `ids` expands to any number of students.
_FAMILY_PHONES = (
    db.select(StudentGuardian.student_id, Guardian.name, Guardian.relationship_label,
              Guardian.phone_e164)
    .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
    .where(StudentGuardian.student_id.in_(bindparam("ids", expanding=True)),
           Guardian.phone_e164.is_not(None), Guardian.phone_e164 != "")
    .order_by(StudentGuardian.student_id, StudentGuardian.contact_order))
_CONTACTS = (
    db.select(ContactLog.student_id, ContactLog.contacted_at, ContactLog.person,
              ContactLog.method, ContactLog.outcome, ContactLog.note)
    .where(ContactLog.student_id.in_(bindparam("ids", expanding=True)),
           ContactLog.school_date == bindparam("day"), ContactLog.reason == ABSENCE)
    .order_by(ContactLog.contacted_at, ContactLog.id))


def family_phones(student_ids) -> dict[int, list[FamilyPhone]]:
    """{student id: the phones of the student's guardians, in contact order}, in one query
    however many students."""
    ids = list(student_ids)
    if not ids:
        return {}
    phones = defaultdict(list)
    for student_id, *phone in db.session.execute(_FAMILY_PHONES, {"ids": ids}):
        phones[student_id].append(FamilyPhone(*phone))
    return dict(phones)


def contacts_for(student_ids, day: date) -> list[Row]:
    """The contacts logged for these students on that day, in order: what the pages show of
    each (student_id, contacted_at, person, method, outcome, note)."""
    ids = list(student_ids)
    if not ids:
        return []
    return list(db.session.execute(_CONTACTS, {"ids": ids, "day": day}))


def family_reported(status) -> bool:
    """An excused absence is one the family reported (they asked for leave): nobody has to
    reach them to learn of it, so it is never flagged "family not contacted yet"."""
    return status == AttendanceStatus.EXCUSED


def contact_logged(student_ids, day: date) -> set[int]:
    """The ids of those students whose family contact was logged that day ("call logged")."""
    ids = list(student_ids)
    if not ids:
        return set()
    return set(db.session.scalars(
        db.select(ContactLog.student_id).distinct()
        .where(ContactLog.student_id.in_(ids), ContactLog.school_date == day,
               ContactLog.reason == ABSENCE)))
