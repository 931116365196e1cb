"""The parent-contact log: how an absent student's family was reached, and what they said."""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from rollcall import audit
from rollcall.cases import services as cases
from rollcall.checks.models import (
    AttendanceStatus,
    Check,
    CheckEntry,
    CheckKind,
    ContactLog,
    ContactMethod,
    ContactOutcome,
)
from rollcall.extensions import db
from rollcall.models import StudentGuardian

ABSENCE = "absence"  # the reason of the contacts this module logs (rollcall.family: the others)


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
    if _left_after_bag(student.id, day):  # did the family know? else a missing student
        cases.raise_for_left_student(entry, actor)
    else:
        cases.raise_for_contact(entry, actor)  # "family did not know": a missing student
    return entry


def _left_after_bag(student_id: int, day: date) -> bool:
    """Attendance records the student as having left after the bag check that day."""
    return db.session.scalar(
        db.select(CheckEntry.id).join(Check)
        .where(CheckEntry.student_id == student_id, Check.school_date == day,
               Check.kind == CheckKind.ATTENDANCE,
               CheckEntry.status == AttendanceStatus.LEFT_AFTER_BAG).limit(1)) is not None


def load_guardians(students) -> None:
    """Load these students' guardians (the page lists their phones) in one query, however
    many students: loaded one by one, each student cost two."""
    if not students:
        return
    links = defaultdict(list)
    for link in db.session.scalars(
            db.select(StudentGuardian).options(joinedload(StudentGuardian.guardian))
            .where(StudentGuardian.student_id.in_([s.id for s in students]))
            .order_by(StudentGuardian.student_id, StudentGuardian.contact_order)):
        links[link.student_id].append(link)
    for student in students:
        set_committed_value(student, "guardian_links", links[student.id])


def contacts_for(student_ids, day: date) -> list[ContactLog]:
    """The contacts logged for these students on that day, in order."""
    ids = list(student_ids)
    if not ids:
        return []
    return list(db.session.scalars(
        db.select(ContactLog)
        .where(ContactLog.student_id.in_(ids), ContactLog.school_date == day,
               ContactLog.reason == ABSENCE)
        .order_by(ContactLog.contacted_at, ContactLog.id)))


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
