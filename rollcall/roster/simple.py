"""The simple roster: one row per student and guardian, or one row per student with several
guardians side by side (guardian2_*, or the national registry's 成员N… columns); as CSV or
.xlsx, with English or Chinese column names (documented at /admin/import/format)."""

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from rollcall.roster import fields
from rollcall.roster.data import GuardianRecord, HomeroomRecord, Roster, StudentRecord
from rollcall.roster.reading import (
    MAX_TITLE_ROWS,
    RosterSource,
    csv_lines,
    decode,
    tab_separated,
    table_rows,
)

COLUMNS = ("homeroom", "grade", "student_number", "student_name", "seat", "guardian_name",
           "guardian_relationship", "guardian_phone", "guardian_language")
REQUIRED = ("homeroom", "student_number", "student_name")
CHINESE_NAMES = {
    "homeroom": ("班级", "班号", "学生班级", "所在班级", "班级名称", "班别"),
    "grade": ("年级",),
    "student_number": ("学号", "学籍号", "学籍辅号"),
    "student_name": ("姓名", "学生姓名"),
    "seat": ("座号", "班内学号"),
    "guardian_name": ("家长姓名", "监护人姓名", "家长", "监护人"),
    "guardian_relationship": ("关系", "与学生关系", "亲属关系"),
    "guardian_phone": ("联系电话", "家长电话", "手机号", "家长手机号", "监护人手机号", "电话",
                       "家长联系电话", "家长手机", "家长手机号码", "监护人电话", "监护人联系电话",
                       "联系方式"),
    "guardian_language": ("语言",),
}
PHONE_WORDS = ("电话", "手机", "phone")  # an ignored column named so would lose every number
ALIASES = {alias: column for column, names in CHINESE_NAMES.items() for alias in names}
LABELS = {
    "homeroom": _l("Homeroom"), "grade": _l("Grade"), "student_number": _l("Student number"),
    "student_name": _l("Student name"), "seat": _l("Seat"),
    "guardian_name": _l("Guardian's name"), "guardian_relationship": _l("Relationship"),
    "guardian_phone": _l("Guardian's phone"), "guardian_language": _l("Language"),
}
WIDE = re.compile(r"^guardian(\d)_(name|relationship|phone|language)$")
MEMBER = re.compile(r"^成员(\d+)(姓名|关系|联系电话|是否监护人)$")
NAMED_GUARDIAN = re.compile(r"^监护人\((.+)\)$")
MEMBER_PARTS = {"姓名": "name", "关系": "relationship", "联系电话": "phone",
                "是否监护人": "is_guardian"}
NO = {"否", "不是", "no", "n", "false", "0"}


def header_name(cell: str) -> str:
    """A header cell as a column id: English ids in any case, or a Chinese name."""
    text = unicodedata.normalize("NFKC", cell).strip().replace(" ", "")
    lowered = text.lower()
    return ALIASES.get(text, lowered if lowered in COLUMNS or WIDE.match(lowered) else text)


@dataclass
class GuardianColumns:
    """Where one guardian's cells are in a row; `needs_phone` members without one are skipped."""

    name: str | None  # None: the file has no name column for this phone
    relationship: str | None = None
    phone: str | None = None
    language: str | None = None
    is_guardian: str | None = None
    fixed_relationship: str | None = None
    needs_phone: bool = False
    family_phone: bool = False  # a phone without a name column: the family's contact number


def guardian_columns(header: list[str]) -> list[GuardianColumns]:
    """Each guardian the header has room for, in column order."""
    found = _single_guardian(header)
    wide: dict[str, dict[str, str]] = {}
    members: dict[str, dict[str, str]] = {}
    for column in header:
        if match := WIDE.match(column):
            wide.setdefault(match[1], {})[match[2]] = column
        elif match := MEMBER.match(column):
            members.setdefault(match[1], {})[MEMBER_PARTS[match[2]]] = column
        elif (match := NAMED_GUARDIAN.match(column)) and f"{column}电话" in header:
            found.append((header.index(column), GuardianColumns(
                column, phone=f"{column}电话", fixed_relationship=match[1], needs_phone=True)))
    for parts in wide.values():
        if "name" in parts:
            found.append((header.index(parts["name"]), GuardianColumns(
                parts["name"], parts.get("relationship"), parts.get("phone"),
                parts.get("language"))))
    for parts in members.values():
        if "name" in parts:
            found.append((header.index(parts["name"]), GuardianColumns(
                parts["name"], parts.get("relationship"), parts.get("phone"),
                is_guardian=parts.get("is_guardian"), needs_phone=True)))
    return [columns for _index, columns in sorted(found, key=lambda item: item[0])]


def _single_guardian(header: list[str]) -> list[tuple[int, GuardianColumns]]:
    """The guardian_* columns; a phone without a name column (联系电话 alone, or beside the
    registry's 成员N columns) is the family's number, read after the members."""
    if "guardian_name" in header:
        return [(header.index("guardian_name"), GuardianColumns(
            "guardian_name", "guardian_relationship", "guardian_phone", "guardian_language"))]
    if "guardian_phone" in header:
        return [(len(header), GuardianColumns(
            None, "guardian_relationship", "guardian_phone", "guardian_language",
            family_phone=True))]
    return []


def source_lines(source: RosterSource) -> tuple[str, list[tuple[int, list[str]]]]:
    """The rows of the one file of a simple roster, from CSV text or an .xlsx sheet."""
    (name, data), = source.files.items()
    if source.kind == "xlsx":
        from rollcall.roster.workbook import sheet_lines
        return name, sheet_lines(name, data, source.sheet)
    text = decode(name, data, allow_gb18030=True)
    lines = csv_lines(name, text, one_line_rows=True,
                      delimiter="\t" if tab_separated(text) else ",")
    return name, [(line, [formula_text(cell) for cell in cells]) for line, cells in lines]


EXCEL_TEXT = re.compile(r'^\s*="((?:[^"]|"")*)"\s*$')


def formula_text(cell: str) -> str:
    """="0901001" is how a system's CSV keeps Excel from reading a number: the text inside."""
    match = EXCEL_TEXT.match(cell) if "=" in cell else None
    return match[1].replace('""', '"') if match else cell


def describe(column: str) -> str:
    """A column id as a message names it: with its Chinese name, when it has one."""
    return f"{column} ({CHINESE_NAMES[column][0]})" if column in CHINESE_NAMES else column


def parse_simple(source: RosterSource, region: str, default_language: str,
                 progress=None) -> Roster:
    """Read and check every row; all problems are collected, none stops the reading."""
    name, lines = source_lines(source)
    header, rows = table_rows(name, lines, REQUIRED, header_name, title_rows=MAX_TITLE_ROWS,
                              describe=describe)
    header_line = rows[0].line - 1 if rows else lines[-1][0]
    roster = Roster(source.name, "simple")
    groups = guardian_columns(header)
    used = set(COLUMNS) | {getattr(group, part) for group in groups for part in
                           ("name", "relationship", "phone", "language", "is_guardian")}
    extra = [column for column in header if column and column not in used]
    phones = [column for column in extra if any(word in column.lower() for word in PHONE_WORDS)]
    for column in phones:
        roster.error(name, header_line, "header", _l(
            "the column %(column)s looks like phone numbers, but Rollcall does not read it: "
            "name the guardians' phone column 联系电话 (or guardian_phone), or delete this "
            "column if it is not a guardian's phone", column=column))
    extra = [column for column in extra if column not in phones]
    if extra:
        roster.warn(name, header_line, "header", _l("ignored column(s): %(columns)s",
                                                    columns=", ".join(extra)))
    if not rows:
        roster.error(name, header_line + 1, "-", _l("the file lists no students"))
    students: dict[str, StudentRecord] = {}
    above = ""  # the class the rows above name: blank rows under it were a merged cell
    for row in rows:
        _read_row(roster, students, groups, name, row, region, default_language, above)
        above = row.get("homeroom") or above
        if progress:
            progress(1)
    roster.students = list(students.values())
    if source.kind == "xlsx" and source.sheet is None:
        _refuse_other_roster_sheets(roster, name, source.files[name], set(students))
    fields.lost_zeros(roster, roster.students)
    for student in roster.students:
        if not student.guardians:
            roster.warn(student.file, student.line, "guardian_name",
                        _l("no guardian: nobody will get texts about this student"))
    return roster


def _refuse_other_roster_sheets(roster, name: str, data: bytes, numbers: set[str]) -> None:
    """A workbook with a sheet per class: only the first sheet would be read, and a full
    import would leave the other classes out (or deactivate them). A sheet whose students
    are all on the first sheet too (a whole-school first sheet, then a sheet per class) loses
    nothing. numbers: the first sheet's student numbers."""
    from rollcall.roster.workbook import other_sheets

    found = [title for title, rows in other_sheets(data).items()
             if _sheet_numbers(rows) - numbers]
    if found:
        roster.error(name, 0, "-", _l(
            "only the workbook's first sheet is read, and these other sheets have a roster "
            "too: %(sheets)s; put every class on the first sheet, one header row above them "
            "all, then upload it again", sheets=", ".join(found)))


def _sheet_numbers(rows: list[list[str]]) -> set[str]:
    """The student numbers a sheet lists under a roster's header (none without one), spelled
    as the first sheet's are read (fields.student_number; what it would say of them is not
    this import's)."""
    for at, row in enumerate(rows[:MAX_TITLE_ROWS + 1]):
        columns = [header_name(cell.strip()) for cell in row]
        if all(column in columns for column in REQUIRED):
            index = columns.index("student_number")
            aside = Roster("", "simple")
            numbers = (fields.student_number(aside, ("", line), "student_number", row[index],
                                             required=False)
                       for line, row in enumerate(rows[at + 1:]) if len(row) > index)
            return {number for number in numbers if number}
    return set()


def _read_row(roster, students, groups, name, row, region, default_language, above) -> None:
    where = (name, row.line)
    number = fields.student_number(roster, where, "student_number", row.get("student_number"))
    student_name = fields.text(roster, where, "student_name",
                               fields.person(row.get("student_name")), 64)
    homeroom = _homeroom(roster, where, row, above)
    grade = fields.grade(roster, where, "grade", row.get("grade"))
    seat = fields.seat(roster, where, "seat", row.get("seat"))
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
    guardians = []
    for columns in groups:
        if columns.family_phone:
            guardians = _family_phone(roster, where, row, groups, guardians, columns, region,
                                      default_language)
            continue
        guardian = _read_guardian(roster, where, row, columns, region, default_language)
        if guardian:
            guardians.append(guardian)
    for guardian in guardians:
        if student:
            if any(g.name == guardian.name for g in student.guardians):
                roster.error(*where, guardian.name_column, _l("this guardian is listed twice"))
            student.guardians.append(guardian)


def _homeroom(roster, where, row, above: str) -> str:
    """The row's class as one spelling (fields.key); blank under a class is a merged cell."""
    if not row.get("homeroom") and above:
        roster.error(*where, "homeroom", _l(
            "blank under %(homeroom)s: a merged cell (合并单元格) saved as CSV keeps its text "
            "on its first row only; unmerge the class column and fill every row (or upload "
            "the .xlsx itself)", homeroom=above))
        return ""
    return fields.text(roster, where, "homeroom", fields.key(row.get("homeroom")), 64)


def _note_homeroom(roster, where, name, grade) -> None:
    known = roster.homerooms.get(name)
    if known is None:
        roster.homerooms[name] = HomeroomRecord(name, name, grade)
    elif grade is not None and known.grade not in (None, grade):
        roster.error(*where, "grade", _l("%(homeroom)s has grade %(grade)d on an earlier line",
                                         homeroom=name, grade=known.grade))


def _family_phone(roster, where, row, groups, guardians, columns, region, default_language):
    """The guardians with a family's contact number (联系电话 without a name column): the
    member with the same number has it already; with no member phone it is 成员1's; else
    (and in a list with no names at all) a guardian whose name is not known yet."""
    guardian = _read_guardian(roster, where, row, columns, region, default_language)
    if guardian is None or guardian.phone_e164 is None:
        return guardians
    if any(known.phone_e164 == guardian.phone_e164 for known in guardians):
        return guardians
    first = next((group for group in groups if group.needs_phone
                  and MEMBER.match(group.name)), None)
    if first is not None and not guardians and row.get(first.name):
        member = _read_guardian(roster, where, row, GuardianColumns(
            first.name, first.relationship, columns.phone, is_guardian=first.is_guardian),
            region, default_language)
        return [member] if member else guardians
    return [*guardians, guardian]


def _read_guardian(roster, where, row, columns: GuardianColumns, region, default_language):
    raw_phone = row.get(columns.phone) if columns.phone else ""
    if columns.needs_phone and not raw_phone:
        return None  # a family member the registry lists without a phone is not a contact
    if columns.name is None:  # no name column: the number is the family's, name not known yet
        if not raw_phone:
            return None
        name = ""
    else:
        name = fields.text(roster, where, columns.name, fields.person(row.get(columns.name)),
                           64, required=False)
        if not name:
            if raw_phone:
                roster.error(*where, columns.name, _l("required when a phone is given"))
            return None
    e164, raw = fields.phone(roster, where, columns.phone or "guardian_phone", raw_phone,
                             region)
    if not raw_phone:
        roster.warn(*where, columns.phone or "guardian_phone",
                    _l("no phone: this guardian cannot get texts"))
    relationship = columns.fixed_relationship or (
        row.get(columns.relationship) if columns.relationship else "")
    return GuardianRecord(
        name=name,
        relationship=fields.text(roster, where, columns.relationship or columns.phone,
                                 relationship, 32, required=False) or None,
        phone_e164=e164, phone_raw=raw,
        language=fields.language(roster, where, columns.language or "guardian_language",
                                 row.get(columns.language) if columns.language else "",
                                 default_language),
        phone_at=(*where, columns.phone or "guardian_phone"),
        name_column=columns.name or columns.phone,
        absence_texts=not (columns.is_guardian
                           and row.get(columns.is_guardian).lower() in NO),
    )

