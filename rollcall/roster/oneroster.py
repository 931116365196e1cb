"""OneRoster 1.1 CSV sets (and 1.2, whose roles live in roles.csv): homerooms, students,
teachers and guardians."""

import fnmatch
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from rollcall.roster import fields
from rollcall.roster.data import (
    GuardianRecord,
    HomeroomRecord,
    Roster,
    StudentRecord,
    TeacherRecord,
)
from rollcall.roster.problems import RosterRejected
from rollcall.roster.reading import RosterSource, Row

REQUIRED = {
    "users.csv": ("sourcedId", "givenName", "familyName"),
    "classes.csv": ("sourcedId", "title"),
    "enrollments.csv": ("classSourcedId", "userSourcedId", "role"),
}
GUARDIAN_ROLES = {"parent", "guardian", "relative"}
# How the reader chooses what a message asks for: the command line's options by default; the
# web's check passes the names of its own fields.
CLI_OPTIONS = {"homerooms": "--homerooms period=1", "set_school": "--set-school NAME",
               "groups": "--homerooms title=PATTERN, course=CODE or classes=FILE"}
CJK = re.compile(r"[\u3400-\u9fff]")


class OneRosterSet:
    """The CSV files of one set, read and indexed."""

    def __init__(self, source: RosterSource, roster: Roster):
        self.roster = roster
        self.rows: dict[str, list[Row]] = {}
        self.deleted: dict[str, dict[str, Row]] = {}  # file → {sourcedId: row} tobedeleted
        for name in ("manifest.csv", "orgs.csv", "roles.csv", *REQUIRED):
            if name in source.files:
                try:
                    _header, rows = source.csv(name, REQUIRED.get(name, ()))
                except RosterRejected as rejected:
                    roster.errors.extend(rejected.problems)
                    continue
                self.rows[name] = [row for row in rows if row.get("status").lower()
                                   != "tobedeleted"]
                self.deleted[name] = {row.get("sourcedId"): row for row in rows
                                      if row.get("status").lower() == "tobedeleted"}
                if name in ("users.csv", "classes.csv"):  # a delta's "this one has left"
                    roster.leaving |= set(self.deleted[name])
                if name == "classes.csv":
                    school_column(rows)
            elif name in REQUIRED:
                roster.error(name, 0, "-", _l("the file is missing from the OneRoster set"))

    def manifest(self) -> dict[str, str]:
        return {row.get("propertyName"): row.get("value")
                for row in self.rows.get("manifest.csv", [])}


def school_column(rows: list[Row]) -> None:
    """School Data Sync's OneRoster-shaped classes.csv names the school orgSourcedId."""
    for row in rows:
        if "schoolSourcedId" not in row.values and "orgSourcedId" in row.values:
            row.values["schoolSourcedId"] = row.values["orgSourcedId"]


def split(cell: str) -> list[str]:
    """A multi-value cell ("a,b" in quotes) as a list."""
    return [part.strip() for part in cell.split(",") if part.strip()]


def person_name(row: Row) -> str:
    """Chinese names read family name first, without a space; others given name first."""
    given, family = row.get("givenName"), row.get("familyName")
    if CJK.search(given + family):
        return fields.person(f"{family}{given}")
    return fields.person(" ".join(part for part in (given, family) if part))


def school_names(source: RosterSource) -> list[str]:
    """The names of the schools a set's orgs.csv lists (none if it cannot be read)."""
    if "orgs.csv" not in source.files:
        return []
    try:
        _header, rows = source.csv("orgs.csv")
    except RosterRejected:
        return []
    return [row.get("name") for row in rows if row.get("type") == "school"
            and row.get("status").lower() != "tobedeleted" and row.get("name")]


CHOICE_KINDS = ("period", "title", "course", "classes")


def homeroom_choice(value: str) -> str | None:
    """`homeroom`, `period=P`, `title=PATTERN`, `course=CODE` or `classes=ID<newline>ID…`
    (classes chosen one by one); None when it is none."""
    value = (value or "homeroom").strip()
    kind, _equals, wanted = value.partition("=")
    if value == "homeroom" or (kind in CHOICE_KINDS and wanted.strip()):
        return value
    return None


def classes_choice(sourced_ids) -> str:
    """The choice of these classes, one by one."""
    return "classes=" + "\n".join(sorted({sid.strip() for sid in sourced_ids if sid.strip()}))


def choice_parts(homerooms: str) -> tuple[str, str]:
    kind, _equals, wanted = homerooms.partition("=")
    return kind, wanted.strip()


def parse_oneroster(source: RosterSource, region: str, default_language: str,
                    school_name: str | None = None, progress=None,
                    homerooms: str | None = None, options: dict | None = None,
                    saved_choice=None) -> Roster:
    """Read a OneRoster set; every problem found is collected with its file and line.

    The roll-call groups are `homerooms`, else what saved_choice(the set school's sourcedId)
    returns, else the homeroom classes; the roster keeps the choice and the source's id."""
    roster = Roster(source.name, "oneroster")
    files = OneRosterSet(source, roster)
    school = set_school(files, school_name)
    roster.source_id = school.source_id
    saved = saved_choice(school.source_id) if saved_choice and not homerooms else None
    roster.choice, roster.choice_saved = homerooms or saved or "homeroom", bool(saved)
    homerooms = roster.choice
    if roster.errors:
        return roster
    manifest = files.manifest()
    roster.full = "delta" not in (manifest.get("file.users"), manifest.get("file.enrollments"))
    empty = [name for name in REQUIRED if not files.rows[name] and not files.deleted[name]]
    if empty and (roster.full or len(empty) == len(REQUIRED)):  # a delta may change little
        roster.error(empty[0], 0, "-", _l(
            "%(files)s: the file(s) have a header row but no rows; export the set again with "
            "its data", files=", ".join(empty)))
        return roster
    users = _index_users(roster, files)
    roles = user_roles(files, users)
    options = options or CLI_OPTIONS
    school_ids = _school_scope(roster, school, school_name, options)
    _read_homerooms(roster, files, school_ids, homerooms)
    _warn_unknown_classes(roster, files, homerooms)
    if roster.full and not roster.homerooms and not roster.errors:
        _no_homerooms(roster, files, homerooms, options)
        return roster
    _skip_deleted(roster, files)
    members, teachers = _read_enrollments(roster, files, users, roles, homerooms)
    _warn_unplaced(roster, files, users, roles, school_ids, members)
    guardian_of = _agents(roster, users, roles)
    cache: dict[str, GuardianRecord] = {}
    for user_id, (homeroom_key, _line) in members.items():
        row = users[user_id]
        number = row.get("identifier") or row.get("username")
        where = ("users.csv", row.line)
        if not number:
            roster.error(*where, "identifier", _l("required: it is the student number"))
        student = StudentRecord(
            fields.student_number(roster, where, "identifier", number, required=False),
            fields.text(roster, where, "givenName", person_name(row), 64),
            homeroom_key, "users.csv", row.line, sourced_id=user_id)
        for agent_id in guardian_of.get(user_id, []):
            student.guardians.append(_guardian(roster, cache, users[agent_id], roles, region,
                                               default_language))
        if not student.guardians:
            roster.warn(*where, "agentSourcedIds",
                        _l("no guardian: nobody will get texts about this student"))
        roster.students.append(student)
        if progress:
            progress(1)
    roster.teachers = [_teacher(roster, users[t], keys) for t, keys in teachers.items()]
    roster.teachers_complete = roster.full
    roster.teachers_leaving = _teachers_leaving(roster, files, users, roles)
    _check_duplicate_numbers(roster)
    if roster.full and not roster.students and not roster.errors:
        roster.error("enrollments.csv", 0, "-", _l(
            "no student is enrolled in any of the %(count)d roll-call classes: nothing to "
            "import", count=len(roster.homerooms)))
    return roster


def _unknown_schools(roster, files) -> bool:
    """True (with the error) when classes belong to a school that orgs.csv does not list."""
    orgs = {row.get("sourcedId") for row in files.rows.get("orgs.csv", [])}
    if not orgs:
        return False
    unknown: dict[str, int] = {}
    for row in files.rows["classes.csv"]:
        if row.get("schoolSourcedId") not in orgs:
            unknown[row.get("schoolSourcedId")] = unknown.get(row.get("schoolSourcedId"), 0) + 1
    if unknown:
        roster.error("classes.csv", 0, "schoolSourcedId", _l(
            "%(count)d class(es) belong to a school that orgs.csv does not list (%(ids)s): "
            "export the set again with its orgs.csv complete",
            count=sum(unknown.values()), ids=", ".join(sorted(unknown))))
    return bool(unknown)


def _no_homerooms(roster, files, homerooms: str, options: dict) -> None:
    """Why no class became a roll-call group, and what to choose instead."""
    if _unknown_schools(roster, files):
        return
    kinds: dict[str, int] = {}
    for row in files.rows["classes.csv"]:
        kind = row.get("classType").lower() or "without classType"
        kinds[kind] = kinds.get(kind, 0) + 1
    total = sum(kinds.values())
    found = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    rows = files.rows["classes.csv"]
    titles = sorted({row.get("title") for row in rows if row.get("title")})
    titled = ", ".join(titles[:8]) + (", …" if len(titles) > 8 else "")
    kind, wanted = choice_parts(homerooms)
    periods = any(row.get("periods") for row in rows)
    if homerooms == "homeroom" and not periods:
        roster.group_error("classes.csv", 0, "classType", _l(
            "none of the %(total)d classes is a homeroom (classType=homeroom): %(found)s, and "
            "classes.csv gives no periods; choose the roll-call groups by title, by course or "
            "class by class (%(how)s); its classes are titled: %(titles)s", total=total,
            found=found or "0", how=options["groups"], titles=titled or "-"))
    elif homerooms == "homeroom":
        roster.group_error("classes.csv", 0, "classType", _l(
            "none of the %(total)d classes is a homeroom (classType=homeroom): %(found)s; "
            "choose which classes are the roll-call groups, e.g. the classes of the first "
            "period (%(how)s)", total=total, found=found or "0", how=options["homerooms"]))
    elif kind == "title":
        roster.group_error("classes.csv", 0, "title", _l(
            "no class title matches %(pattern)s; the classes are titled: %(titles)s",
            pattern=wanted, titles=titled or "-"))
    elif kind == "classes":
        roster.group_error("classes.csv", 0, "sourcedId", _l(
            "none of the %(count)d classes chosen is in classes.csv; its classes are titled: "
            "%(titles)s", count=len(wanted.split("\n")), titles=titled or "-"))
    elif kind == "course":
        courses = sorted({row.get("courseSourcedId") for row in rows
                          if row.get("courseSourcedId")})
        roster.group_error("classes.csv", 0, "courseSourcedId", _l(
            "no class belongs to the course %(code)s; the classes' courses are: %(courses)s",
            code=wanted, courses=", ".join(courses) or "-"))
    elif not periods:
        roster.group_error("classes.csv", 0, "periods", _l(
            "classes.csv gives no periods, so no class can be chosen by period; its classes "
            "are titled: %(titles)s", titles=titled or "-"))
    else:
        roster.group_error("classes.csv", 0, "periods", _l(
            "none of the %(total)d classes is a scheduled class meeting in period "
            "%(period)s (%(found)s): choose another period", total=total,
            period=homerooms[7:], found=found or "0"))


def _warn_unknown_classes(roster, files, homerooms: str) -> None:
    """Classes chosen one by one that the set no longer has (or never had: a typo)."""
    kind, wanted = choice_parts(homerooms)
    if kind != "classes":
        return
    known = {row.get("sourcedId") for row in files.rows["classes.csv"]}
    unknown = [sourced_id for sourced_id in wanted.split("\n") if sourced_id not in known]
    if unknown and len(unknown) < len(wanted.split("\n")):  # none known: an error says so
        roster.warn("classes.csv", 0, "sourcedId", _l(
            "%(count)d of the classes chosen are not in classes.csv: %(ids)s",
            count=len(unknown), ids=", ".join(unknown)))


def _skip_deleted(roster, files) -> None:
    """A class or user marked tobedeleted is left out with its enrollments, with a warning."""
    for name, label in (("classes.csv", "classSourcedId"), ("users.csv", "userSourcedId")):
        deleted = files.deleted.get(name, {})
        if not deleted:
            continue
        skipped = [row for row in files.rows["enrollments.csv"] if row.get(label) in deleted]
        files.rows["enrollments.csv"] = [row for row in files.rows["enrollments.csv"]
                                         if row.get(label) not in deleted]
        for sourced_id, row in deleted.items():
            count = sum(1 for enrollment in skipped if enrollment.get(label) == sourced_id)
            title = row.get("title") or person_name(row) or sourced_id
            roster.warn(name, row.line, "status", _l(
                "%(title)s (%(id)s) is marked tobedeleted: skipped, with its %(count)d "
                "enrollment(s)", title=title, id=sourced_id, count=count))


def _index_users(roster, files) -> dict[str, Row]:
    users: dict[str, Row] = {}
    for row in files.rows["users.csv"]:
        sourced_id = row.get("sourcedId")
        if not sourced_id:
            roster.error("users.csv", row.line, "sourcedId", _l("required, but blank"))
        elif sourced_id in users:
            roster.error("users.csv", row.line, "sourcedId", _l(
                "duplicate sourcedId %(id)s (first at line %(line)d)",
                id=sourced_id, line=users[sourced_id].line))
        else:
            users[sourced_id] = row
    return users


def user_roles(files, users) -> dict[str, str]:
    """Each user's role: users.csv `role` (1.1), else the primary role in roles.csv (1.2)."""
    roles = {sid: row.get("role").lower() for sid, row in users.items() if row.get("role")}
    for row in sorted(files.rows.get("roles.csv", []),
                      key=lambda r: r.get("roleType").lower() == "primary"):
        roles[row.get("userSourcedId")] = row.get("role").lower()
    return roles


@dataclass
class SetSchool:
    """The school of a set that is imported."""

    schools: list[Row]  # the set's orgs of type school
    scope: set[str] | None  # the org ids whose classes count; None: every class
    source_id: str | None  # its sourcedId, which names the source: its choice is saved under it


def set_school(files, school_name: str | None) -> SetSchool:
    """The one school of the set, or the one named like the school (none: no class counts);
    without orgs, the one school its classes name."""
    schools = [row for row in files.rows.get("orgs.csv", []) if row.get("type") == "school"]
    if len(schools) > 1:
        named = [row for row in schools if row.get("name") == school_name]
        return SetSchool(schools, {row.get("sourcedId") for row in named},
                         named[0].get("sourcedId") if named else None)
    if schools:
        return SetSchool(schools, None, schools[0].get("sourcedId"))
    in_classes = {row.get("schoolSourcedId") for row in files.rows.get("classes.csv", [])}
    return SetSchool(schools, None, (in_classes.pop() if len(in_classes) == 1 else None) or None)


def _school_scope(roster, school: SetSchool, school_name, options) -> set[str] | None:
    """The org ids whose classes to import: all, or the one named like the school."""
    if school.scope is None:
        if school.schools:
            roster.school_name = school.schools[0].get("name")
        return None
    if not school.scope:
        roster.error("orgs.csv", 0, "name", _l(
            "the set holds %(count)d schools (%(names)s) and none is named %(name)s: choose "
            "the one to import (%(how)s)", count=len(school.schools), name=school_name or "-",
            how=options["set_school"],
            names=", ".join(row.get("name") for row in school.schools)))
        return school.scope
    roster.school_name = school_name
    return school.scope


def enrollment_role(row: Row, roles: dict[str, str]) -> str:
    """An enrollment's role: its own column, else its user's (1.2 sets leave it to roles.csv)."""
    return row.get("role").lower() or roles.get(row.get("userSourcedId"), "")


def school_students(files, users, roles, class_ids: set[str]) -> dict[str, list[str]]:
    """Each student enrolled in these classes → those classes, in the file's order; users
    unknown or marked tobedeleted are left out. A student none of whose classes is a
    roll-call group is in no group: the groups page and the import's warning both ask here."""
    deleted = files.deleted.get("users.csv", {})
    found: dict[str, list[str]] = {}
    for row in files.rows["enrollments.csv"]:
        user_id, class_id = row.get("userSourcedId"), row.get("classSourcedId")
        if (class_id in class_ids and user_id in users and user_id not in deleted
                and enrollment_role(row, roles) == "student"):
            classes = found.setdefault(user_id, [])
            if class_id not in classes:
                classes.append(class_id)
    return found


def is_roll_call_class(row: Row, homerooms: str) -> bool:
    """classType=homeroom; with `period=P` a scheduled class meeting in period P; with
    `title=PATTERN` a class whose title matches the shell-style pattern (any case); with
    `course=CODE` a class of that course (courseSourcedId); with `classes=…` one of the
    classes listed."""
    class_type = row.get("classType").lower()
    if homerooms == "homeroom":
        return class_type == "homeroom"
    kind, wanted = choice_parts(homerooms)
    if kind == "title":
        return fnmatch.fnmatchcase(row.get("title").lower(), wanted.lower())
    if kind == "course":
        return row.get("courseSourcedId").lower() == wanted.lower()
    if kind == "classes":
        return row.get("sourcedId") in wanted.split("\n")
    return class_type == "scheduled" and wanted in split(row.get("periods"))


def _read_homerooms(roster, files, school_ids, homerooms="homeroom") -> None:
    titles: dict[str, int] = {}
    for row in files.rows["classes.csv"]:
        if not is_roll_call_class(row, homerooms):
            continue
        if school_ids is not None and row.get("schoolSourcedId") not in school_ids:
            continue
        where = ("classes.csv", row.line)
        title = fields.text(roster, where, "title", row.get("title"), 64)
        if title in titles:
            roster.error(*where, "title", _l("another homeroom has this title (line %(line)d)",
                                             line=titles[title]))
        titles[title] = row.line
        grades = split(row.get("grades"))
        grade = int(grades[0]) if grades and grades[0].isdigit() else None
        grade = grade if grade is not None and 1 <= grade <= 12 else None
        roster.homerooms[row.get("sourcedId")] = HomeroomRecord(
            row.get("sourcedId"), title, grade, sourced_id=row.get("sourcedId"))


def _read_enrollments(roster, files, users, roles, homerooms="homeroom"):
    """Students and teachers of the roll-call classes; of a period's class, the teacher
    enrolled as primary (all of them when none is)."""
    all_classes = {row.get("sourcedId") for row in files.rows["classes.csv"]}
    members: dict[str, tuple[str, int]] = {}
    teachers: dict[str, list[str]] = {}
    staff: list[tuple[str, str, bool]] = []
    primary: dict[str, bool] = {}
    for row in files.rows["enrollments.csv"]:
        where = ("enrollments.csv", row.line)
        class_id, user_id = row.get("classSourcedId"), row.get("userSourcedId")
        if class_id not in all_classes:
            roster.error(*where, "classSourcedId", _l(
                "unknown homeroom reference: no class %(id)r in classes.csv", id=class_id))
            continue
        if class_id not in roster.homerooms:
            continue
        if user_id not in users:
            roster.error(*where, "userSourcedId", _l("no user %(id)r in users.csv", id=user_id))
            continue
        role = enrollment_role(row, roles)
        if role == "student":
            if user_id in members and members[user_id][0] != class_id:
                roster.group_error(*where, "classSourcedId", _l(
                    "%(student)s is in two roll-call classes: %(first)s (line %(line)d) and "
                    "%(second)s", student=student_label(users[user_id]),
                    first=roster.homerooms[members[user_id][0]].name,
                    line=members[user_id][1], second=roster.homerooms[class_id].name))
            members.setdefault(user_id, (class_id, row.line))
        elif role in ("teacher", "aide"):
            primary[class_id] = primary.get(class_id, False) or \
                row.get("primary").lower() == "true"
            staff.append((user_id, class_id, row.get("primary").lower() == "true"))
    for user_id, class_id, is_primary in staff:
        if not homerooms.startswith("period=") or is_primary or not primary.get(class_id):
            teachers.setdefault(user_id, []).append(class_id)
    return members, teachers


def _warn_unplaced(roster, files, users, roles, school_ids, members) -> None:
    """One warning naming the students of the set's classes that no roll-call group holds:
    they are not imported (and a full import deactivates them)."""
    in_scope = {row.get("sourcedId") for row in files.rows["classes.csv"]
                if school_ids is None or row.get("schoolSourcedId") in school_ids}
    unplaced = {user_id: student_label(users[user_id]) for user_id
                in school_students(files, users, roles, in_scope) if user_id not in members}
    if unplaced:
        names = list(unplaced.values())
        roster.warn("enrollments.csv", 0, "classSourcedId", _l(
            "%(count)d student(s) are in none of the roll-call groups, so they are not "
            "imported: %(names)s", count=len(names),
            names=", ".join(names[:10]) + (", …" if len(names) > 10 else "")))


def student_label(row: Row) -> str:
    """A student as a message names them: name (student number)."""
    number = row.get("identifier") or row.get("username") or row.get("sourcedId")
    return f"{person_name(row)} ({number})"


def _agents(roster, users, roles) -> dict[str, list[str]]:
    """Student id → guardian ids, linked through agentSourcedIds in either direction."""
    links: dict[str, list[str]] = {}
    for sid, row in users.items():
        for agent in split(row.get("agentSourcedIds")):
            if agent not in users:
                roster.error("users.csv", row.line, "agentSourcedIds", _l(
                    "missing agent: no user %(id)r in users.csv", id=agent))
                continue
            student, guardian = (sid, agent) if roles.get(sid) == "student" else (agent, sid)
            if roles.get(guardian) in GUARDIAN_ROLES and roles.get(student) == "student":
                ordered = links.setdefault(student, [])
                if guardian not in ordered:
                    ordered.append(guardian)
    return links


def _guardian(roster, cache, row, roles, region, default_language) -> GuardianRecord:
    sourced_id = row.get("sourcedId")
    if sourced_id not in cache:
        where = ("users.csv", row.line)
        column = "sms" if row.get("sms") else "phone"
        e164, raw = fields.phone(roster, where, column, row.get(column), region)
        if not row.get(column):
            roster.warn(*where, "sms", _l("no phone: this guardian cannot get texts"))
        cache[sourced_id] = GuardianRecord(
            fields.text(roster, where, "givenName", person_name(row), 64),
            roles.get(sourced_id), e164, raw, default_language, sourced_id, (*where, column))
    return cache[sourced_id]


def _teacher(roster, row, keys) -> TeacherRecord:
    where = ("users.csv", row.line)
    username = fields.text(roster, where, "username", teacher_username(row), 64)
    return TeacherRecord(username, person_name(row)[:64] or username, keys, *where)


def teacher_username(row: Row) -> str:
    """The Rollcall account a teacher's users.csv row is: its username, else its sourcedId."""
    return row.get("username") or row.get("sourcedId")


def _teachers_leaving(roster, files, users, roles) -> list[tuple[str, str]]:
    """A delta's teacher enrollments marked tobedeleted, as (username, class sourcedId): the
    teacher no longer takes the class; a teacher marked tobedeleted, as (username, None):
    they take none. A teacher the delta's users.csv does not list cannot
    be named as an account: that link stays, with a warning. (In a full set the teachers
    named are all of them: teachers_complete.)"""
    if roster.full:
        return []
    leaving = []
    deleted_users = files.deleted.get("users.csv", {})
    for row in files.deleted.get("enrollments.csv", {}).values():
        if enrollment_role(row, roles) not in ("teacher", "aide"):
            continue
        user_id = row.get("userSourcedId")
        user = users.get(user_id) or deleted_users.get(user_id)
        if user is None:
            roster.warn("enrollments.csv", row.line, "userSourcedId", _l(
                "the teacher %(id)s leaves a class, but users.csv does not list them, so their "
                "account is not known: they stay linked to the class until a full export",
                id=user_id))
            continue
        leaving.append((teacher_username(user), row.get("classSourcedId")))
    for row in deleted_users.values():  # a teacher who left: every class of theirs
        if row.get("role").lower() in ("teacher", "aide") or \
                roles.get(row.get("sourcedId")) in ("teacher", "aide"):
            leaving.append((teacher_username(row), None))
    return leaving


def _check_duplicate_numbers(roster) -> None:
    seen: dict[str, int] = {}
    for student in roster.students:
        if student.student_number in seen:
            roster.error(student.file, student.line, "identifier", _l(
                "duplicate student number %(number)s (also at line %(line)d)",
                number=student.student_number, line=seen[student.student_number]))
        seen.setdefault(student.student_number, student.line)
