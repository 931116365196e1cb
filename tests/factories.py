"""Small, explicit test data: a school with a couple of classes and one account per role."""

from dataclasses import dataclass, field

from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, Role, School, Student, StudentGuardian, User

PASSWORD = "correct horse battery"  # noqa: S105


@dataclass
class SmallSchool:
    """Ids of what small_school() made (plain values: usable outside an app context)."""

    school_id: int
    other_school_id: int
    homeroom_ids: dict[str, int]
    student_ids: dict[str, list[int]]
    user_ids: dict[str, int]
    usernames: dict[str, str] = field(default_factory=dict)


def school(name="测试中学", **kwargs) -> School:
    school = School(name=name, timezone="Asia/Shanghai", locale="zh_Hans", phone_region="CN",
                    **kwargs)
    db.session.add(school)
    return school


def user(school, username, role, homerooms=(), display_name=None) -> User:
    account = User(school=school, username=username, role=role,
                   display_name=display_name or username, homerooms=list(homerooms))
    account.set_password(PASSWORD)
    db.session.add(account)
    return account


def student(school, homeroom, seat, name=None, number=None, guardians=1) -> Student:
    pupil = Student(school=school, homeroom=homeroom, seat=seat,
                    name=name or f"学生{seat:02d}",
                    student_number=number or f"{homeroom.name[-2:]}{seat:03d}")
    for order in range(1, guardians + 1):
        phone = f"+86138{homeroom.id or 0:02d}{seat:03d}{order:03d}"
        guardian = Guardian(school=school, name=f"家长{seat}-{order}", relationship_label="母亲",
                            phone_raw=phone, phone_e164=phone)
        pupil.guardian_links.append(StudentGuardian(guardian=guardian, contact_order=order))
    db.session.add(pupil)
    return pupil


def small_school(students_per_class: int = 5) -> SmallSchool:
    """Homerooms 1班 (teacher) and 2班 (teacher2), office, admin; other school's office."""
    main = school()
    other = school("别的中学")
    room1 = Homeroom(school=main, name="九年级1班", grade=9)
    room2 = Homeroom(school=main, name="九年级2班", grade=9)
    other_room = Homeroom(school=other, name="九年级1班", grade=9)
    db.session.add_all([room1, room2, other_room])
    db.session.flush()
    students = {
        key: [student(main, room, seat) for seat in range(1, students_per_class + 1)]
        for key, room in (("room1", room1), ("room2", room2))
    }
    students["other"] = [student(other, other_room, 1, number="X001")]
    users = {
        "teacher": user(main, "t.wang", Role.TEACHER, [room1], "王老师"),
        "teacher2": user(main, "t.chen", Role.TEACHER, [room2], "陈老师"),
        "office": user(main, "office.zhang", Role.OFFICE, display_name="张主任"),
        "admin": user(main, "admin.li", Role.ADMIN, display_name="李管理员"),
        "other_office": user(other, "office.other", Role.OFFICE),
        "other_teacher": user(other, "t.other", Role.TEACHER, [other_room]),
    }
    db.session.commit()
    return SmallSchool(
        school_id=main.id, other_school_id=other.id,
        homeroom_ids={"room1": room1.id, "room2": room2.id, "other": other_room.id},
        student_ids={key: [s.id for s in group] for key, group in students.items()},
        user_ids={key: account.id for key, account in users.items()},
        usernames={key: account.username for key, account in users.items()},
    )


def record_check(homeroom_id, day, kind, statuses=None, submitted_at=None, teacher_id=None,
                 details=None, version=1, updated_at=None, updated_by_id=None):
    """Write a Check with one entry per active student of the homeroom, straight to the database.

    statuses maps student id -> status (others get the kind's default); details maps
    student id -> extra CheckEntry fields (reason, category, description, action, location...).
    """
    from rollcall import clock
    from rollcall.checks.models import DEFAULT_STATUS, Check, CheckEntry, CheckKind

    homeroom = db.session.get(Homeroom, homeroom_id)
    submitted_at = submitted_at or clock.now()
    check = Check(school_id=homeroom.school_id, homeroom_id=homeroom_id, school_date=day,
                  kind=str(kind), submitted_at=submitted_at, submitted_by_id=teacher_id,
                  updated_at=updated_at or submitted_at,
                  updated_by_id=updated_by_id or teacher_id, version=version,
                  edits=version - 1)  # every later version a person's edit
    statuses, details = statuses or {}, details or {}
    for pupil in homeroom.students:
        if not pupil.active:
            continue
        status = statuses.get(pupil.id, DEFAULT_STATUS[CheckKind(kind)])
        check.entries.append(CheckEntry(student_id=pupil.id, status=str(status),
                                        status_since=submitted_at,
                                        **details.get(pupil.id, {})))
    db.session.add(check)
    db.session.commit()
    return check.id
def attendance_check(homeroom_id: int, day, statuses: dict, submitted_at, **entry_fields):
    """A submitted attendance check written directly: students in `statuses` (id → status)
    get that status, the rest of the class 'present'; every status dates from submitted_at."""
    from rollcall.checks.models import Check, CheckEntry, CheckKind

    homeroom = db.session.get(Homeroom, homeroom_id)
    check = Check(school_id=homeroom.school_id, homeroom_id=homeroom.id, school_date=day,
                  kind=CheckKind.ATTENDANCE, submitted_at=submitted_at, updated_at=submitted_at)
    for pupil in homeroom.students:
        check.entries.append(CheckEntry(student_id=pupil.id,
                                        status=statuses.get(pupil.id, "present"),
                                        status_since=submitted_at,
                                        **entry_fields.get(pupil.id, {})))
    db.session.add(check)
    db.session.commit()
    return check.id


def change_attendance(check_id: int, student_id: int, status: str, at, arrived_at=None) -> None:
    """What a teacher's correction stores: the new status, dated when it changed."""
    from rollcall.checks.models import CheckEntry

    entry = db.session.scalar(db.select(CheckEntry).where(CheckEntry.check_id == check_id,
                                                          CheckEntry.student_id == student_id))
    entry.status, entry.status_since, entry.arrived_at = status, at, arrived_at
    db.session.commit()
