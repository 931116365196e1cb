"""The rest of the safety routine in the weekly class log: the week's family contacts, the
conflict screening with each conflict's state, watch-list notes (only for readers who may see
them) and item custody changes. Each comes from its own area."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_

from rollcall import clock
from rollcall.access import can_see_student
from rollcall.cases.models import MissingCase
from rollcall.checks.models import Check
from rollcall.custody.models import ConfiscatedItem, CustodyEvent
from rollcall.extensions import db
from rollcall.family.models import ContactLog
from rollcall.models import Homeroom, Student, User
from rollcall.screening import services as screening
from rollcall.screening.models import Conflict, ConflictState
from rollcall.watch.models import WatchEntry, WatchNote


@dataclass
class WeekRoutine:
    contacts: list = field(default_factory=list)
    screening: object = None
    conflicts: list = field(default_factory=list)
    watch_notes: list = field(default_factory=list)  # (WatchEntry, WatchNote)
    custody: list = field(default_factory=list)  # CustodyEvent
    cases: list = field(default_factory=list)  # MissingCase


def _span(homeroom: Homeroom, monday: date) -> tuple[datetime, datetime]:
    school = homeroom.school
    return (clock.school_datetime(school, monday, time(0, 0)),
            clock.school_datetime(school, monday + timedelta(days=7), time(0, 0)))


def week_routine(reader: User, homeroom: Homeroom, monday: date) -> WeekRoutine:
    """What the week's log adds to the three checks, for this reader."""
    sunday = monday + timedelta(days=6)
    start, end = _span(homeroom, monday)
    routine = WeekRoutine()
    routine.contacts = list(db.session.scalars(
        db.select(ContactLog).join(Student, Student.id == ContactLog.student_id)
        .where(Student.homeroom_id == homeroom.id,
               ContactLog.school_date.between(monday, sunday))
        .order_by(ContactLog.contacted_at, ContactLog.id)))
    routine.screening = screening.week_state(homeroom, monday)
    # The conflicts the class dealt with that week: found then, or still open from before.
    routine.conflicts = [c for c in db.session.scalars(
        db.select(Conflict).where(Conflict.homeroom_id == homeroom.id,
                                  Conflict.week_start <= monday)
        .order_by(Conflict.week_start, Conflict.id))
        if c.week_start == monday or c.state != ConflictState.RESOLVED
        or any(u.week_start == monday for u in c.updates)]
    notes = db.session.execute(
        db.select(WatchEntry, WatchNote).join(WatchNote, WatchNote.entry_id == WatchEntry.id)
        .join(Student, Student.id == WatchEntry.student_id)
        .where(Student.homeroom_id == homeroom.id, WatchNote.day.between(monday, sunday))
        .order_by(WatchNote.day, WatchNote.id)).all()
    routine.watch_notes = [(entry, note) for entry, note in notes
                           if can_see_student(reader, entry.student)]
    routine.custody = list(db.session.scalars(
        db.select(CustodyEvent).join(ConfiscatedItem).join(Check)
        .where(Check.homeroom_id == homeroom.id, CustodyEvent.at >= start,
               CustodyEvent.at < end)
        .order_by(CustodyEvent.at, CustodyEvent.id)))
    # The missing-student cases of the week: raised then, or still open (or closed) in it.
    routine.cases = list(db.session.scalars(
        db.select(MissingCase).where(
            MissingCase.homeroom_id == homeroom.id, MissingCase.school_date <= sunday,
            or_(MissingCase.school_date >= monday, MissingCase.closed_at.is_(None),
                MissingCase.closed_at >= start))
        .options(db.joinedload(MissingCase.student))
        .order_by(MissingCase.opened_at, MissingCase.id)))
    return routine


@dataclass
class StudentRoutine:
    contacts: list
    conflicts: list
    items: list
    cases: list


def student_routine(student: Student) -> StudentRoutine:
    """A student's family contacts, conflicts, confiscated items and missing-student cases, for
    the student's history page (whose readers may see all of them)."""
    from rollcall.cases.models import MissingCase
    from rollcall.family.services import contacts_of_student
    from rollcall.screening.models import conflict_students

    conflicts = list(db.session.scalars(
        db.select(Conflict).join(conflict_students,
                                 conflict_students.c.conflict_id == Conflict.id)
        .where(conflict_students.c.student_id == student.id)
        .order_by(Conflict.created_at.desc())))
    items = list(db.session.scalars(
        db.select(ConfiscatedItem).where(ConfiscatedItem.student_id == student.id)
        .order_by(ConfiscatedItem.found_on.desc(), ConfiscatedItem.id.desc())))
    cases = list(db.session.scalars(
        db.select(MissingCase).where(MissingCase.student_id == student.id)
        .order_by(MissingCase.opened_at.desc())))
    return StudentRoutine(contacts_of_student(student), conflicts, items, cases)
