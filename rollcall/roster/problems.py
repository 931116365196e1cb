"""What an import found wrong (errors) or worth a look (warnings), each pinned to a file line."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Problem:
    """One finding, shown as `file:line: column: what is wrong`."""

    file: str
    line: int
    column: str
    message: str  # a lazy string: translated when shown

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class RosterRejected(Exception):
    """The input cannot be imported at all; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


PHONE_WARNINGS = {
    "not a valid number": _l("possible but not a valid number: it cannot receive texts"),
    "not a mobile number": _l("not a mobile number: it cannot receive texts"),
}


def phone_warning_text(warning: str):
    """The translated text of a `rollcall.phones.parse_phone` warning."""
    return PHONE_WARNINGS.get(warning, warning)
