"""Reading checks back: a homeroom's day at a glance, a check's history, dangerous findings."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func
from sqlalchemy.orm import joinedload

from rollcall import clock, vocabulary
from rollcall.checks.models import (
    DANGEROUS_CATEGORIES,
    NOT_IN_CLASS,
    AttendanceStatus,
    BagStatus,
    Check,
    CheckEntry,
    CheckKind,
)
from rollcall.checks.validation import DETAILS
from rollcall.extensions import db
from rollcall.models import AuditLog

DAY_ORDER = (CheckKind.BAG, CheckKind.ATTENDANCE, CheckKind.DISMISSAL)
# The attendance codes of a student not in class (excused or not, or gone after the bag check),
# as SQL compares them.
ABSENT_CODES = tuple(sorted(str(status) for status in NOT_IN_CLASS))
CUTOFF_FIELD = {
    CheckKind.BAG: "bag_check_cutoff",
    CheckKind.ATTENDANCE: "attendance_cutoff",
    CheckKind.DISMISSAL: "dismissal_cutoff",
}


@dataclass
class CheckState:
    """One check of the day as Today shows it."""

    kind: CheckKind
    cutoff: time
    check: Check | None = None
    overdue: bool = False
    counts: Counter = field(default_factory=Counter)


def cutoff(school, kind: CheckKind) -> time:
    """The school's cut-off (wall clock) for a check."""
    return getattr(school, CUTOFF_FIELD[CheckKind(kind)])


# Built once: every Today asks them. The day's checks come with who saved them; their rows are
# counted by the database, not loaded (three checks of a class of 45 are 135 objects).
DAYS_CHECKS = (db.select(Check).options(joinedload(Check.submitted_by))
               .where(Check.homeroom_id == bindparam("homeroom_id"),
                      Check.school_date == bindparam("day")))
STATUS_COUNTS = (db.select(CheckEntry.check_id, CheckEntry.status, func.count())
                 .where(CheckEntry.check_id.in_(bindparam("check_ids", expanding=True)))
                 .group_by(CheckEntry.check_id, CheckEntry.status))
DANGEROUS_IN_CHECK = (db.select(CheckEntry).options(joinedload(CheckEntry.student))
                      .where(CheckEntry.check_id == bindparam("check_id"),
                             CheckEntry.status == BagStatus.FOUND,
                             CheckEntry.category.in_([str(c) for c in DANGEROUS_CATEGORIES]))
                      .order_by(CheckEntry.student_id))


def day_overview(homeroom, day: date, school_day: bool) -> list[CheckState]:
    """The three checks in the day's order: done (with counts), not started, or overdue
    (never on a day that is not a school day)."""
    school = homeroom.school
    now = clock.now()
    saved = {CheckKind(check.kind): check for check in db.session.scalars(
        DAYS_CHECKS, {"homeroom_id": homeroom.id, "day": day})}
    counts = {check.id: Counter() for check in saved.values()}
    if counts:
        for check_id, status, number in db.session.execute(
                STATUS_COUNTS, {"check_ids": list(counts)}):
            counts[check_id][status] = number
    states = []
    for kind in DAY_ORDER:
        state = CheckState(kind=kind, cutoff=cutoff(school, kind), check=saved.get(kind))
        if state.check is None:
            state.overdue = (school_day
                             and now > clock.school_datetime(school, day, state.cutoff))
        else:
            state.counts = counts[state.check.id]
        states.append(state)
    return states


def dangerous_in_bag_check(states: list[CheckState]) -> list[CheckEntry]:
    """The knives, weapons and fire sources of the day's bag check (day_overview's states), by
    student: asked only when that check found something."""
    bag = next((state for state in states if state.kind == CheckKind.BAG), None)
    if bag is None or not bag.counts[BagStatus.FOUND]:
        return []
    return list(db.session.scalars(DANGEROUS_IN_CHECK, {"check_id": bag.check.id}))


def check_history(check: Check) -> list[AuditLog]:
    """Every audited change of this check, oldest first."""
    return list(db.session.scalars(
        db.select(AuditLog)
        .where(AuditLog.object_type == "Check", AuditLog.object_id == str(check.id))
        .order_by(AuditLog.created_at, AuditLog.id)))


def is_dangerous(entry_values: dict) -> bool:
    """True for a finding the office must see at once."""
    return entry_values.get("category") in DANGEROUS_CATEGORIES


def wall_time(school, instant: datetime | None) -> str:
    """HH:MM on the school's clock, or '' for none."""
    return "" if instant is None else clock.to_school_time(school, instant).strftime("%H:%M")


def iso_wall_time(school, text: str | None) -> str:
    """HH:MM on the school's clock for an ISO 8601 instant stored in the audit trail."""
    try:
        return wall_time(school, datetime.fromisoformat(text)) if text else ""
    except (TypeError, ValueError):
        return ""


@dataclass
class UnsavedRow:
    """A row where the screen someone posted differs from what another person saved first."""

    student: object
    saved: str
    posted: str


def describe_row(school, kind: CheckKind, values: dict) -> str:
    """A row's status and details as one line of screen text, saved or as posted: the
    vocabulary's words, typed text as typed, nothing for a detail left empty."""
    status = values.get("status")
    parts = [vocabulary.status_name(status)]
    for name in DETAILS:
        value = values.get(name)
        if name == "arrived_at":
            if status == AttendanceStatus.LATE:
                parts.append(_arrival_text(school, value))
            continue
        parts.append(vocabulary.detail_name(kind, name, value).strip())
    return " · ".join(part for part in parts if part)


def _arrival_text(school, value) -> str:
    if isinstance(value, str):
        value = _parse_instant(value) if "T" in value else value
    if isinstance(value, datetime):
        return str(_l("arrived %(time)s", time=wall_time(school, value)))
    if value:
        return str(_l("arrived %(time)s", time=value))
    return str(_l("time not recorded"))


def _parse_instant(text: str) -> datetime | str:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return text


def entry_details(kind, entry, *skip: str) -> str:
    """A saved entry's details (not its status) as one line, the empty ones left out."""
    values = {name: getattr(entry, name) for name in DETAILS if name not in skip}
    parts = []
    if entry.status == AttendanceStatus.LATE and "arrived_at" not in skip:
        parts.append(str(_l("arrived %(time)s", time=format_datetime(entry.arrived_at, "HH:mm")))
                     if entry.arrived_at else str(_l("time not recorded")))
    parts += [vocabulary.detail_name(kind, name, value).strip()
              for name, value in values.items() if name != "arrived_at"]
    return " · ".join(part for part in parts if part)


def describe_audit_values(school, kind, values: dict | None) -> str:
    """A check entry as the audit trail stored it (ISO times, codes) as one line of text."""
    return describe_row(school, kind, values or {})


def unsaved_rows(school, kind: CheckKind, students, saved: dict,
                 posted: list[dict]) -> list[UnsavedRow]:
    """The rows of a refused (stale) save that differ from what is saved now, so the second
    editor sees what their screen said and can tap those again if they still mean it."""
    if not posted:
        return []
    by_number = {s.student_number: s for s in students}
    rows = []
    for entry in posted:
        student = by_number.get(entry["student_number"])
        if student is None:
            continue
        now = describe_row(school, kind, saved.get(student.id, {}))
        mine = describe_row(school, kind, entry)
        if now != mine:
            rows.append(UnsavedRow(student, now or "—", mine or "—"))
    return rows
