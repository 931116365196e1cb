"""The morning rush's data: a school of homerooms with one teacher each, built with bulk inserts.

Every teacher has the same known password (one scrypt hash, made once, as production makes
them); a few spare homerooms serve the in-process measurements and stay out of the rush.
"""

import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from werkzeug.security import generate_password_hash

from rollcall.demo.school import previous_school_days

PASSWORD = "rush-password-2026"  # noqa: S105
OFFICE_USERNAME = "rush.office"
SPARE = 4  # homerooms measured in-process (round trips, CPU per request), not in the rush


@dataclass(frozen=True)
class Teacher:
    username: str
    homeroom_id: int
    students: int
    remember: str | None = None  # a "stay signed in on this phone" cookie, when prepared

    def as_dict(self) -> dict:
        return asdict(self)


def create_schema(app) -> None:
    """An empty database brought to the head migration."""
    import flask_migrate

    from rollcall.extensions import db

    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        flask_migrate.upgrade()


def add_rush_rooms(db, school_id: int, rooms: int, students_per_room: int,
                   prefix: str = "rush") -> list[Teacher]:
    """rooms homerooms of students_per_room students, each with its own teacher."""
    if rooms <= 0:
        return []
    from rollcall.models import Homeroom, Role, Student, User, homeroom_teachers

    password_hash = generate_password_hash(PASSWORD)  # the production method: one real cost
    made = [Homeroom(school_id=school_id, name=f"{prefix}{n:03d}班", grade=9)
            for n in range(1, rooms + 1)]
    db.session.add_all(made)
    db.session.flush()
    teachers = [User(school_id=school_id, username=f"{prefix}.t{n:03d}",
                     display_name=f"老师{n:03d}", role=Role.TEACHER, password_hash=password_hash,
                     session_token=secrets.token_urlsafe(32))
                for n in range(1, rooms + 1)]
    db.session.add_all(teachers)
    db.session.flush()
    db.session.execute(db.insert(homeroom_teachers), [
        {"homeroom_id": room.id, "user_id": teacher.id}
        for room, teacher in zip(made, teachers, strict=True)])
    db.session.execute(db.insert(Student.__table__), [
        {"school_id": school_id, "homeroom_id": room.id, "seat": seat, "active": True,
         "student_number": f"{prefix}{room.id:05d}{seat:02d}", "name": f"学生{room.id}-{seat:02d}"}
        for room in made for seat in range(1, students_per_room + 1)])
    db.session.commit()
    return [Teacher(t.username, room.id, students_per_room)
            for room, t in zip(made, teachers, strict=True)]


def build_fresh(app, rooms: int, students_per_room: int) -> list[Teacher]:
    """A new school: rooms + SPARE homerooms with their teachers, and one office account."""
    from rollcall.extensions import db
    from rollcall.models import Role, School, User

    with app.app_context():
        school = School(name="晨检中学", timezone="Asia/Shanghai")
        db.session.add(school)
        db.session.flush()
        office = User(school_id=school.id, username=OFFICE_USERNAME, display_name="政教处",
                      role=Role.OFFICE, password_hash=generate_password_hash(PASSWORD))
        db.session.add(office)
        db.session.commit()
        teachers = add_rush_rooms(db, school.id, rooms + SPARE, students_per_room)
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        return teachers


def remember_cookies(app, teachers: list[Teacher]) -> list[Teacher]:
    """Each teacher signed in earlier with "stay signed in on this phone": a server-side session
    (stored, as the sign-in page stores it, by its token's digest) and the cookie the phone keeps
    (made as the sign-in page makes it, with the app's key)."""
    from flask_login.utils import encode_cookie

    from rollcall.auth.models import UserSession, digest
    from rollcall.extensions import db
    from rollcall.models import User

    now = datetime.now(UTC)
    with app.app_context(), app.test_request_context():
        stamps = dict(db.session.execute(db.select(User.username, User.session_token)).all())
        ids = dict(db.session.execute(db.select(User.username, User.id)).all())
        tokens = {t.username: secrets.token_urlsafe(32) for t in teachers}
        db.session.execute(db.insert(UserSession.__table__), [
            {"token": digest(tokens[t.username]), "user_id": ids[t.username],
             "user_stamp": stamps[t.username], "created_at": now - timedelta(days=1),
             "last_seen_at": now - timedelta(days=1), "remembered": True, "device": "bench",
             "expires_at": now + timedelta(days=60)} for t in teachers])
        db.session.commit()
        return [Teacher(t.username, t.homeroom_id, t.students, encode_cookie(tokens[t.username]))
                for t in teachers]


def reset_day(app, day: date, since: datetime) -> None:
    """Forget what a rush wrote: day's checks (with their findings' custody trail), the audit
    rows written since, sign-ins and sign-in throttling; remembered phones last seen a day ago."""
    from rollcall.extensions import db

    naive_since = since.astimezone(UTC).replace(tzinfo=None)  # as the columns store it
    with app.app_context():
        for statement in (
                "DELETE FROM custody_events WHERE item_id IN (SELECT id FROM confiscated_items"
                " WHERE check_id IN (SELECT id FROM checks WHERE school_date = :day))",
                "DELETE FROM confiscated_items WHERE check_id IN"
                " (SELECT id FROM checks WHERE school_date = :day)",
                "DELETE FROM check_entries WHERE check_id IN"
                " (SELECT id FROM checks WHERE school_date = :day)",
                "DELETE FROM checks WHERE school_date = :day",
                "DELETE FROM audit_log WHERE created_at >= :since",
                "DELETE FROM user_sessions WHERE device IS NULL OR device <> 'bench'",
                "UPDATE user_sessions SET last_seen_at = :yesterday WHERE device = 'bench'",
                "DELETE FROM login_throttle"):
            db.session.execute(db.text(statement), {
                "day": day, "since": naive_since,
                "yesterday": naive_since - timedelta(days=1)})
        db.session.commit()


def build_year_school(app, office_bench, rooms: int, students_per_room: int, days: int = 190):
    """The office bench's school with a year of history up to yesterday (its builder), its
    teachers given the rush password, and fresh homerooms added up to rooms + SPARE teachers.
    (history teachers, fresh teachers, entries)."""
    from zoneinfo import ZoneInfo

    from rollcall.extensions import db
    from rollcall.models import Homeroom, Student, User, homeroom_teachers

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    with app.app_context():
        built = office_bench.build_year(db, previous_school_days(today, days))
        db.session.execute(db.update(User).where(User.username.like("bench.t%"))
                           .values(password_hash=generate_password_hash(PASSWORD)))
        db.session.commit()
        sizes = dict(db.session.execute(db.select(Student.homeroom_id, db.func.count())
                                        .group_by(Student.homeroom_id)).all())
        history = [Teacher(username, room, sizes[room]) for username, room in db.session.execute(
            db.select(User.username, homeroom_teachers.c.homeroom_id)
            .join(homeroom_teachers, homeroom_teachers.c.user_id == User.id)
            .join(Homeroom, Homeroom.id == homeroom_teachers.c.homeroom_id)
            .order_by(Homeroom.id))]
        fresh = add_rush_rooms(db, built["school_id"], rooms + SPARE - len(history),
                               students_per_room)
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    return history, fresh, built["entries"]
