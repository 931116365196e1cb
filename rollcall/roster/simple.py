"""The simple roster CSV: one row per student and guardian (documented at /admin/import/format)."""

from flask_babel import lazy_gettext as _l

from rollcall.roster import fields
from rollcall.roster.data import GuardianRecord, HomeroomRecord, Roster, StudentRecord
from rollcall.roster.reading import RosterSource, decode, read_csv

COLUMNS = ("homeroom", "grade", "student_number", "student_name", "seat", "guardian_name",
           "guardian_relationship", "guardian_phone", "guardian_language")


def parse_simple(source: RosterSource, region: str, default_language: str,
                 progress=None) -> Roster:
    """Read and check every row; all problems are collected, none stops the reading."""
    (name, data), = source.files.items()
    header, rows = read_csv(name, decode(name, data, allow_gb18030=True), COLUMNS,
                            normalize=lambda cell: cell.lower().replace(" ", "_"))
    roster = Roster(source.name, "simple")
    extra = [column for column in header if column and column not in COLUMNS]
    if extra:
        roster.warn(name, 1, "header", _l("ignored column(s): %(columns)s",
                                          columns=", ".join(extra)))
    if not rows:
        roster.error(name, 2, "-", _l("the file lists no students"))
    students: dict[str, StudentRecord] = {}
    for row in rows:
        _read_row(roster, students, name, row, region, default_language)
        if progress:
            progress(1)
    roster.students = list(students.values())
    for student in roster.students:
        if not student.guardians:
            roster.warn(student.file, student.line, "guardian_name",
                        _l("no guardian: nobody will get texts about this student"))
    return roster


def _read_row(roster, students, name, row, region, default_language) -> None:
    where = (name, row.line)
    number = fields.text(roster, where, "student_number", row.get("student_number"), 32)
    student_name = fields.text(roster, where, "student_name", row.get("student_name"), 64)
    homeroom = fields.text(roster, where, "homeroom", row.get("homeroom"), 64)
    grade = fields.number(roster, where, "grade", row.get("grade"), 1, 12)
    seat = fields.number(roster, where, "seat", row.get("seat"), 1, 999)
    if homeroom:
        _note_homeroom(roster, where, homeroom, grade)
    student = students.get(number)
    if student is None and number:
        student = students[number] = StudentRecord(number, student_name, homeroom, name,
                                                   row.line, seat)
    elif student is not None and (student.name, student.homeroom_key, student.seat) != (
            student_name, homeroom, seat):
        roster.error(*where, "student_number", _l(
            "duplicate student number %(number)s: line %(line)d gives another student",
            number=number, line=student.line))
        return
    guardian = _read_guardian(roster, where, row, region, default_language)
    if guardian and student:
        if any(g.name == guardian.name for g in student.guardians):
            roster.error(*where, "guardian_name", _l("this guardian is listed twice"))
        student.guardians.append(guardian)


def _note_homeroom(roster, where, name, grade) -> None:
    known = roster.homerooms.get(name)
    if known is None:
        roster.homerooms[name] = HomeroomRecord(name, name, grade)
    elif grade is not None and known.grade not in (None, grade):
        roster.error(*where, "grade", _l("%(homeroom)s has grade %(grade)d on an earlier line",
                                         homeroom=name, grade=known.grade))


def _read_guardian(roster, where, row, region, default_language):
    name = fields.text(roster, where, "guardian_name", row.get("guardian_name"), 64,
                       required=False)
    raw_phone = row.get("guardian_phone")
    if not name:
        if raw_phone:
            roster.error(*where, "guardian_name", _l("required when a phone is given"))
        return None
    e164, raw = fields.phone(roster, where, "guardian_phone", raw_phone, region)
    if not raw_phone:
        roster.warn(*where, "guardian_phone", _l("no phone: this guardian cannot get texts"))
    return GuardianRecord(
        name=name,
        relationship=fields.text(roster, where, "guardian_relationship",
                                 row.get("guardian_relationship"), 32, required=False) or None,
        phone_e164=e164, phone_raw=raw,
        language=fields.language(roster, where, "guardian_language",
                                 row.get("guardian_language"), default_language),
        phone_at=(*where, "guardian_phone"),
    )
