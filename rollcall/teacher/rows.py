"""What every row of a check page shows alike, in words resolved once per page.

A 45-row page asked for the same translated labels 45 times (lazy strings resolved row by
row were half of the attendance page's render time); the rows now read them from here.
"""

from collections import Counter
from dataclasses import dataclass
from functools import cache

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from rollcall import vocabulary
from rollcall.checks.models import COMMON_DETAIL, CheckKind
from rollcall.checks.summary import describe_row, wall_time
from rollcall.checks.validation import ENUM_DETAILS, STATUS_DETAILS
from rollcall.teacher.forms import row_field


@dataclass(frozen=True)
class RowWords:
    """One check kind's status buttons, detail labels and detail choices, as plain text."""

    statuses: list[tuple[str, str]]  # (code, words), in the order of the buttons
    labels: dict[str, str]  # detail field -> its label
    common: dict[str, str | None]  # listed detail field -> the choice a new one starts on
    # listed detail field -> chosen code ("" for none) -> its <option>s, that one selected:
    # the same few lists on every row, escaped once per page instead of once per row.
    options: dict[str, dict[str, Markup]]


def row_words(kind: CheckKind) -> RowWords:
    """The words of kind's rows in the current language."""
    return _row_words(CheckKind(kind), str(get_locale()))


@cache  # the same words for every page of a kind in one language: resolved once per process
def _row_words(kind: CheckKind, locale: str) -> RowWords:
    listed = [field for (of, field) in ENUM_DETAILS if of == kind]
    return RowWords(
        statuses=[(str(status), vocabulary.name(status))
                  for status in vocabulary.ROW_STATUSES[kind]],
        labels=_labels(kind),
        common={field: None if COMMON_DETAIL.get((kind, field)) is None
                else COMMON_DETAIL[(kind, field)].value for field in listed},
        options={field: _options(vocabulary.choices(ENUM_DETAILS[(kind, field)]))
                 for field in listed})


def _options(choices) -> dict[str, Markup]:
    words = [(code, str(name)) for code, name in choices]

    def listed(chosen):
        return Markup("").join(
            Markup('<option value="{}"{}>{}</option>').format(
                code, Markup(" selected") if code == chosen else "", name)
            for code, name in words)

    return {code: listed(code) for code, _name in words} | {"": listed(None)}


def _labels(kind: CheckKind) -> dict[str, str]:
    if kind == CheckKind.ATTENDANCE:
        return {"arrived_at": _("Arrived at"), "reason": _("Reason")}
    if kind == CheckKind.BAG:
        return {"category": _("What"), "description": _("Description"),
                "action": _("Action taken")}
    return {"location": _("Where"), "reason": _("Why"), "action": _("What was done")}


def tally(values: dict) -> Counter:
    """How many rows show each status (the counts under the rows)."""
    return Counter(str(row["status"]) for row in values.values()
                   if row.get("status") is not None)


# Each kind's detail fields in the order of the row: (field, how it is entered, the CSS class
# that shows it when its status is chosen).
ROW_DETAILS = {
    CheckKind.ATTENDANCE: (("arrived_at", "time", "m-late"), ("reason", "text", "m-excused")),
    CheckKind.BAG: (("category", "choice", "m-found"), ("description", "text", "m-found"),
                    ("action", "choice", "m-found")),
    CheckKind.DISMISSAL: (("location", "text", "m-on_campus"), ("reason", "choice", "m-on_campus"),
                          ("action", "text", "m-on_campus")),
}


# Where a row's student id goes in markup drawn once for every row (never in a name or a word:
# a posted NUL byte is refused).
_ID = "\0"


class RowDrawer:
    """Draws the rows of one check page, one per student, in one call.

    The rows were a Jinja macro with nested macro calls per field, and half a 45-row page's
    CPU; here what is alike on every row is escaped once for the page, and each row only
    fills in its own escaped values. checks.js and the browser tests read this markup (data-s,
    sN/bN/tN... field names, select[data-chips], label.more m-<status>, seat-N ids).
    """

    def __init__(self, kind: CheckKind, words: RowWords, errors: dict, school, offered: dict):
        """offered: {status: student ids} for a status only some rows offer (attendance's
        "left after morning reading", for the students the bag check saw;
        saved_state.offered_statuses)."""
        self.kind = CheckKind(kind)
        self.offered = offered
        self.fields = ROW_DETAILS[self.kind]
        self._names = tuple(field for field, _how, _css in self.fields)
        # A detail its status needs is marked required (the form is novalidate: the server
        # says what is missing; the mark shows when the status is tapped).
        self.required = {field: " required" if STATUS_DETAILS[css[2:]][field] else ""
                         for field, _how, css in self.fields}
        self.statuses = [(escape(code), escape(name)) for code, name in words.statuses]
        self.labels = {field: escape(label) for field, label in words.labels.items()}
        self.words, self.errors, self.school = words, errors, school
        # A row's status buttons differ from another's only in the student's id, the status
        # checked and which of the statuses only some rows offer are there: drawn once a page
        # for each of those, the id put in per row.
        self._buttons: dict[tuple, str] = {}
        # A row's markup around its base (its buttons; its details), by status and offered
        # statuses, for the rows with no detail filled in and no error (most of them): the id
        # put in per row.
        self._plain: dict[tuple, tuple[str, str]] = {}
        # Each detail's markup before and after its value (a text or time field) or whole (a
        # list, by chosen code), the id put in per row.
        self._details = [self._detail_parts(field, how, css) for field, how, css in self.fields]

    def __call__(self, students, values: dict, loaded: dict, read_only: dict) -> Markup:
        """Every student's row with values[student.id] as shown: editable, loaded[id] the
        base of its per-row merge; or, for those in read_only, as saved with why not."""
        drawn = []
        for student in students:
            sid = student.id
            drawn.append(self._read_only(student, values[sid], read_only[sid])
                         if sid in read_only else self._row(student, sid, values[sid],
                                                            loaded.get(sid)))
        drawn = "".join(drawn)
        # Every part is escaped where it is put in (words, codes and labels in __init__);
        # numbers (ids, seats) need none.
        return Markup(drawn)  # noqa: S704

    def _row(self, student, sid: int, values: dict, loaded: str | None) -> str:
        status, seat = values.get("status"), student.seat or ""
        seat_id = f' id="seat-{seat}"' if seat else ""
        offered = tuple(code for code, ids in self.offered.items()
                        if sid in ids or status == code) if self.offered else ()
        base = ("" if loaded is None
                else f'<input type="hidden" name="b{sid}" value="{escape(loaded)}">')
        head = (f'\n<li class="row" data-s="{escape(status or "")}"{seat_id}><fieldset><legend>'
                f'<span class="seat">{seat}</span> {escape(student.name)}</legend>\n')
        if not self.errors and not any(map(values.get, self._names)):
            # Most rows: no detail filled in, nothing to say. Their buttons and empty details
            # differ only in the id: drawn once a page for each status, the id put in here.
            plain = self._plain.get((status, offered))
            if plain is None:
                plain = self._plain[(status, offered)] = (
                    f'<div class="seg">{self._status_buttons(status, offered)}</div>\n\n',
                    "\n" + "\n".join(self._detail(None, _ID, parts, None)
                                     for parts in self._details) + "\n</fieldset></li>\n")
            sid_text = str(sid)
            return (f"{head}{plain[0].replace(_ID, sid_text)}{base}"
                    f"{plain[1].replace(_ID, sid_text)}")
        details = "\n".join(self._detail(student, sid, parts, values.get(parts[0]))
                            for parts in self._details)
        buttons = self._status_buttons(status, offered).replace(_ID, str(sid))
        return (f'{head}<div class="seg">{buttons}</div>\n'
                f'{self._error(student, "status")}\n{base}\n{details}\n</fieldset></li>\n')

    def _status_buttons(self, status: str | None, offered: tuple) -> str:
        """A row's status buttons, status checked, with _ID where its student's id goes."""
        buttons = self._buttons.get((status, offered))
        if buttons is None:
            buttons = self._buttons[(status, offered)] = "".join(
                f'<label><input type="radio" name="s{_ID}" value="{code}"'
                f'{" checked" if status == code else ""}><span>{name}</span></label>'
                for code, name in self.statuses if code not in self.offered or code in offered)
        return buttons

    def _read_only(self, student, values: dict, note: str) -> str:
        """A saved row that can no longer be changed here (the student left, moved, or is
        absent)."""
        return (f'\n<li class="row read-only" data-s="{escape(values["status"])}"><fieldset>'
                f'<legend><span class="seat">{student.seat or ""}</span> '
                f'{escape(student.name)}</legend>\n'
                f'<p><strong>{escape(describe_row(self.school, self.kind, values))}</strong></p>'
                f'\n<p class="note">{escape(note)}</p>\n</fieldset></li>\n')

    def _detail_parts(self, field: str, how: str, css: str) -> tuple:
        """(field, how, the markup before its value, its label's end): a list's markup before
        its error, whole by the chosen code ("" for none)."""
        name, label = row_field(field, _ID), self.labels[field]
        if how == "choice":
            head = (f'<label class="more {css}">{label}<select name="{name}" data-chips'
                    f'{self.required[field]}><option value="">—</option>')
            return field, how, {code: f"{head}{options}</select>"
                                for code, options in self.words.options[field].items()}
        limit = "" if how == "time" else ' maxlength="200"'
        return field, how, (f'<label class="more {css}">{label}<input type="{how}" name="{name}"'
                            f'{limit}{self.required[field]} value="')

    def _detail(self, student, sid: int, parts: tuple, value) -> str:
        field, how, head = parts
        error = self._error(student, field) if self.errors else ""
        if how == "choice":
            chosen = head.get(value or self.words.common[field]) or head[""]
            return f"{chosen.replace(_ID, str(sid))}{error}</label>"
        if how == "time" and not isinstance(value, str):
            value = wall_time(self.school, value)
        return f'{head.replace(_ID, str(sid))}{escape(value or "")}">{error}</label>'

    def _error(self, student, field: str) -> str:
        message = self.errors.get((student.student_number, field)) if self.errors else None
        return "" if message is None else f'<span class="error">{escape(message)}</span>'
