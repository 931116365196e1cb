"""The audit trail, read-only: a school's changes, filtered by person, class, student, date."""

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import and_, or_

from rollcall import clock
from rollcall.checks.models import Check, CheckEntry
from rollcall.extensions import db
from rollcall.models import AuditLog, School, Student, StudentGuardian

PER_PAGE = 20  # cards on a phone: a page stays a few screens tall


@dataclass
class AuditFilter:
    actor_id: int | None = None
    homeroom_id: int | None = None
    student: str = ""  # part of a name, or the start of a student number
    date_from: date | None = None
    date_to: date | None = None


def _object_ids(model, condition) -> list[str]:
    return [str(i) for i in db.session.scalars(db.select(model.id).where(condition))]


def _about(object_type: str, ids: list[str]):
    return and_(AuditLog.object_type == object_type, AuditLog.object_id.in_(ids))


def _homeroom_condition(homeroom_id: int):
    """Changes to the class itself, to its checks, and to its students."""
    return or_(
        _about("Homeroom", [str(homeroom_id)]),
        _about("Check", _object_ids(Check, Check.homeroom_id == homeroom_id)),
        _about("Student", _object_ids(Student, Student.homeroom_id == homeroom_id)),
    )


def _student_condition(school_id: int, text: str):
    """Changes to matching students, their check entries and their guardians."""
    matches = dict(db.session.execute(db.select(Student.id, Student.student_number).where(
        Student.school_id == school_id,
        Student.name.contains(text, autoescape=True)
        | Student.student_number.startswith(text, autoescape=True))).all())
    ids = list(matches)
    guardians = [str(i) for i in db.session.scalars(
        db.select(StudentGuardian.guardian_id).where(StudentGuardian.student_id.in_(ids)))]
    return or_(
        _about("Student", [str(i) for i in ids]),
        AuditLog.id.in_(_check_rows_naming(ids, set(matches.values()))),
        _about("Guardian", guardians),
    )


def _check_rows_naming(student_ids: list[int], numbers: set[str]) -> list[int]:
    """Audit rows of the students' checks that name one of them (entries are keyed by number)."""
    checks = [str(i) for i in db.session.scalars(
        db.select(CheckEntry.check_id).where(CheckEntry.student_id.in_(student_ids)).distinct())]
    rows = db.session.execute(db.select(AuditLog.id, AuditLog.before, AuditLog.after).where(
        AuditLog.object_type == "Check", AuditLog.object_id.in_(checks)))
    return [row_id for row_id, before, after in rows
            if _names_a_student(before, numbers) or _names_a_student(after, numbers)]


def _names_a_student(values, numbers: set[str]) -> bool:
    """A check audit value that is about one of these student numbers."""
    if not isinstance(values, dict):
        return False
    number, entries = values.get("student_number"), values.get("entries")
    return (isinstance(number, str) and number in numbers) or (
        isinstance(entries, dict) and not numbers.isdisjoint(entries))


def audit_select(school: School, filters: AuditFilter):
    """The school's audit rows matching the filters, newest first."""
    query = db.select(AuditLog).where(AuditLog.school_id == school.id)
    if filters.actor_id:
        query = query.where(AuditLog.actor_id == filters.actor_id)
    if filters.homeroom_id:
        query = query.where(_homeroom_condition(filters.homeroom_id))
    if filters.student:
        query = query.where(_student_condition(school.id, filters.student))
    if filters.date_from:
        query = query.where(AuditLog.created_at >= _midnight(school, filters.date_from))
    if filters.date_to:
        query = query.where(
            AuditLog.created_at < _midnight(school, filters.date_to + timedelta(days=1)))
    return query.order_by(AuditLog.created_at.desc(), AuditLog.id.desc())


def _midnight(school: School, day: date):
    """The instant of midnight starting day on the school's clock."""
    return clock.school_datetime(school, day, time(0, 0))


def audit_page(school: School, filters: AuditFilter, page: int = 1):
    """One page (Flask-SQLAlchemy's Pagination) of the filtered trail; past the end, the last."""
    query = audit_select(school, filters).options(db.joinedload(AuditLog.actor))
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    if pagination.pages and page > pagination.pages:
        pagination = db.paginate(query, page=pagination.pages, per_page=PER_PAGE,
                                 error_out=False)
    return pagination
