"""The watch list as services: put a student on it, write notes, take them off, and read it
only within what the reader may see (the student's homeroom teachers, the office, the admin)."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from rollcall import audit, clock
from rollcall.access import can_see_student
from rollcall.extensions import db
from rollcall.field_errors import FieldsInvalid, clean_text, enum_member
from rollcall.models import Role, Student, User, homeroom_teachers
from rollcall.state_change import AlreadyChanged, compare_and_set
from rollcall.watch.models import WatchEntry, WatchNote, WatchReason

# A review date this close shows on the teacher's Today.
REVIEW_NOTICE = timedelta(days=3)


class WatchInvalid(FieldsInvalid):
    """A watch-list change that cannot be recorded; nothing was written."""


def add_to_watch(student: Student, reason: str, review_on: date | None, details: str | None,
                 actor: User) -> WatchEntry:
    """Put a student on the watch list (commits, audited); WatchInvalid writes nothing. The
    database keeps one open entry per student, so of two adds at the same time one is refused."""
    errors = {}
    reason = enum_member(WatchReason, reason, errors, "reason", _l("Choose a reason."))
    today = clock.school_today(student.school)
    if review_on is None:
        errors["review_on"] = _l("Give a review date.")
    elif review_on < today:
        errors["review_on"] = _l("The review date cannot be in the past.")
    details = clean_text(details, errors, "details")
    if current_entry(student.id) is not None:
        errors["student_id"] = already_watched(student.id)
    if errors:
        raise WatchInvalid(errors)
    entry = WatchEntry(school_id=student.school_id, student_id=student.id, reason=reason,
                       details=details, review_on=review_on, added_at=clock.now(),
                       added_by=actor)
    db.session.add(entry)
    try:
        db.session.flush()
    except IntegrityError:  # someone put the student on the list a moment ago
        db.session.rollback()
        raise WatchInvalid({"student_id": already_watched(student.id)}) from None
    audit.record("watch.add", entry, actor=actor, after={
        "student_id": student.id, "reason": str(reason), "review_on": review_on.isoformat()})
    db.session.commit()
    return entry


def add_note(entry: WatchEntry, day: date | None, note: str, review_on: date | None,
             actor: User) -> WatchNote:
    """A dated note, and optionally the next review date (commits, audited)."""
    errors = {}
    today = clock.school_today(entry.student.school)
    if not entry.is_open:
        errors["note"] = _l("This student is no longer on the watch list.")
    if day is None:
        errors["day"] = _l("Give the date.")
    elif day > today:
        errors["day"] = _l("The date cannot be in the future.")
    note = clean_text(note, errors, "note", _l("Write the note."))
    if review_on is not None and review_on < today:
        errors["review_on"] = _l("The review date cannot be in the past.")
    if errors:
        raise WatchInvalid(errors)
    before = entry.review_on
    # Written only while the entry is open: a note sent as someone takes the student off waits
    # for them, and is then refused.
    if not compare_and_set(entry, {"closed_at": None}, {"review_on": review_on or before}):
        db.session.rollback()
        raise WatchInvalid({"note": _l("This student is no longer on the watch list.")})
    written = WatchNote(day=day, note=note, author=actor, created_at=clock.now())
    entry.notes.append(written)
    db.session.flush()
    audit.record("watch.note", entry, actor=actor, before={"review_on": before.isoformat()},
                 after={"note_id": written.id, "day": day.isoformat(),
                        "review_on": entry.review_on.isoformat()})
    db.session.commit()
    return written


def take_off(entry: WatchEntry, note: str, actor: User) -> None:
    """Take the student off the watch list with a closing note (required; commits, audited).
    WatchInvalid writes nothing, nor does AlreadyChanged: someone else took them off first."""
    if not entry.is_open:
        raise already_taken_off(entry)
    errors = {}
    note = clean_text(note, errors, "note", _l("Write why the student comes off the list."))
    if errors:
        raise WatchInvalid(errors)
    if not compare_and_set(entry, {"closed_at": None}, {
            "closed_at": clock.now(), "closed_by_id": actor.id, "closing_note": note}):
        db.session.rollback()
        raise already_taken_off(entry)
    audit.record("watch.close", entry, actor=actor, before={"open": True},
                 after={"open": False})
    db.session.commit()


def already_watched(student_id: int):
    """What the one who was second to add a student is told: who added them."""
    entry = current_entry(student_id)
    who = entry.added_by.display_name if entry and entry.added_by else _l("Someone")
    return _l("%(name)s already put this student on the watch list.", name=who)


def already_taken_off(entry: WatchEntry) -> AlreadyChanged:
    """What the one who was second to take a student off is told: who did it first."""
    who = entry.closed_by.display_name if entry.closed_by else _l("Someone")
    return AlreadyChanged(_l("%(name)s already took this student off the watch list. Your "
                             "note was not recorded.", name=who))


def current_entry(student_id: int) -> WatchEntry | None:
    """The student's open watch-list entry, if any."""
    return db.session.scalar(db.select(WatchEntry).where(
        WatchEntry.student_id == student_id, WatchEntry.closed_at.is_(None)).limit(1))


def _scoped(query, user: User):
    query = query.where(WatchEntry.school_id == user.school_id)
    if user.role == Role.TEACHER:  # in the same query: Today does not load every class
        own = db.select(homeroom_teachers.c.homeroom_id).where(
            homeroom_teachers.c.user_id == user.id)
        query = query.join(Student, Student.id == WatchEntry.student_id).where(
            Student.homeroom_id.in_(own))
    elif user.role not in (Role.OFFICE, Role.ADMIN):
        query = query.where(False)
    return query


def watch_list(user: User, open_only: bool = True) -> list[WatchEntry]:
    """The entries this user may see, soonest review first."""
    query = db.select(WatchEntry)
    if open_only:
        query = query.where(WatchEntry.closed_at.is_(None))
    query = _scoped(query, user).order_by(WatchEntry.closed_at.is_not(None),
                                          WatchEntry.review_on, WatchEntry.id)
    return list(db.session.scalars(query))


# Built once, as _scoped would build them: every Today asks.
CLASS_REVIEWS_DUE = (
    db.select(WatchEntry).join(Student, Student.id == WatchEntry.student_id)
    .where(WatchEntry.school_id == bindparam("school_id"), WatchEntry.closed_at.is_(None),
           WatchEntry.review_on <= bindparam("until"),
           Student.homeroom_id == bindparam("homeroom_id"))
    .options(contains_eager(WatchEntry.student))  # Today names each student: joined already
    .order_by(WatchEntry.review_on))
OWN_CLASS_REVIEWS_DUE = CLASS_REVIEWS_DUE.where(Student.homeroom_id.in_(
    db.select(homeroom_teachers.c.homeroom_id)
    .where(homeroom_teachers.c.user_id == bindparam("user_id"))))


def reviews_due(user: User, homeroom_id: int, today: date) -> list[WatchEntry]:
    """Open entries of a homeroom whose review date is within a few days (or past); a
    teacher's only of their own classes."""
    if user.role not in (Role.TEACHER, Role.OFFICE, Role.ADMIN):
        return []
    query = OWN_CLASS_REVIEWS_DUE if user.role == Role.TEACHER else CLASS_REVIEWS_DUE
    return list(db.session.scalars(query, {
        "school_id": user.school_id, "user_id": user.id, "homeroom_id": homeroom_id,
        "until": today + REVIEW_NOTICE}))


def entries_for_student(user: User, student: Student) -> list[WatchEntry]:
    """A student's watch-list history, newest first; empty for anyone who may not see it."""
    if not can_see_student(user, student):
        return []
    return list(db.session.scalars(
        db.select(WatchEntry).where(WatchEntry.student_id == student.id)
        .order_by(WatchEntry.added_at.desc(), WatchEntry.id.desc())))
