"""Roster import speed: a 5,000-student district file (two guardians each), imported into a
fresh SQLite database (or ROLLCALL_BENCH_DATABASE_URL, whose tables are dropped first), then
imported again unchanged, then as a dry run; then the same data as an .xlsx workbook (phones
as numbers, as offices keep them) next to the CSV, each into a fresh database."""

import os
import tempfile
import time
from pathlib import Path

from rollcall import create_app
from rollcall.extensions import db
from rollcall.models import School
from rollcall.roster import services
from rollcall.roster.reading import load_path

STUDENTS = 5000
CLASSES = 100
HEADER = ("homeroom,grade,student_number,student_name,seat,guardian_name,"
          "guardian_relationship,guardian_phone,guardian_language\n")


def rows():
    """The roster's rows as cells (phones and seats as numbers)."""
    for index in range(STUDENTS):
        room, seat = divmod(index, STUDENTS // CLASSES)
        for order, relation in ((1, "父亲"), (2, "母亲")):
            yield [f"九年级{room + 1}班", 9, f"S{index:05d}", f"学生{index}", seat + 1,
                   f"家长{index}-{order}", relation, int(f"13{order}{index:08d}"), "zh_Hans"]


def write_file(path: Path) -> None:
    lines = [HEADER] + [",".join(map(str, cells)) + "\n" for cells in rows()]
    path.write_text("".join(lines), encoding="utf-8")


def write_workbook(path: Path) -> None:
    """The same rows as an .xlsx, phones as numbers formatted '0' (openpyxl's streaming writer)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(HEADER.strip().split(","))
    for cells in rows():
        phone = WriteOnlyCell(sheet, value=cells[7])
        phone.number_format = "0"
        sheet.append([*cells[:7], phone, cells[8]])
    book.save(path)


def fresh_database(app) -> None:
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.add(School(name="基准中学"))
        db.session.commit()


def timed(label: str, app, path: Path, dry_run: bool = False) -> None:
    with app.app_context():
        school = db.session.scalar(db.select(School))
        started = time.perf_counter()
        source = load_path(path)
        roster = services.read_roster(source, school)
        read = time.perf_counter() - started
        report = services.apply_roster(roster, school, None, dry_run=dry_run)
        total = time.perf_counter() - started
        assert not report.errors, report.errors[:3]
        print(f"{label:28} {total:6.2f} s  (reading and checking {read:.2f} s)  "
              f"students {report.counts['students']}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "district.csv"
        write_file(path)
        size = path.stat().st_size / 1024 / 1024
        print(f"{STUDENTS} students, {2 * STUDENTS} guardians, {CLASSES} homerooms, "
              f"{size:.1f} MB")
        uri = os.environ.get("ROLLCALL_BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
        app = create_app({"SECRET_KEY": "bench", "TESTING": True,
                          "SQLALCHEMY_DATABASE_URI": uri})
        print(f"database: {uri.split(':', 1)[0]}")
        fresh_database(app)
        timed("first import", app, path)
        timed("same file again (no change)", app, path)
        timed("dry run", app, path, dry_run=True)
        workbook = Path(folder) / "district.xlsx"
        write_workbook(workbook)
        print(f"the same rows as .xlsx: {workbook.stat().st_size / 1024 / 1024:.1f} MB")
        for label, source in (("first import, CSV", path), ("first import, .xlsx", workbook)):
            fresh_database(app)
            timed(label, app, source)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
