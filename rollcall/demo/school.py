"""Builds the demo school: classes, students, guardians, accounts and two weeks of history."""

import random
from datetime import date, time, timedelta

from rollcall import clock, school_settings
from rollcall.checks.models import (
    AttendanceStatus,
    BagStatus,
    Check,
    CheckEntry,
    CheckKind,
    DismissalReason,
    DismissalStatus,
    FindingAction,
    FindingCategory,
)
from rollcall.demo.names import mobile_number, person_name
from rollcall.demo.routine import add_routine
from rollcall.demo.texts import add_past_texts
from rollcall.extensions import db
from rollcall.models import (
    CalendarDay,
    Guardian,
    Homeroom,
    Role,
    School,
    Student,
    StudentGuardian,
    User,
)
from rollcall.phones import parse_phone
from rollcall.school_settings import DEFAULT_UNREACHED_BY

DEMO_PASSWORD = "rollcall-demo"  # noqa: S105  (published demo accounts)
DEMO_ACCOUNTS = (
    ("teacher1", "homeroom teacher, 九年级1班"),
    ("teacher2", "homeroom teacher, 九年级2班"),
    ("teacher3", "homeroom teacher, 九年级3班"),
    ("office1", "office for student affairs (政教处)"),
    ("admin", "administrator"),
)
CLASS_SIZES = (46, 44, 48)
TEACHER_NAMES = ("王丽华", "陈建军", "刘晓梅")
HISTORY_SCHOOL_DAYS = 10
RELATIONSHIPS = (("母亲", 0.55), ("父亲", 0.35), ("祖母", 0.05), ("祖父", 0.05))
ABSENCE_REASONS = ("发烧，家长请假", "看病", "家中有事", "肠胃不适")
# The on-duty office phones a missing student is texted to: made-up numbers (138 0000 000x),
# so that a "not found" in the demo shows who would be texted.
DEMO_DUTY_PHONES = ("+8613800000000", "+8613800000001")


def database_is_empty() -> bool:
    """True when no school exists yet."""
    return db.session.scalar(db.select(db.func.count()).select_from(School)) == 0


def erase_everything() -> None:
    """Delete every row of every table, children first."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name != "alembic_version":
            db.session.execute(table.delete())


def build_demo_school(seed: int = 2027, erase: bool = False) -> School:
    """Create the demo school in the current transaction and return it."""
    if erase:
        erase_everything()
    rng = random.Random(seed)
    school = School(name="育英中学", phone="010-6512 3456", timezone="Asia/Shanghai",
                    locale="zh_Hans", phone_region="CN")
    db.session.add(school)
    homerooms = [
        Homeroom(school=school, name=f"九年级{n}班", grade=9, graduating=True)
        for n in range(1, len(CLASS_SIZES) + 1)
    ]
    db.session.add_all(homerooms)
    students = _add_students(rng, school, homerooms)
    _add_accounts(school, homerooms)
    db.session.flush()
    _add_history(rng, school, homerooms, students)
    add_past_texts(school)  # before anything flushes: it reads the checks not yet written
    add_routine(school, homerooms, students,
                previous_school_days(clock.school_today(school), HISTORY_SCHOOL_DAYS))
    _add_calendar(school)
    school_settings.write(school, "cases", {
        "duty_phones": list(DEMO_DUTY_PHONES),
        "unreached_by": DEFAULT_UNREACHED_BY.strftime("%H:%M")})
    return school


def _add_calendar(school) -> None:
    """New Year's Day ahead as a holiday, so the calendar page has something to show."""
    new_year = date(clock.school_today(school).year + 1, 1, 1)
    if new_year.weekday() < 5:
        db.session.add(CalendarDay(school_id=school.id, day=new_year, school_day=False,
                                   name="元旦"))


def _add_students(rng, school, homerooms) -> dict[int, list[Student]]:
    by_class: dict[int, list[Student]] = {}
    for class_no, (homeroom, size) in enumerate(zip(homerooms, CLASS_SIZES, strict=True), 1):
        roster = []
        for seat in range(1, size + 1):
            student = Student(school=school, homeroom=homeroom, seat=seat,
                              student_number=f"2027{class_no:02d}{seat:02d}",
                              name=person_name(rng))
            _add_guardians(rng, school, student)
            roster.append(student)
        by_class[class_no] = roster
    # Siblings in two classes share their mother (one phone, one person).
    older, younger = by_class[1][4], by_class[3][7]
    younger.name = older.name[0] + younger.name[1:]
    shared = older.guardian_links[0].guardian
    younger.guardian_links = [StudentGuardian(guardian=shared, contact_order=1)]
    db.session.add_all(s for roster in by_class.values() for s in roster)
    return by_class


def _add_guardians(rng, school, student) -> None:
    count = 2 if rng.random() < 0.6 else 1
    labels = rng.sample([label for label, _ in RELATIONSHIPS[:2]], count) if count == 2 else [
        rng.choices([label for label, _ in RELATIONSHIPS],
                    weights=[w for _, w in RELATIONSHIPS])[0]
    ]
    for order, label in enumerate(labels, 1):
        raw = mobile_number(rng)
        surname = student.name[0] if label in ("父亲", "祖父") else None
        guardian = Guardian(
            school=school, name=person_name(rng, surname), relationship_label=label,
            phone_raw=raw, phone_e164=parse_phone(raw, school.phone_region).e164,
            language="en" if rng.random() < 0.04 else "zh_Hans",
        )
        student.guardian_links.append(StudentGuardian(guardian=guardian, contact_order=order))


def _add_accounts(school, homerooms) -> None:
    accounts = [
        User(school=school, username=f"teacher{n}", display_name=name, role=Role.TEACHER,
             homerooms=[homeroom])
        for n, (name, homeroom) in enumerate(zip(TEACHER_NAMES, homerooms, strict=True), 1)
    ]
    accounts.append(User(school=school, username="office1", display_name="政教处 张主任",
                         role=Role.OFFICE))
    accounts.append(User(school=school, username="admin", display_name="系统管理员",
                         role=Role.ADMIN))
    for user in accounts:
        user.set_password(DEMO_PASSWORD)
    db.session.add_all(accounts)


def previous_school_days(today: date, count: int) -> list[date]:
    """The count weekdays before today, oldest first."""
    days, day = [], today
    while len(days) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days[::-1]


def _add_history(rng, school, homerooms, students) -> None:
    days = previous_school_days(clock.school_today(school), HISTORY_SCHOOL_DAYS)
    finding_day = days[len(days) // 2]
    for class_no, homeroom in enumerate(homerooms, 1):
        teacher = homeroom.teachers[0]
        for day in days:
            roster = students[class_no]
            absent = {s.id: s for s in rng.sample(roster, rng.choice((0, 1, 1, 2)))}
            late = [s for s in rng.sample(roster, rng.choice((0, 0, 1))) if s.id not in absent]
            found = roster[11] if (class_no == 2 and day == finding_day) else None
            _bag_check(rng, school, homeroom, teacher, day, roster, absent, found)
            _attendance(rng, school, homeroom, teacher, day, roster, absent, late)
            _dismissal(rng, school, homeroom, teacher, day, roster, absent)
    for check in (obj for obj in db.session.new if isinstance(obj, Check)):
        for entry in check.entries:
            entry.status_since = check.submitted_at


def _check(school, homeroom, teacher, day, kind, at: time) -> Check:
    submitted = clock.school_datetime(school, day, at)
    check = Check(school_id=school.id, homeroom=homeroom, school_date=day, kind=kind,
                  submitted_at=submitted, updated_at=submitted, submitted_by=teacher,
                  updated_by=teacher)
    db.session.add(check)
    return check


def _minutes(rng, start: time, spread: int) -> time:
    minute = start.hour * 60 + start.minute + rng.randrange(spread)
    return time(minute // 60, minute % 60)


def _bag_check(rng, school, homeroom, teacher, day, roster, absent, found) -> None:
    check = _check(school, homeroom, teacher, day, CheckKind.BAG, _minutes(rng, time(7, 32), 15))
    for student in roster:
        entry = CheckEntry(student=student, status=BagStatus.CLEAR)
        if student.id in absent:
            entry.status = BagStatus.NOT_CHECKED
        elif student is found:
            entry.status = BagStatus.FOUND
            entry.category = FindingCategory.FIRE
            entry.description = "打火机一个"
            entry.action = FindingAction.HANDED_TO_OFFICE
        check.entries.append(entry)


def _attendance(rng, school, homeroom, teacher, day, roster, absent, late) -> None:
    check = _check(school, homeroom, teacher, day, CheckKind.ATTENDANCE,
                   _minutes(rng, time(7, 55), 12))
    late_ids = {s.id for s in late}
    for student in roster:
        entry = CheckEntry(student=student, status=AttendanceStatus.PRESENT)
        if student.id in absent:
            excused = rng.random() < 0.6
            entry.status = AttendanceStatus.EXCUSED if excused else AttendanceStatus.ABSENT
            entry.reason = rng.choice(ABSENCE_REASONS) if excused else None
        elif student.id in late_ids:
            entry.status = AttendanceStatus.LATE
            entry.arrived_at = clock.school_datetime(school, day, _minutes(rng, time(8, 12), 30))
        check.entries.append(entry)


def _dismissal(rng, school, homeroom, teacher, day, roster, absent) -> None:
    at = _minutes(rng, time(17, 10), 15)
    check = _check(school, homeroom, teacher, day, CheckKind.DISMISSAL, at)
    check.campus_checked_at = check.submitted_at
    waiting = rng.choice([s for s in roster if s.id not in absent]) if rng.random() < 0.2 else None
    for student in roster:
        if student.id in absent:
            continue
        entry = CheckEntry(student=student, status=DismissalStatus.LEFT)
        if student is waiting:
            entry.status = DismissalStatus.ON_CAMPUS
            entry.location = "校门口传达室"
            entry.reason = DismissalReason.WAITING_FOR_PARENT
            entry.action = "家长17:40接走"
        check.entries.append(entry)
