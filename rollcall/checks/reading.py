"""Reading checks: a homeroom's saved checks of a day, who a check covers, what a new check
starts with, and what a page shows."""

from datetime import date

from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from rollcall.checks.models import (
    DEFAULT_STATUS,
    NOT_HERE,
    NOT_IN_CLASS,
    AttendanceStatus,
    BagStatus,
    Check,
    CheckEntry,
    CheckKind,
)
from rollcall.checks.validation import DETAILS
from rollcall.extensions import db
from rollcall.models import Student, StudentGuardian, seat_order


def find_check(homeroom_id: int, day: date, kind: CheckKind) -> Check | None:
    """The saved check, or None."""
    return db.session.scalar(db.select(Check).where(
        Check.homeroom_id == homeroom_id, Check.school_date == day, Check.kind == kind))


def saved_kinds(homeroom_id: int, day: date) -> set[CheckKind]:
    """The kinds of check a homeroom has saved that day, read without their entries."""
    return {CheckKind(kind) for kind in db.session.scalars(db.select(Check.kind).where(
        Check.homeroom_id == homeroom_id, Check.school_date == day))}


# Built once (every check page and save reads them): building a statement and its cache key
# per request costs more CPU than running it.
DAY_CHECKS = db.select(Check).options(selectinload(Check.entries)).where(
    Check.homeroom_id == bindparam("homeroom_id"), Check.school_date == bindparam("day"))
CLASS_STUDENTS = db.select(Student).where(
    Student.homeroom_id == bindparam("homeroom_id")).order_by(*seat_order())


def day_checks(homeroom_id: int, day: date) -> dict[CheckKind, Check]:
    """A homeroom's saved checks of a day by kind, entries loaded: two queries at most, so
    a save or a page asks once for what it needs of the day's other checks."""
    found = db.session.scalars(DAY_CHECKS, {"homeroom_id": homeroom_id, "day": day})
    return {CheckKind(check.kind): check for check in found}


# What a save reads of the day's checks, as rows: the checks' columns, and their entries'
# statuses and details (a bag save decides from attendance's 45 statuses, not 45 ORM objects).
_CHECKS = Check.__table__
_ENTRIES = CheckEntry.__table__
DAY_CHECK_ROWS = db.select(*_CHECKS.c).where(
    _CHECKS.c.homeroom_id == bindparam("homeroom_id"), _CHECKS.c.school_date == bindparam("day"))
DAY_ENTRY_ROWS = (db.select(_ENTRIES.c.check_id, _ENTRIES.c.id, _ENTRIES.c.student_id,
                            _ENTRIES.c.status, *(_ENTRIES.c[name] for name in DETAILS))
                  .join(_CHECKS, _CHECKS.c.id == _ENTRIES.c.check_id)
                  .where(_CHECKS.c.homeroom_id == bindparam("homeroom_id"),
                         _CHECKS.c.school_date == bindparam("day")))


class SavedCheck:
    """A saved check as a save reads it, without ORM objects: the check's columns as
    attributes (check.id, check.version, check.updated_at, ...) and its entries as rows
    (entry.id, entry.student_id, entry.status and the details), which is what a save compares
    and decides from; the ORM Check is made only of the check saved (services)."""

    __slots__ = ("row", "entries")

    def __init__(self, row, entries: list):
        self.row, self.entries = row, entries

    def __getattr__(self, name):
        return getattr(self.row, name)


def saved_day(homeroom_id: int, day: date) -> dict[CheckKind, SavedCheck]:
    """day_checks for a save: the homeroom's saved checks of a day by kind, with their entries,
    read as rows in two statements at most (one when none is saved). What the session already
    holds of these checks is expired, as the save writes them without the ORM."""
    params = {"homeroom_id": homeroom_id, "day": day}
    rows = db.session.execute(DAY_CHECK_ROWS, params).all()
    if not rows:
        return {}
    entries = {row.id: [] for row in rows}
    for entry in db.session.execute(DAY_ENTRY_ROWS, params):
        entries[entry.check_id].append(entry)
    _expire_held(entries)
    return {CheckKind(row.kind): SavedCheck(row, entries[row.id]) for row in rows}


def _expire_held(check_ids) -> None:
    """Expire the checks and entries of check_ids this session holds (a caller that read them
    before saving): they are read again when next used, as the save wrote them."""
    session = db.session()
    for (model, key, _token), held in list(session.identity_map.items()):
        if (model is Check and key[0] in check_ids) or (
                model is CheckEntry and held.__dict__.get("check_id") in check_ids):
            session.expire(held)


# A page reads the day's checks without their entries, and the entries' values as rows (as a
# save does: DAY_ENTRY_ROWS): 45 entries a check loaded as objects were most of a page's time
# in the database. The checks themselves are ORM objects: the page shows who saved them.
DAY_CHECKS_ALONE = db.select(Check).where(
    Check.homeroom_id == bindparam("homeroom_id"), Check.school_date == bindparam("day"))


class DayRows(dict):
    """A homeroom's saved checks of a day by kind, as day_checks gives them, whose entries are
    read as rows (`rows`: {kind: rows with student_id, status and each detail}), not loaded:
    for a page, which only reads them. entries_of reads both alike."""

    def __init__(self, checks: dict, rows: dict):
        super().__init__(checks)
        self.rows = rows


def page_checks(homeroom_id: int, day: date) -> DayRows:
    """day_checks for a page that only reads the entries: two queries at most, as there."""
    params = {"homeroom_id": homeroom_id, "day": day}
    checks = {CheckKind(check.kind): check
              for check in db.session.scalars(DAY_CHECKS_ALONE, params)}
    rows = {kind: [] for kind in checks}
    if checks:
        kinds = {check.id: kind for kind, check in checks.items()}
        for row in db.session.execute(DAY_ENTRY_ROWS, params):
            if row.check_id in kinds:  # not of a check saved since the first statement
                rows[kinds[row.check_id]].append(row)
    return DayRows(checks, rows)


def entries_of(checks: dict | None, kind: CheckKind, homeroom_id: int | None = None,
               day: date | None = None) -> list:
    """The entries of the day's saved check of kind, [] when none (checks: day_checks,
    saved_day or page_checks; when not given, the check is looked up by homeroom_id and
    day). Each has student_id, status and the details, as a CheckEntry or as a row."""
    rows = getattr(checks, "rows", None)
    if rows is not None:
        return rows.get(kind, [])
    check = saved_check(checks, homeroom_id, day, kind)
    return [] if check is None else check.entries


def class_students(homeroom) -> list[Student]:
    """homeroom.students (in seat order, active or not), read by a statement built once when
    not loaded yet: the lazy load builds its statement again on every request."""
    if "students" not in homeroom.__dict__:
        set_committed_value(homeroom, "students", list(db.session.scalars(
            CLASS_STUDENTS, {"homeroom_id": homeroom.id})))
    return homeroom.students


def saved_statuses(homeroom_id: int, day: date, kind: CheckKind,
                   checks=None) -> dict[int, str]:
    """{student_id: status} of the day's saved check of kind (checks: day_checks, if known)."""
    return {e.student_id: e.status for e in entries_of(checks, kind, homeroom_id, day)}


def roster(homeroom, day: date, kind: CheckKind, checks=None) -> list[Student]:
    """The students a check covers: the active class; dismissal only those here today.
    checks: the day's checks (day_checks), when the caller has them."""
    students = [s for s in class_students(homeroom) if s.active]
    if kind == CheckKind.DISMISSAL:
        attendance = saved_statuses(homeroom.id, day, CheckKind.ATTENDANCE, checks)
        students = [s for s in students if attendance.get(s.id) not in NOT_IN_CLASS]
    return students


def students_in_order(ids) -> list[Student]:
    """These students, in the order of ids, read in one query."""
    ids = list(ids)
    if not ids:
        return []
    found = {s.id: s for s in db.session.scalars(db.select(Student).where(Student.id.in_(ids)))}
    return [found[sid] for sid in ids if sid in found]


def default_entries(homeroom, day: date, kind: CheckKind, students,
                    checks=None) -> dict[int, dict]:
    """What a new check starts with, linking bag check and attendance both ways."""
    status = {s.id: DEFAULT_STATUS[kind].value for s in students}
    if kind == CheckKind.BAG:
        for sid, seen in saved_statuses(homeroom.id, day, CheckKind.ATTENDANCE, checks).items():
            if seen in NOT_HERE and sid in status:
                status[sid] = BagStatus.NOT_CHECKED.value
    elif kind == CheckKind.ATTENDANCE:
        for sid, seen in saved_statuses(homeroom.id, day, CheckKind.BAG, checks).items():
            if seen == BagStatus.NOT_CHECKED and sid in status:
                status[sid] = AttendanceStatus.ABSENT.value
    return {sid: dict.fromkeys(DETAILS) | {"status": value} for sid, value in status.items()}


def entry_values(entry: CheckEntry) -> dict:
    """A saved entry (or a page's row of one: entries_of) as the same dict that clean_entries
    produces."""
    return {"status": entry.status} | {name: getattr(entry, name) for name in DETAILS}


def current_entries(homeroom, day: date, kind: CheckKind,
                    checks=None) -> tuple[Check | None, dict]:
    """(check, {student_id: values}) for display: what was saved, else the defaults.

    A saved check shows students without an entry (who joined since) with no status chosen:
    they are added only when someone picks one. checks: the day's checks (day_checks), when
    the caller has them.
    """
    checks = day_checks(homeroom.id, day) if checks is None else checks
    check = checks.get(kind)
    students = roster(homeroom, day, kind, checks)
    if check is None:
        return check, default_entries(homeroom, day, kind, students, checks)
    values = {s.id: dict.fromkeys(DETAILS) | {"status": None} for s in students}
    return check, values | {e.student_id: entry_values(e) for e in entries_of(checks, kind)}


def saved_check(checks: dict | None, homeroom_id: int, day: date,
                kind: CheckKind) -> Check | None:
    """The day's check of kind from checks (day_checks), or looked up when not given."""
    return find_check(homeroom_id, day, kind) if checks is None else checks.get(kind)


def attendance_entries(school_id: int, day: date, student_ids=None) -> dict[int, CheckEntry]:
    """A school's attendance entries of a day by student id (only these students, if given),
    with each student's homeroom and guardians loaded: what parent texts are decided from."""
    query = (db.select(CheckEntry).join(Check)
             .where(Check.school_id == school_id, Check.school_date == day,
                    Check.kind == CheckKind.ATTENDANCE)
             .options(selectinload(CheckEntry.student).options(
                 selectinload(Student.homeroom),
                 selectinload(Student.guardian_links).selectinload(StudentGuardian.guardian))))
    if student_ids is not None:
        query = query.where(CheckEntry.student_id.in_(student_ids))
    return {entry.student_id: entry for entry in db.session.scalars(query)}
