"""Family contacts of every reason and class parent meetings, as services."""

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam
from sqlalchemy.orm import contains_eager

from rollcall import audit, clock
from rollcall.checks.models import FindingCategory
from rollcall.extensions import db
from rollcall.family.models import ContactLog, ContactMethod, ContactReason, ParentMeeting
from rollcall.field_errors import FieldsInvalid, clean_text, enum_member
from rollcall.models import Homeroom, Student, User, seat_order

# A follow-up this close (or up to a week late) shows on the teacher's Today.
FOLLOW_UP_AHEAD, FOLLOW_UP_BEHIND = timedelta(days=3), timedelta(days=7)
SKEW = timedelta(minutes=5)


def said_about(student: Student, about: str | None) -> str:
    """What a contact form opened from a record of this student starts with ("watch:7",
    "conflict:3", "item:12"): the watch entry's details, the conflict, the item taken. Links
    carry the record's id, never its text, which would stay in the browser's history."""
    from rollcall.custody.models import ConfiscatedItem  # the domains that link here
    from rollcall.screening.models import Conflict
    from rollcall.vocabulary import named
    from rollcall.watch.models import WatchEntry

    kind, _, number = (about or "").partition(":")
    if not number.isdigit() or len(number) > 12:
        return ""
    if kind == "watch":
        entry = db.session.get(WatchEntry, int(number))
        return (entry.details or "") if entry and entry.student_id == student.id else ""
    if kind == "conflict":
        conflict = db.session.get(Conflict, int(number))
        return conflict.about if conflict and student in conflict.students else ""
    if kind == "item":
        item = db.session.get(ConfiscatedItem, int(number))
        if item and item.student_id == student.id:
            return f"{named(FindingCategory, item.category)} {item.description or ''}".strip()
    return ""


class ContactInvalid(FieldsInvalid):
    """A family contact or parent meeting that cannot be recorded; nothing was written."""


def _when(at: datetime | None, errors: dict) -> None:
    if at is None:
        errors["contacted_at"] = _l("Give the date and time.")
    elif at > clock.now() + SKEW:
        errors["contacted_at"] = _l("A contact cannot be dated in the future.")


def record_contact(student: Student, actor: User, *, reason: str, method: str, person: str,
                   contacted_at: datetime | None, said: str | None, agreed: str | None,
                   follow_up_on: date | None) -> ContactLog:
    """A contact with a student's family, for any reason (commits, audited)."""
    errors = {}
    reason = enum_member(ContactReason, reason, errors, "reason",
                         _l("Choose why the family was contacted."))
    method = enum_member(ContactMethod, method, errors, "method", _l("Choose how."))
    person = clean_text(person, errors, "person", _l("Say who was reached."), limit=64)
    said = clean_text(said, errors, "said", _l("Write what was said."))
    agreed = clean_text(agreed, errors, "agreed")
    _when(contacted_at, errors)
    if follow_up_on is not None and contacted_at is not None and \
            follow_up_on < clock.to_school_time(student.school, contacted_at).date():
        errors["follow_up_on"] = _l("The follow-up cannot come before the contact.")
    if errors:
        raise ContactInvalid(errors)
    day = clock.to_school_time(student.school, contacted_at).date()
    contact = ContactLog(school_id=student.school_id, student_id=student.id, school_date=day,
                         person=person, method=method, outcome=None, note=said,
                         contacted_at=contacted_at, recorded_by=actor, reason=reason,
                         agreed=agreed, follow_up_on=follow_up_on)
    db.session.add(contact)
    db.session.flush()
    audit.record("contact.log", contact, actor=actor, after={
        "student_id": student.id, "date": day.isoformat(), "reason": str(reason),
        "method": str(method), "follow_up_on": follow_up_on.isoformat() if follow_up_on
        else None})
    db.session.commit()
    return contact


def record_meeting(homeroom: Homeroom, actor: User, *, held_at: datetime | None, topic: str,
                   attended_ids, said: str | None = None) -> ParentMeeting:
    """A class parent meeting, once, with a contact for each family that attended."""
    errors = {}
    topic = clean_text(topic, errors, "topic", _l("Give the meeting's topic."))
    if held_at is None:
        errors["held_at"] = _l("Give the date and time.")
    elif held_at > clock.now() + SKEW:
        errors["held_at"] = _l("A meeting cannot be dated in the future.")
    ids = {int(i) for i in attended_ids or ()}
    students = [s for s in homeroom.students if s.active and s.id in ids]
    if len(students) != len(ids):
        errors["attended"] = _l("Only families of this class can be marked.")
    if errors:
        raise ContactInvalid(errors)
    meeting = ParentMeeting(school_id=homeroom.school_id, homeroom_id=homeroom.id,
                            held_at=held_at, topic=topic, recorded_by=actor,
                            created_at=clock.now())
    db.session.add(meeting)
    db.session.flush()
    day = clock.to_school_time(homeroom.school, held_at).date()
    for student in students:
        db.session.add(ContactLog(
            school_id=homeroom.school_id, student_id=student.id, school_date=day,
            person="—", method=ContactMethod.PARENT_MEETING, outcome=None,
            note=topic, contacted_at=held_at, recorded_by=actor,
            reason=ContactReason.PARENT_MEETING, meeting_id=meeting.id))
    audit.record("parent_meeting.record", meeting, actor=actor, after={
        "homeroom_id": homeroom.id, "date": day.isoformat(),
        "attended": sorted(s.id for s in students)})
    db.session.commit()
    return meeting


def contacts_of_student(student: Student, limit: int = 50) -> list[ContactLog]:
    """A student's family contacts of every reason, newest first."""
    return list(db.session.scalars(
        db.select(ContactLog).where(ContactLog.student_id == student.id)
        .order_by(ContactLog.contacted_at.desc(), ContactLog.id.desc()).limit(limit)))


# Built once: every Today asks it.
CLASS_FOLLOW_UPS = (
    db.select(ContactLog).join(Student, Student.id == ContactLog.student_id)
    .where(Student.homeroom_id == bindparam("homeroom_id"),
           ContactLog.follow_up_on.between(bindparam("first"), bindparam("last")))
    .options(contains_eager(ContactLog.student))  # Today names each student: joined already
    .order_by(ContactLog.follow_up_on, ContactLog.id))


def follow_ups(homeroom: Homeroom, today: date) -> list[ContactLog]:
    """Contacts of a class with a follow-up date near today, soonest first."""
    return list(db.session.scalars(CLASS_FOLLOW_UPS, {
        "homeroom_id": homeroom.id, "first": today - FOLLOW_UP_BEHIND,
        "last": today + FOLLOW_UP_AHEAD}))


def meetings_of(homeroom: Homeroom) -> list[ParentMeeting]:
    """The class's parent meetings, newest first."""
    return list(db.session.scalars(
        db.select(ParentMeeting).where(ParentMeeting.homeroom_id == homeroom.id)
        .order_by(ParentMeeting.held_at.desc())))


def attended(meeting: ParentMeeting) -> list[Student]:
    """The students whose families came."""
    return list(db.session.scalars(
        db.select(Student).join(ContactLog, ContactLog.student_id == Student.id)
        .where(ContactLog.meeting_id == meeting.id).order_by(*seat_order())))
