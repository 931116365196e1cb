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
    value: str | None = None  # the cell as written, when the message does not quote it
    lines: tuple[int, ...] = ()  # a summary's rows: the same finding on each of these lines

    def __str__(self) -> str:
        quoted = f"{self.value!r}: " if self.value is not None else ""
        if self.lines:
            rows = ", ".join(map(str, self.lines))
            return f"{self.file}: {self.column}: {self.message} ({len(self.lines)} rows: {rows})"
        return f"{self.file}:{self.line}: {self.column}: {quoted}{self.message}"

    @property
    def shown_value(self) -> str:
        """The value for a page: phone cells with their middle digits hidden."""
        if self.value is None:
            return ""
        phone = any(word in self.column for word in PHONE_COLUMN_WORDS)
        return mask_typed(self.value) if phone else self.value


SUMMARY_FROM = 4  # this many rows with the same finding are one line with a count


def summarised(warnings: list[Problem], errors: list[Problem]) -> list[Problem]:
    """The warnings as a reader takes them in: none for a row that is refused anyway, and
    the same finding on many rows as one line with the rows behind it."""
    refused = {(error.file, error.line) for error in errors if error.line}
    kept = [warning for warning in warnings if (warning.file, warning.line) not in refused]
    groups: dict[tuple, list[Problem]] = {}
    for warning in kept:
        key = (warning.file, warning.column, str(warning.message), warning.value)
        groups.setdefault(key, []).append(warning)
    result = []
    for same in groups.values():
        if len(same) >= SUMMARY_FROM:
            first = same[0]
            result.append(Problem(first.file, first.line, first.column, first.message,
                                  first.value, tuple(warning.line for warning in same)))
        else:
            result.extend(same)
    return sorted(result, key=lambda problem: (problem.file, problem.line))


PHONE_COLUMN_WORDS = ("phone", "sms", "电话")


def mask_typed(raw: str) -> str:
    """A phone as typed, with all digits but the first three and the last two hidden."""
    digits = [index for index, char in enumerate(raw) if char.isdigit()]
    hidden = set(digits[3:-2])
    return "".join("*" if index in hidden else char for index, char in enumerate(raw))


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
