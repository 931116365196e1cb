"""OneRoster 1.1 CSV sets (and 1.2, whose roles live in roles.csv): homerooms, students,
teachers and guardians."""

import re

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
from rollcall.roster.reading import RosterSource, Row, decode, read_csv

REQUIRED = {
    "users.csv": ("sourcedId", "givenName", "familyName"),
    "classes.csv": ("sourcedId", "title", "classType"),
    "enrollments.csv": ("classSourcedId", "userSourcedId", "role"),
}
GUARDIAN_ROLES = {"parent", "guardian", "relative"}
CJK = re.compile(r"[\u3400-\u9fff]")


class OneRosterSet:
    """The CSV files of one set, read and indexed."""

    def __init__(self, source: RosterSource, roster: Roster):
        self.roster = roster
        self.rows: dict[str, list[Row]] = {}
        for name in ("manifest.csv", "orgs.csv", "roles.csv", *REQUIRED):
            if name in source.files:
                try:
                    _header, rows = read_csv(name, decode(name, source.files[name]),
                                             REQUIRED.get(name, ()))
                except RosterRejected as rejected:
                    roster.errors.extend(rejected.problems)
                    continue
                self.rows[name] = [row for row in rows if row.get("status").lower()
                                   != "tobedeleted"]
                if name in ("users.csv", "classes.csv"):  # a delta's "this one has left"
                    roster.leaving |= {row.get("sourcedId") for row in rows
                                       if row.get("status").lower() == "tobedeleted"}
            elif name in REQUIRED:
                roster.error(name, 0, "-", _l("the file is missing from the OneRoster set"))

    def manifest(self) -> dict[str, str]:
        return {row.get("propertyName"): row.get("value")
                for row in self.rows.get("manifest.csv", [])}


def split(cell: str) -> list[str]:
    """A multi-value cell ("a,b" in quotes) as a list."""
    return [part.strip() for part in cell.split(",") if part.strip()]


def person_name(row: Row) -> str:
    """Chinese names read family name first, without a space; others given name first."""
    given, family = row.get("givenName"), row.get("familyName")
    if CJK.search(given + family):
        return f"{family}{given}"
    return " ".join(part for part in (given, family) if part)


def parse_oneroster(source: RosterSource, region: str, default_language: str,
                    school_name: str | None = None, progress=None) -> Roster:
    """Read a OneRoster set; every problem found is collected with its file and line."""
    roster = Roster(source.name, "oneroster")
    files = OneRosterSet(source, roster)
    if roster.errors:
        return roster
    manifest = files.manifest()
    roster.full = "delta" not in (manifest.get("file.users"), manifest.get("file.enrollments"))
    users = _index_users(roster, files)
    roles = _roles(files, users)
    school_ids = _school_scope(roster, files, school_name)
    _read_homerooms(roster, files, school_ids)
    members, teachers = _read_enrollments(roster, files, users, roles)
    guardian_of = _agents(roster, users, roles)
    cache: dict[str, GuardianRecord] = {}
    for user_id, (homeroom_key, _line) in members.items():
        row = users[user_id]
        number = row.get("identifier") or row.get("username")
        where = ("users.csv", row.line)
        if not number:
            roster.error(*where, "identifier", _l("required: it is the student number"))
        student = StudentRecord(
            fields.text(roster, where, "identifier", number, 32, required=False),
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
    _check_duplicate_numbers(roster)
    return roster


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


def _roles(files, users) -> dict[str, str]:
    """Each user's role: users.csv `role` (1.1), else the primary role in roles.csv (1.2)."""
    roles = {sid: row.get("role").lower() for sid, row in users.items() if row.get("role")}
    for row in sorted(files.rows.get("roles.csv", []),
                      key=lambda r: r.get("roleType").lower() == "primary"):
        roles[row.get("userSourcedId")] = row.get("role").lower()
    return roles


def _school_scope(roster, files, school_name) -> set[str] | None:
    """The org ids whose classes to import: all, or the one named like the school."""
    schools = [row for row in files.rows.get("orgs.csv", []) if row.get("type") == "school"]
    if len(schools) <= 1:
        if schools:
            roster.school_name = schools[0].get("name")
        return None
    named = [row for row in schools if row.get("name") == school_name]
    if not named:
        roster.error("orgs.csv", 0, "name", _l(
            "the set holds several schools and none is named %(name)r; name one with --school",
            name=school_name or ""))
        return set()
    roster.school_name = school_name
    return {row.get("sourcedId") for row in named}


def _read_homerooms(roster, files, school_ids) -> None:
    titles: dict[str, int] = {}
    for row in files.rows["classes.csv"]:
        if row.get("classType").lower() != "homeroom":
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
        roster.homerooms[row.get("sourcedId")] = HomeroomRecord(
            row.get("sourcedId"), title, grade, sourced_id=row.get("sourcedId"))


def _read_enrollments(roster, files, users, roles):
    all_classes = {row.get("sourcedId") for row in files.rows["classes.csv"]}
    members: dict[str, tuple[str, int]] = {}
    teachers: dict[str, list[str]] = {}
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
        role = row.get("role").lower() or roles.get(user_id, "")
        if role == "student":
            if user_id in members and members[user_id][0] != class_id:
                roster.error(*where, "classSourcedId", _l(
                    "the student is already in another homeroom (line %(line)d)",
                    line=members[user_id][1]))
            members.setdefault(user_id, (class_id, row.line))
        elif role in ("teacher", "aide"):
            teachers.setdefault(user_id, []).append(class_id)
    return members, teachers


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
    username = fields.text(roster, where, "username",
                           row.get("username") or row.get("sourcedId"), 64)
    return TeacherRecord(username, person_name(row)[:64] or username, keys, *where)


def _check_duplicate_numbers(roster) -> None:
    seen: dict[str, int] = {}
    for student in roster.students:
        if student.student_number in seen:
            roster.error(student.file, student.line, "identifier", _l(
                "duplicate student number %(number)s (also at line %(line)d)",
                number=student.student_number, line=seen[student.student_number]))
        seen.setdefault(student.student_number, student.line)
