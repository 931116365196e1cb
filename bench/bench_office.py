"""Office review on a year of a 3,000-student school: the log, its CSV, the board, history.

Builds a scratch SQLite database (and, when ROLLCALL_BENCH_DATABASE_URL is set, that
PostgreSQL database, WHICH IS EMPTIED FIRST) with 60 homerooms × 50 students, 190 school days
and three checks a day (about 1.7 million entries), then times typical pages and the CSV export.
ROLLCALL_BENCH_DAYS shortens the year for a quick run.
"""

import os
import random
import resource
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HOMEROOMS, STUDENTS_PER_ROOM = 60, 50
FIRST_DAY = date(2025, 9, 1)
BATCH = 20_000
SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "bench-password"  # noqa: S105


def school_days(count: int) -> list[date]:
    days, day = [], FIRST_DAY
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


CHECK_COLUMNS = ("id", "school_id", "homeroom_id", "school_date", "kind", "version",
                 "submitted_at", "submitted_by_id", "updated_at", "updated_by_id")
ENTRY_COLUMNS = ("check_id", "student_id", "status", "status_since", "arrived_at", "reason",
                 "category", "description", "action", "location")


def _entry(rng, kind, student_id, check_id, at) -> tuple:
    """One entry as a row of ENTRY_COLUMNS."""
    roll = rng.random()
    reason = category = description = action = location = None
    if kind == "attendance":
        status = ("absent" if roll < .01 else "excused" if roll < .02
                  else "late" if roll < .04 else "present")
        if status == "excused":
            reason = "发烧，家长请假"
    elif kind == "bag":
        status = "found" if roll < .0008 else "clear"
        if status == "found":
            category = rng.choice(["knife", "fire", "tobacco", "tobacco", "prohibited"])
            description, action = "打火机一个", "handed_to_office"
    else:
        status = "on_campus" if roll < .005 else "left"
        if status == "on_campus":
            reason, location = "waiting_for_parent", "传达室"
    return (check_id, student_id, status, at, None, reason, category, description, action,
            location)


def build_year(db, days: list[date]) -> dict:
    """Insert the school, its people and a year of checks with plain bulk inserts."""
    from rollcall.checks.models import CheckEntry
    from rollcall.models import Homeroom, Role, School, Student, User

    rng = random.Random(6)
    school = School(name="基准中学", timezone="Asia/Shanghai")
    db.session.add(school)
    rooms = [Homeroom(school=school, name=f"九年级{n:02d}班", grade=9)
             for n in range(1, HOMEROOMS + 1)]
    db.session.add_all(rooms)
    office = User(school=school, username="bench.office", display_name="政教处",
                  role=Role.OFFICE)
    office.set_password(PASSWORD)
    teachers = [User(school=school, username=f"bench.t{n}", display_name=f"老师{n}",
                     role=Role.TEACHER, password_hash="!", homerooms=[room])  # noqa: S106
                for n, room in enumerate(rooms, 1)]
    db.session.add_all([office, *teachers])
    db.session.flush()
    students = [Student(school_id=school.id, homeroom_id=room.id, seat=seat,
                        student_number=f"25{n:02d}{seat:02d}", name=f"学生{n:02d}{seat:02d}")
                for n, room in enumerate(rooms, 1) for seat in range(1, STUDENTS_PER_ROOM + 1)]
    db.session.add_all(students)
    db.session.flush()
    # Plain ids before the commit expires every object (each would be loaded again one by one).
    school_id = school.id
    classes = [(room.id, teacher.id) for room, teacher in zip(rooms, teachers, strict=True)]
    roster = {room.id: [s.id for s in students if s.homeroom_id == room.id] for room in rooms}
    ids = {"school_id": school_id, "room_id": rooms[7].id, "student_id": students[123].id}
    db.session.commit()
    postgres = db.engine.dialect.name == "postgresql"
    checks, entries, check_id = [], [], 0
    for day in days:
        school_date = day if postgres else day.isoformat()
        for room_id, teacher_id in classes:
            for kind, hour in (("bag", 7), ("attendance", 8), ("dismissal", 17)):
                check_id += 1
                at = _stored(datetime(day.year, day.month, day.day, hour, 30, tzinfo=SHANGHAI),
                             postgres)
                checks.append((check_id, school_id, room_id, school_date, kind, 1, at,
                               teacher_id, at, teacher_id))
                entries += [_entry(rng, kind, sid, check_id, at) for sid in roster[room_id]]
        if len(entries) >= BATCH:
            _flush(db, checks, entries)
            checks, entries = [], []
    _flush(db, checks, entries)
    if postgres:
        db.session.execute(db.text(
            "SELECT setval(pg_get_serial_sequence('checks', 'id'), (SELECT max(id) FROM checks))"))
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()
    return ids | {"entries": db.session.scalar(
        db.select(db.func.count()).select_from(CheckEntry))}


def _stored(instant: datetime, postgres: bool):
    """An instant as the UTC columns store it (naive UTC; text on SQLite, as SQLAlchemy writes
    it), for rows written around the ORM."""
    naive = instant.astimezone(UTC).replace(tzinfo=None)
    return naive if postgres else naive.strftime("%Y-%m-%d %H:%M:%S.%f")


def _flush(db, checks: list[tuple], entries: list[tuple]) -> None:
    """Write rows of plain tuples: COPY on PostgreSQL, one executemany on SQLite."""
    connection = db.session.connection()
    for table, columns, rows in (("checks", CHECK_COLUMNS, checks),
                                 ("check_entries", ENTRY_COLUMNS, entries)):
        if not rows:
            continue
        if connection.dialect.name == "postgresql":
            cursor = connection.connection.dbapi_connection.cursor()
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            connection.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                f"VALUES ({', '.join('?' * len(columns))})", rows)
    db.session.commit()


def _timed(label: str, run, repeat: int = 3) -> None:
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"  {label:<58} {best * 1000:9.1f} ms  {result}")


def measure(app, ids: dict, days: list[date]) -> None:
    """Time the office's pages through the test client, as a signed-in office user."""
    from rollcall import clock

    client = app.test_client()
    client.post("/login", data={"username": "bench.office", "password": PASSWORD})
    last = days[-1]
    month = (last - timedelta(days=30)).isoformat()
    room, student = ids["room_id"], ids["student_id"]

    def page(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return f"{len(response.data) // 1024} KB"
        return run

    def csv(url):
        def run():
            rows = size = 0
            with client.get(url) as response:
                for chunk in response.response:
                    size += len(chunk)
                    rows += chunk.count(b"\n")
            return f"{rows - 1} rows, {size // 1024} KB"
        return run

    noon = datetime(last.year, last.month, last.day, 4, 0, tzinfo=UTC)
    with clock.frozen(noon):
        for label, url in (
            ("log, exceptions (the default), page 1", "/office/log"),
            ("log, exceptions (the default), page 50", "/office/log?page=50"),
            ("log, everything, page 1", "/office/log?show=all"),
            ("log, everything, page 500", "/office/log?show=all&page=500"),
            ("log, one class over a month", f"/office/log?homeroom={room}&date_from={month}"),
            ("log, absences over the year", "/office/log?kind=attendance&status=absent"),
            ("log, knives found over the year", "/office/log?category=knife"),
            ("log, student name search (year)", "/office/log?student=学生0812"),
            ("log, student number prefix (year)", "/office/log?student=250812"),
            ("log, date range a week, late", f"/office/log?date_from={last - timedelta(7)}"
                                             "&status=late"),
            ("board (today)", "/office/"),
            ("student history (term)", f"/students/{student}"),
            ("weekly work log", f"/homerooms/{room}/week/{last.strftime('%G-W%V')}"),
            ("charts", "/office/charts"),
            ("audit trail", "/office/audit"),
        ):
            _timed(label, page(url))
        _timed("CSV, one class over a month", csv(
            f"/office/log.csv?homeroom={room}&date_from={month}"))
        _timed("CSV, absences over the year", csv(
            "/office/log.csv?kind=attendance&status=absent"))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        _timed("CSV, the whole year (every entry)", csv("/office/log.csv?show=all"), repeat=1)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"  peak RSS before/after the whole-year CSV: {before // 1024} / "
              f"{after // 1024} MB")


def run_on(uri: str, days: list[date]) -> None:
    import flask_migrate

    from rollcall import create_app
    from rollcall.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": uri,
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        flask_migrate.upgrade()
        start = time.perf_counter()
        ids = build_year(db, days)
        print(f"  built {ids['entries']:,} entries in {time.perf_counter() - start:.0f} s")
    measure(app, ids, days)


def main() -> None:
    days = school_days(int(os.environ.get("ROLLCALL_BENCH_DAYS", "190")))
    print(f"office: {HOMEROOMS} homerooms × {STUDENTS_PER_ROOM} students × {len(days)} days × 3")
    with tempfile.TemporaryDirectory() as scratch:
        print("-- SQLite")
        run_on(f"sqlite:///{Path(scratch) / 'bench-office.sqlite3'}", days)
    postgres = os.environ.get("ROLLCALL_BENCH_DATABASE_URL")
    if postgres:
        print("-- PostgreSQL")
        run_on(postgres, days)
    else:
        print("-- PostgreSQL skipped (set ROLLCALL_BENCH_DATABASE_URL to a scratch database)")


if __name__ == "__main__":
    main()
