"""The class work log (班主任工作手册): one homeroom's week, day by day, ready to print."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from rollcall import clock
from rollcall.checks.contacts import contacts_for
from rollcall.checks.models import AttendanceStatus, BagStatus, Check, CheckKind, DismissalStatus
from rollcall.checks.summary import DAY_ORDER
from rollcall.extensions import db
from rollcall.models import Homeroom
from rollcall.office import services
from rollcall.school_days import calendar, is_weekday

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
NOTED_ATTENDANCE = (AttendanceStatus.LATE, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED,
                    AttendanceStatus.LEFT_AFTER_BAG)


@dataclass
class LogDay:
    day: date
    checks: dict = field(default_factory=dict)  # kind -> Check or None
    absences: list = field(default_factory=list)  # dicts: entry, student, text, reply, call
    findings: list = field(default_factory=list)  # CheckEntry
    exceptions: list = field(default_factory=list)  # CheckEntry (still on campus)
    calendar: object = None  # the school calendar's entry (holiday, make-up day), if any
    future: bool = False  # a day to come: shown as "—", never as a gap in the record
    not_yet_due: set = field(default_factory=set)  # today's checks before their cut-off

    @property
    def recorded(self) -> bool:
        return any(self.checks.values())


def parse_week(text: str) -> date | None:
    """The Monday of an ISO week written YYYY-Www, or None when it is not a real week."""
    match = WEEK_PATTERN.match(text or "")
    if not match:
        return None
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        monday + timedelta(days=7)  # the page links the next week: it must exist too
    except (ValueError, OverflowError):
        return None
    return monday


def week_label(monday: date) -> str:
    """YYYY-Www for the week starting on monday."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_log(homeroom: Homeroom, monday: date) -> list[LogDay]:
    """The week's school days (a make-up weekend day too), holidays by name, and any other
    day a check was done, with what happened."""
    sunday = monday + timedelta(days=6)
    today = clock.school_today(homeroom.school)
    entries = calendar(homeroom.school, monday, sunday)
    checks = list(db.session.scalars(
        db.select(Check).where(Check.homeroom_id == homeroom.id,
                               Check.school_date.between(monday, sunday))
        .options(db.selectinload(Check.entries), db.joinedload(Check.submitted_by),
                 db.joinedload(Check.updated_by))))
    by_key = {(check.school_date, check.kind): check for check in checks}
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        log_day = LogDay(day, {kind: by_key.get((day, str(kind))) for kind in DAY_ORDER},
                         calendar=entries.get(day), future=day > today)
        if day == today:
            log_day.not_yet_due = {kind for kind in DAY_ORDER
                                   if not services.cutoff_passed(homeroom.school, day, kind)}
        if not (log_day.recorded or log_day.calendar or is_weekday(day)):
            continue  # an ordinary weekend
        _fill(homeroom, log_day)
        days.append(log_day)
    return days


def _fill(homeroom: Homeroom, log_day: LogDay) -> None:
    attendance = log_day.checks[CheckKind.ATTENDANCE]
    if attendance:
        noted = sorted((e for e in attendance.entries if e.status in NOTED_ATTENDANCE),
                       key=lambda e: e.student.seat or 0)
        missing = [e.student_id for e in noted if e.status != AttendanceStatus.LATE]
        contacts = services.absence_contacts(homeroom.school_id, log_day.day, missing)
        calls = services.family_calls(homeroom.school_id, log_day.day, missing)
        logged = contacts_for(missing, log_day.day)
        for entry in noted:
            contact = contacts.get(entry.student_id, {})
            log_day.absences.append({
                "entry": entry, "student": entry.student,
                "text": contact.get("text"), "reply": contact.get("reply"),
                "call": calls.get(entry.student_id),
                "contacts": [c for c in logged if c.student_id == entry.student_id]})
    bag = log_day.checks[CheckKind.BAG]
    if bag:
        log_day.findings = [e for e in bag.entries if e.status == BagStatus.FOUND]
    dismissal = log_day.checks[CheckKind.DISMISSAL]
    if dismissal:
        log_day.exceptions = [e for e in dismissal.entries
                              if e.status == DismissalStatus.ON_CAMPUS]
