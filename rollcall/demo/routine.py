"""The demo school's rest of the routine: weekly screenings with a conflict carried over,
family contacts of several reasons, a parent meeting, a student on the watch list and an item
in the office's custody, so a new user sees each page filled in."""

from datetime import time, timedelta

from rollcall import clock
from rollcall.checks.models import BagStatus, Check, CheckEntry, CheckKind
from rollcall.custody.models import ConfiscatedItem, CustodyEvent, CustodyState
from rollcall.extensions import db
from rollcall.family.models import ContactLog, ContactReason, ParentMeeting
from rollcall.models import Role, User
from rollcall.screening.models import (
    Conflict,
    ConflictSeverity,
    ConflictState,
    ConflictUpdate,
    Screening,
)
from rollcall.screening.services import week_start
from rollcall.watch.models import WatchEntry, WatchNote, WatchReason


def add_routine(school, homerooms, students, days) -> None:
    """Screenings of the demo's weeks, contacts, a meeting, a watched student, a held item."""
    def at(day, hour, minute=0):
        return clock.school_datetime(school, day, time(hour, minute))

    teachers = [homeroom.teachers[0] for homeroom in homerooms]
    weeks = {}  # Monday -> that week's demo days (all before today: nothing is dated ahead)
    for day in sorted(days):
        weeks.setdefault(week_start(day), []).append(day)
    mondays = sorted(weeks)
    for class_no, (homeroom, teacher) in enumerate(zip(homerooms, teachers, strict=True), 1):
        for monday in mondays:
            with_conflict = class_no == 2 and monday == mondays[-1]
            db.session.add(Screening(school_id=school.id, homeroom=homeroom, week_start=monday,
                                     no_conflicts=not with_conflict,
                                     recorded_at=at(weeks[monday][-1], 16, 20),
                                     recorded_by=teacher))
    _conflict(school, homerooms[1], teachers[1], students[2], mondays[-1], weeks[mondays[-1]],
              at)
    _contacts(school, homerooms, teachers, students, days, at)
    _watch(school, teachers[2], students[3], days, at)
    _held_item(school, days, at)


def _conflict(school, homeroom, teacher, roster, monday, week_days, at) -> None:
    """Class 2: a quarrel still being mediated, so it carries over to this week. Found on the
    week's first demo day, mediated on its last (an hour later when that is the same day)."""
    found, mediated = at(week_days[0], 16), at(week_days[-1], 16)
    if mediated == found:
        mediated = at(week_days[-1], 17)
    conflict = Conflict(school_id=school.id, homeroom=homeroom, week_start=monday,
                        about="两名同学因篮球场占场地发生口角，课后在走廊推搡",
                        severity=ConflictSeverity.NEEDS_MEDIATION,
                        state=ConflictState.MEDIATING, action="分别谈话，约定不再在球场争执",
                        created_at=found, created_by=teacher, updated_at=mediated,
                        students=[roster[3], roster[17]])
    conflict.updates = [
        ConflictUpdate(week_start=monday, at=found, actor=teacher,
                       state=ConflictState.OPEN, note="分别谈话"),
        ConflictUpdate(week_start=monday, at=mediated, actor=teacher,
                       state=ConflictState.MEDIATING, note="双方当面沟通，约定不再在球场争执")]
    db.session.add(conflict)


def _contacts(school, homerooms, teachers, students, days, at) -> None:
    def contact(student, teacher, day, reason, method, said, agreed=None, follow_up=None,
                meeting=None, person="母亲"):
        db.session.add(ContactLog(
            school_id=school.id, student=student, school_date=day, person=person,
            method=method, outcome=None, note=said, contacted_at=at(day, 16, 40),
            recorded_by=teacher, reason=reason, agreed=agreed, follow_up_on=follow_up,
            meeting_id=meeting.id if meeting else None))

    today = clock.school_today(school)
    contact(students[1][8], teachers[0], days[2], ContactReason.CONDUCT, "phone",
            "上课多次玩手机，家长表示会没收", "每周五电话沟通一次", today + timedelta(days=2))
    contact(students[2][3], teachers[1], days[6], ContactReason.CONFLICT, "in_person",
            "告知孩子与同学发生推搡，家长会配合教育", "家长督促孩子道歉")
    contact(students[3][21], teachers[2], days[4], ContactReason.HOME_VISIT, "home_visit",
            "家访：父母在外地务工，孩子与祖母同住", "每周与父亲视频一次", person="祖母")
    meeting = ParentMeeting(school_id=school.id, homeroom=homerooms[0],
                            held_at=at(days[3], 16, 0), topic="中考前安全教育家长会",
                            recorded_by=teachers[0], created_at=at(days[3], 17, 30))
    db.session.add(meeting)
    db.session.flush()
    for student in students[1][:38]:
        contact(student, teachers[0], days[3], ContactReason.PARENT_MEETING, "parent_meeting",
                meeting.topic, meeting=meeting, person="—")


def _watch(school, teacher, roster, days, at) -> None:
    """Class 3: a student who skipped school twice and was seen with older youths."""
    student = roster[21]
    entry = WatchEntry(school_id=school.id, student=student, reason=WatchReason.TRUANCY,
                       details="两周内两次无故旷课，放学后常与校外青年在网吧门口聚集",
                       review_on=clock.school_today(school) + timedelta(days=10),
                       added_at=at(days[1], 17), added_by=teacher)
    entry.notes = [
        WatchNote(day=days[4], note="家访后孩子表示会按时到校", author=teacher,
                  created_at=at(days[4], 18)),
        WatchNote(day=days[8], note="本周按时到校，课堂表现有进步", author=teacher,
                  created_at=at(days[8], 17))]
    db.session.add(entry)


def _held_item(school, days, at) -> None:
    """The demo's lighter (class 2), handed to the office and held there since."""
    db.session.flush()
    office = db.session.scalar(db.select(User).where(User.school_id == school.id,
                                                     User.role == Role.OFFICE))
    for entry in db.session.scalars(
            db.select(CheckEntry).join(Check).where(Check.school_id == school.id,
                                                    Check.kind == CheckKind.BAG,
                                                    CheckEntry.status == BagStatus.FOUND)):
        check = entry.check
        item = ConfiscatedItem(school_id=school.id, check_id=check.id,
                               student_id=entry.student_id, found_on=check.school_date,
                               category=entry.category, description=entry.description,
                               state=CustodyState.WITH_OFFICE, taken_at=check.submitted_at)
        item.events = [
            CustodyEvent(state=CustodyState.WITH_TEACHER, at=check.submitted_at,
                         recorded_by=check.submitted_by, recorded_at=check.submitted_at),
            CustodyEvent(state=CustodyState.WITH_OFFICE,
                         at=check.submitted_at + timedelta(minutes=20), received_by=office,
                         recorded_by=office,
                         recorded_at=check.submitted_at + timedelta(minutes=20))]
        db.session.add(item)
