"""The roster as read from any format, before it touches the database."""

from dataclasses import dataclass, field

from rollcall.roster.problems import Problem


@dataclass
class GuardianRecord:
    name: str
    relationship: str | None
    phone_e164: str | None
    phone_raw: str | None
    language: str
    sourced_id: str | None = None
    phone_at: tuple[str, int, str] | None = None  # (file, line, column) of the phone
    absence_texts: bool = True  # a new guardian's switch (a registry member marked 否: off)
    name_column: str = "guardian_name"  # where a problem with the name is shown


@dataclass
class StudentRecord:
    student_number: str
    name: str
    homeroom_key: str
    file: str
    line: int
    seat: int | None = None
    sourced_id: str | None = None
    guardians: list[GuardianRecord] = field(default_factory=list)


@dataclass
class HomeroomRecord:
    key: str  # sourcedId, or the name in a simple CSV
    name: str
    grade: int | None
    sourced_id: str | None = None


@dataclass
class TeacherRecord:
    username: str
    display_name: str
    homeroom_keys: list[str]
    file: str
    line: int


@dataclass
class Roster:
    """Everything an import would write, plus what was found wrong while reading it."""

    source_name: str
    kind: str
    full: bool = True  # a full import deactivates the school's students it does not list
    leaving: set[str] = field(default_factory=set)  # sourcedIds (users, classes) tobedeleted
    homerooms: dict[str, HomeroomRecord] = field(default_factory=dict)
    students: list[StudentRecord] = field(default_factory=list)
    teachers: list[TeacherRecord] = field(default_factory=list)
    # True when the file names every teacher of its classes (a full OneRoster set): a class's
    # teachers then become exactly those; otherwise teachers are only added.
    teachers_complete: bool = False
    # A delta's teacher enrollments marked tobedeleted: (username, class sourcedId) links to
    # remove, and only those; (username, None) for a teacher marked tobedeleted: all theirs.
    teachers_leaving: list[tuple[str, str | None]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    school_name: str | None = None
    # Errors that another choice of roll-call groups would clear (no class chosen, a student
    # in two chosen classes): the web keeps such a file for its groups page.
    group_errors: list[Problem] = field(default_factory=list)
    # A OneRoster set's roll-call groups (`homeroom`, `period=1`, …), whether they are the
    # choice saved for the set's school, and that school's sourcedId: an applied import saves
    # its choice under it for the next import of the same source.
    choice: str | None = None
    choice_saved: bool = False
    source_id: str | None = None

    def group_error(self, *args, **kwargs) -> None:
        self.error(*args, **kwargs)
        self.group_errors.append(self.errors[-1])

    def error(self, file: str, line: int, column: str, message, value: str | None = None) -> None:
        self.errors.append(Problem(file, line, column, message, value))

    def warn(self, file: str, line: int, column: str, message) -> None:
        self.warnings.append(Problem(file, line, column, message))
