"""One student's term on one page: calendar, counts, findings, dismissal exceptions, notes."""

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from rollcall.checks.models import BagStatus, Check, CheckEntry, CheckKind, DismissalStatus
from rollcall.extensions import db
from rollcall.models import School, Student
from rollcall.office import alerts, parent_texts

# The calendar's marks: shapes, not letters, so no language needs a legend to decode them.
DAY_MARKS = {"present": "✓", "late": "◔", "absent": "✗", "excused": "○", "left_after_bag": "↗"}


@dataclass
class DayCell:
    day: date
    in_month: bool
    status: str | None  # attendance status, or None when nothing was recorded
    in_term: bool


@dataclass
class History:
    student: Student
    term_start: date
    today: date
    months: list = field(default_factory=list)  # (first day of month, weeks of DayCell)
    counts: Counter = field(default_factory=Counter)
    findings: list = field(default_factory=list)
    dismissal_exceptions: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    alerts: list = field(default_factory=list)


def student_history(school: School, student: Student, today: date) -> History:
    """Everything recorded about the student this term, and the alerts standing today."""
    start = alerts.term_start(school, today)
    history = History(student=student, term_start=start, today=today)
    rows = db.session.execute(
        db.select(CheckEntry, Check).join(Check, CheckEntry.check_id == Check.id)
        .where(CheckEntry.student_id == student.id, Check.school_id == school.id,
               Check.school_date.between(start, today))
        .order_by(Check.school_date.desc(), Check.kind)).all()
    attendance = {}
    for entry, check in rows:
        if check.kind == CheckKind.ATTENDANCE:
            attendance[check.school_date] = entry.status
            history.counts[entry.status] += 1
        elif check.kind == CheckKind.BAG and entry.status == BagStatus.FOUND:
            history.findings.append((entry, check))
        elif check.kind == CheckKind.DISMISSAL and entry.status == DismissalStatus.ON_CAMPUS:
            history.dismissal_exceptions.append((entry, check))
        if entry.reason and check.kind == CheckKind.ATTENDANCE:
            history.notes.append((entry, check))
    history.months = month_grids(start, today, attendance)
    history.texts = parent_texts.student_texts(student.id)
    history.alerts = alerts.school_alerts(school, today, student_ids=[student.id])
    return history


def month_grids(start: date, end: date, statuses: dict) -> list:
    """(first of month, weeks) for each month from start to end; weeks start on Monday."""
    grids = []
    year, month = start.year, start.month
    weeks_of = calendar.Calendar(firstweekday=0).monthdatescalendar
    while (year, month) <= (end.year, end.month):
        weeks = [[DayCell(day, day.month == month, statuses.get(day), start <= day <= end)
                  for day in week] for week in weeks_of(year, month)]
        grids.append((date(year, month, 1), weeks))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return grids
