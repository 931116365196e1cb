"""The roll-call groups of a OneRoster set: its classes to choose from, who a choice leaves
out or puts in two groups, and the choice saved per school and source for the next import."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from rollcall.extensions import db
from rollcall.models import School
from rollcall.roster.data import Roster
from rollcall.roster.models import RosterGroupChoice
from rollcall.roster.oneroster import (
    OneRosterSet,
    choice_parts,
    enrollment_role,
    is_roll_call_class,
    person_name,
    school_students,
    set_school,
    split,
    student_label,
    user_roles,
)
from rollcall.roster.reading import RosterSource, Row


@dataclass
class SetClass:
    """One class of the set as the groups page shows it."""

    row: Row
    teachers: list[str] = field(default_factory=list)
    students: list[str] = field(default_factory=list)  # user sourcedIds

    @property
    def sourced_id(self) -> str:
        return self.row.get("sourcedId")

    @property
    def title(self) -> str:
        return self.row.get("title")

    @property
    def course(self) -> str:
        return self.row.get("courseSourcedId")

    @property
    def periods(self) -> list[str]:
        return split(self.row.get("periods"))


@dataclass
class SetClasses:
    """The classes of the set's school (of the one imported, in a district set)."""

    classes: list[SetClass]
    students: dict[str, str]  # user sourcedId → "name (number)"

    @property
    def courses(self) -> list[str]:
        return sorted({c.course for c in self.classes if c.course})

    @property
    def periods(self) -> list[str]:
        found = {period for c in self.classes for period in c.periods}
        return sorted(found, key=lambda p: (not p.isdigit(), p.zfill(4)))

    @property
    def has_homerooms(self) -> bool:
        return any(c.row.get("classType").lower() == "homeroom" for c in self.classes)

    def chosen(self, choice: str) -> list[SetClass]:
        return [c for c in self.classes if is_roll_call_class(c.row, choice)]

    def coverage(self, choice: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
        """(students in no chosen class, [(student, the titles of their chosen classes)] for
        each student in two or more): what the choice would import wrongly."""
        groups: dict[str, list[str]] = {sid: [] for sid in self.students}
        for chosen in self.chosen(choice):
            for sid in chosen.students:
                groups[sid].append(chosen.title)
        none = [self.students[sid] for sid, titles in groups.items() if not titles]
        several = [(self.students[sid], titles) for sid, titles in groups.items()
                   if len(titles) > 1]
        return none, several


def read_classes(source: RosterSource, school_name: str | None) -> SetClasses | None:
    """The set's classes with their teachers and students; None if it cannot be read. The
    school, the students and their roles are found as the import finds them."""
    files = OneRosterSet(source, Roster(source.name, "oneroster"))
    if files.roster.errors:
        return None
    school = set_school(files, school_name)
    users = {}
    for row in files.rows["users.csv"]:
        users.setdefault(row.get("sourcedId"), row)
    roles = user_roles(files, users)
    classes = {row.get("sourcedId"): SetClass(row) for row in files.rows["classes.csv"]
               if school.scope is None or row.get("schoolSourcedId") in school.scope}
    enrolled = school_students(files, users, roles, set(classes))
    for user_id, class_ids in enrolled.items():
        for class_id in class_ids:
            classes[class_id].students.append(user_id)
    for row in files.rows["enrollments.csv"]:
        user_id = row.get("userSourcedId")
        chosen = classes.get(row.get("classSourcedId"))
        if chosen is None or user_id not in users or user_id in files.deleted["users.csv"]:
            continue
        if enrollment_role(row, roles) in ("teacher", "aide"):
            chosen.teachers.append(person_name(users[user_id]) or user_id)
    students = {user_id: student_label(users[user_id]) for user_id in enrolled}
    return SetClasses(list(classes.values()), students)


def saved_choice(school: School, source: str | None) -> str | None:
    """The roll-call groups saved for this source, if any."""
    if not source:
        return None
    return db.session.scalar(db.select(RosterGroupChoice.choice).where(
        RosterGroupChoice.school_id == school.id,
        RosterGroupChoice.source_id == source[:255]))


def remember_choice(school: School, source: str | None, choice: str) -> None:
    """Save the choice an import was applied with, for the next import of the same source
    (in the import's transaction). Nothing to save for a source that only has homerooms."""
    if not source:
        return
    source = source[:255]
    saved = db.session.scalar(db.select(RosterGroupChoice).where(
        RosterGroupChoice.school_id == school.id, RosterGroupChoice.source_id == source))
    if saved is None and choice != "homeroom":
        db.session.add(RosterGroupChoice(school_id=school.id, source_id=source,
                                         choice=choice))
    elif saved is not None and saved.choice != choice:
        saved.choice = choice


def describe(choice: str):
    """The choice in words, for the check page, the groups page and the command's output."""
    kind, wanted = choice_parts(choice)
    if choice == "homeroom":
        return _l("the classes of type homeroom")
    if kind == "period":
        return _l("the classes of period %(period)s", period=wanted)
    if kind == "title":
        return _l("the classes whose title matches %(pattern)s", pattern=wanted)
    if kind == "course":
        return _l("the classes of the course %(course)s", course=wanted)
    return _l("%(count)d class(es) chosen one by one", count=len(wanted.split("\n")))
