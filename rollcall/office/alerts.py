"""Threshold alerts the office asks for: absent days in a row, late in a month, dangerous finds.

Thresholds are the school setting "alerts" (rollcall.school_settings); missing keys keep their
defaults.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func

from rollcall import school_settings
from rollcall.checks.models import (
    DANGEROUS_CATEGORIES,
    AttendanceStatus,
    BagStatus,
    Check,
    CheckEntry,
    CheckKind,
)
from rollcall.checks.summary import ABSENT_CODES
from rollcall.extensions import db
from rollcall.models import School, Student
from rollcall.office.states import AlertKind
from rollcall.school_days import term_start
from rollcall.watch.models import WatchReason

STREAK_WINDOW_DAYS = 60
# The reason "add to the watch list" opens with, from an alert.
ALERT_REASONS = {AlertKind.ABSENT_IN_ROW: WatchReason.TRUANCY,
                 AlertKind.LATE_IN_MONTH: WatchReason.TRUANCY,
                 AlertKind.DANGEROUS_FINDINGS: WatchReason.REPEATED_FINDINGS}


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    student_id: int
    count: int
    threshold: int


def watch_reason_for_alert(kind: AlertKind) -> str:
    """The watch reason an alert of this kind opens the "add to watch list" form with."""
    return ALERT_REASONS.get(kind, WatchReason.OTHER).value


def thresholds(school: School) -> dict:
    """The school's thresholds, with the defaults for any it does not set."""
    return school_settings.read(school, "alerts")


def school_alerts(school: School, today: date, student_ids=None) -> list[Alert]:
    """Every alert standing today, for the whole school or only the students given."""
    limits = thresholds(school)
    alerts = _absence_streaks(school, today, limits["absent_days_in_row"], student_ids)
    alerts += _late_this_month(school, today, limits["late_per_month"], student_ids)
    alerts += _dangerous_findings(school, today, limits["dangerous_findings"], student_ids)
    return alerts


def _scoped(query, school_id, student_ids):
    query = query.where(Check.school_id == school_id)
    if student_ids is not None:
        query = query.where(CheckEntry.student_id.in_(list(student_ids)))
    return query


def _absence_streaks(school, today, limit, student_ids) -> list[Alert]:
    """Students absent on each of their homeroom's last `limit` (or more) attendance days."""
    since = today - timedelta(days=STREAK_WINDOW_DAYS)
    days_by_homeroom: dict[int, list] = defaultdict(list)
    for homeroom_id, day in db.session.execute(
            db.select(Check.homeroom_id, Check.school_date)
            .where(Check.school_id == school.id, Check.kind == CheckKind.ATTENDANCE,
                   Check.school_date.between(since, today))
            .order_by(Check.school_date.desc())):
        days_by_homeroom[homeroom_id].append(day)
    # Only the absences themselves are read: a few rows, even for a large school.
    absent_days: dict[int, set] = defaultdict(set)
    homeroom_of: dict[int, int] = {}
    for student_id, homeroom_id, day in db.session.execute(_scoped(
            db.select(CheckEntry.student_id, Check.homeroom_id, Check.school_date)
            .join(Check, CheckEntry.check_id == Check.id)
            .where(Check.kind == CheckKind.ATTENDANCE, CheckEntry.status.in_(ABSENT_CODES),
                   Check.school_date.between(since, today)),
            school.id, student_ids)):
        absent_days[student_id].add(day)
        homeroom_of[student_id] = homeroom_id
    alerts = []
    for student_id, days in absent_days.items():
        streak = 0
        for day in days_by_homeroom[homeroom_of[student_id]]:
            if day not in days:
                break
            streak += 1
        if streak >= limit:
            alerts.append(Alert(AlertKind.ABSENT_IN_ROW, student_id, streak, limit))
    return alerts


def _late_this_month(school, today, limit, student_ids) -> list[Alert]:
    query = _scoped(
        db.select(CheckEntry.student_id, func.count())
        .join(Check, CheckEntry.check_id == Check.id)
        .where(Check.kind == CheckKind.ATTENDANCE, CheckEntry.status == AttendanceStatus.LATE,
               Check.school_date.between(today.replace(day=1), today))
        .group_by(CheckEntry.student_id).having(func.count() >= limit),
        school.id, student_ids)
    return [Alert(AlertKind.LATE_IN_MONTH, sid, n, limit) for sid, n in db.session.execute(query)]


def _dangerous_findings(school, today, limit, student_ids) -> list[Alert]:
    query = _scoped(
        db.select(CheckEntry.student_id, func.count())
        .join(Check, CheckEntry.check_id == Check.id)
        .where(Check.kind == CheckKind.BAG, CheckEntry.status == BagStatus.FOUND,
               CheckEntry.category.in_([str(c) for c in DANGEROUS_CATEGORIES]),
               Check.school_date.between(term_start(school, today), today))
        .group_by(CheckEntry.student_id).having(func.count() >= limit),
        school.id, student_ids)
    return [Alert(AlertKind.DANGEROUS_FINDINGS, sid, n, limit)
            for sid, n in db.session.execute(query)]


def with_students(alerts: list[Alert]) -> list[tuple[Alert, Student]]:
    """The alerts paired with their students, by class and seat."""
    if not alerts:
        return []
    students = {s.id: s for s in db.session.scalars(
        db.select(Student).where(Student.id.in_({a.student_id for a in alerts}))
        .options(db.joinedload(Student.homeroom)))}
    pairs = [(alert, students[alert.student_id]) for alert in alerts]
    return sorted(pairs, key=lambda p: (p[1].homeroom.name if p[1].homeroom else "",
                                        p[1].seat or 0, p[0].kind))
