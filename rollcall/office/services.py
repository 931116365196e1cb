"""Today's board for the office, and the seams to the other areas' data.

Parent texts and reminders come from the notify area (through ``parent_texts``); whether the
teacher reached the family comes from the checks area's contact log.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import case, func

from rollcall import clock, vocabulary
from rollcall.checks.models import (
    DANGEROUS_CATEGORIES,
    AttendanceStatus,
    BagStatus,
    Check,
    CheckEntry,
    CheckKind,
    DismissalStatus,
)
from rollcall.checks.summary import ABSENT_CODES, DAY_ORDER, cutoff
from rollcall.custody import services as custody
from rollcall.extensions import db
from rollcall.family.contacts import contact_logged, family_reported
from rollcall.models import Homeroom, School, Student, seat_order
from rollcall.office.parent_texts import absence_contacts, overdue_reminders
from rollcall.office.states import CallState, ParentTextState
from rollcall.school_days import calendar_entry, school_day_by

# --- What other areas know: texts (notify) and the teacher's contact log (checks) ------

def family_calls(school_id: int, day: date, student_ids) -> dict[int, str]:
    """Whether the teacher logged a contact with the family of each student on day.

    Returns {student_id: "yes" | "no"}, from the checks area's contact log.
    """
    ids = list(student_ids)
    logged = contact_logged(ids, day)
    return {student_id: CallState.YES if student_id in logged else CallState.NO
            for student_id in ids}


# --- The board -------------------------------------------------------------------------------

@dataclass
class Cell:
    """One homeroom's one check today: done, not yet, or overdue."""

    homeroom_id: int
    kind: str
    state: str  # "done", "pending", "overdue"
    done_at: datetime | None = None
    teacher: str | None = None
    reminded_at: datetime | None = None


@dataclass
class Board:
    day: date
    rows: list = field(default_factory=list)  # (homeroom, [Cell, Cell, Cell])
    totals: dict = field(default_factory=dict)
    absent: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    on_campus: list = field(default_factory=list)
    calendar: object = None  # the school calendar's word on the day (a holiday), if any


def as_utc(instant: datetime | None) -> datetime | None:
    """Stored datetimes come back naive (UTC); make them aware for comparisons."""
    if instant is None or instant.tzinfo is not None:
        return instant
    return instant.replace(tzinfo=UTC)


def cutoff_passed(school: School, day: date, kind: str) -> bool:
    """True when the school's cut-off for this check on day has passed on its wall clock."""
    return clock.now() >= clock.school_datetime(school, day, cutoff(school, kind))


def active_homerooms(school_id: int) -> list[Homeroom]:
    """The school's active homerooms in grade and name order."""
    return list(db.session.scalars(
        db.select(Homeroom).where(Homeroom.school_id == school_id, Homeroom.active.is_(True))
        .order_by(Homeroom.grade, Homeroom.name)))


def check_grid(school: School, day: date, homerooms, school_day: bool) -> list:
    """Rows of (homeroom, cells) for the three checks of each homeroom on day; nothing is
    overdue on a day that is not a school day."""
    checks = {
        (check.homeroom_id, check.kind): check
        for check in db.session.scalars(
            db.select(Check).where(Check.school_id == school.id, Check.school_date == day)
            .options(db.joinedload(Check.submitted_by)))
    }
    reminders = overdue_reminders(school.id, day)
    passed = {kind: school_day and cutoff_passed(school, day, kind) for kind in DAY_ORDER}
    rows = []
    for homeroom in homerooms:
        cells = []
        for kind in DAY_ORDER:
            check = checks.get((homeroom.id, str(kind)))
            if check is not None:
                teacher = check.submitted_by.display_name if check.submitted_by else None
                cells.append(Cell(homeroom.id, kind, "done", as_utc(check.submitted_at), teacher))
            else:
                state = "overdue" if passed[kind] else "pending"
                cells.append(Cell(homeroom.id, kind, state,
                                  reminded_at=reminders.get((homeroom.id, str(kind)))))
        rows.append((homeroom, cells))
    return rows


def _entries_today(school_id: int, day: date, kind: str):
    return (db.select(CheckEntry, Student, Homeroom)
            .join(Check, CheckEntry.check_id == Check.id)
            .join(Student, CheckEntry.student_id == Student.id)
            .join(Homeroom, Check.homeroom_id == Homeroom.id)
            .where(Check.school_id == school_id, Check.school_date == day, Check.kind == kind))


def school_totals(school_id: int, day: date, student_count: int) -> dict:
    """Counts for the day: attendance by status, findings (dangerous apart), still on campus."""
    counts = dict(db.session.execute(
        db.select(CheckEntry.status, func.count())
        .join(Check, CheckEntry.check_id == Check.id)
        .where(Check.school_id == school_id, Check.school_date == day,
               Check.kind == CheckKind.ATTENDANCE)
        .group_by(CheckEntry.status)).all())
    dangerous = case((CheckEntry.category.in_([str(c) for c in DANGEROUS_CATEGORIES]), 1),
                     else_=0)
    found, found_dangerous = db.session.execute(
        db.select(func.count(), func.coalesce(func.sum(dangerous), 0))
        .join(Check, CheckEntry.check_id == Check.id)
        .where(Check.school_id == school_id, Check.school_date == day,
               Check.kind == CheckKind.BAG, CheckEntry.status == BagStatus.FOUND)).one()
    recorded = sum(counts.values())
    return {
        **{str(status): counts.get(str(status), 0) for status in AttendanceStatus},
        "students": student_count,
        "not_recorded": max(student_count - recorded, 0),
        "found": found, "found_dangerous": int(found_dangerous),
    }


def build_board(school: School) -> Board:
    """Everything the office board shows for the school's today."""
    day = clock.school_today(school)
    homerooms = active_homerooms(school.id)
    entry = calendar_entry(school, day)
    board = Board(day=day, rows=check_grid(school, day, homerooms, school_day_by(entry, day)),
                  calendar=entry)
    student_count = db.session.scalar(
        db.select(func.count()).select_from(Student)
        .join(Homeroom, Student.homeroom_id == Homeroom.id)
        .where(Student.school_id == school.id, Student.active.is_(True),
               Homeroom.active.is_(True)))
    board.totals = school_totals(school.id, day, student_count)
    board.absent = absent_list(school.id, day)
    board.findings = [
        {"entry": entry, "student": student, "homeroom": homeroom,
         "dangerous": entry.category in DANGEROUS_CATEGORIES,
         "now": vocabulary.where_now(state, entry.action)}
        for entry, student, homeroom, state in db.session.execute(
            _entries_today(school.id, day, CheckKind.BAG)
            .add_columns(custody.state_now(CheckEntry.check_id, CheckEntry.student_id))
            .where(CheckEntry.status == BagStatus.FOUND)
            .order_by(CheckEntry.status_since.desc(), CheckEntry.id.desc()))
    ]
    board.on_campus = [
        {"entry": entry, "student": student, "homeroom": homeroom}
        for entry, student, homeroom in db.session.execute(
            _entries_today(school.id, day, CheckKind.DISMISSAL)
            .where(CheckEntry.status == DismissalStatus.ON_CAMPUS)
            .order_by(Homeroom.name, *seat_order()))
    ]
    board.totals["on_campus"] = len(board.on_campus)
    return board


def absent_list(school_id: int, day: date) -> list[dict]:
    """Absent and excused students on day, with the parent text and the teacher's call."""
    rows = db.session.execute(
        _entries_today(school_id, day, CheckKind.ATTENDANCE)
        .where(CheckEntry.status.in_(ABSENT_CODES))
        .order_by(Homeroom.grade, Homeroom.name, *seat_order())).all()
    ids = [student.id for _entry, student, _homeroom in rows]
    contacts = absence_contacts(school_id, day, ids)
    calls = family_calls(school_id, day, ids)
    return [
        {"entry": entry, "student": student, "homeroom": homeroom,
         "text": contacts.get(student.id, {}).get("text", ParentTextState.UNKNOWN),
         "reply": contacts.get(student.id, {}).get("reply"),
         "no_replies": contacts.get(student.id, {}).get("no_replies", False),
         "due_at": contacts.get(student.id, {}).get("due_at"),
         "call": CallState.FAMILY_REPORTED if family_reported(entry.status)
         and calls.get(student.id) != CallState.YES else calls.get(student.id, CallState.UNKNOWN)}
        for entry, student, homeroom in rows
    ]
