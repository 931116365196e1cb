"""The check form (one row per student, read by `entries_from_form`) and the contact form."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from rollcall.checks.validation import STATUS_DETAILS
from rollcall.csrf_mask import MaskedForm
from rollcall.family.models import ContactMethod, ContactOutcome
from rollcall.vocabulary import choices

# Form field names per student: s12 (status), t12 (arrived), r12 (reason), ...; b12 carries
# the row as the page was loaded, for the per-row merge of a save.
FIELD_PREFIX = {"status": "s", "base": "b", "arrived_at": "t", "reason": "r", "category": "c",
                "description": "d", "action": "a", "location": "l"}
_STATUS_NAME = re.compile(r"^s(\d+)$")

class CheckForm(MaskedForm):
    """CSRF and the version the page was rendered from; the rows are read separately."""

    # A label of its own: the default would load WTForms' catalogue on every request only to
    # translate "Version", which no page shows.
    version = HiddenField(label="")
    # When the server rendered the page (ms since the epoch): a tap is not before it.
    loaded_at = HiddenField(label="")

    def version_value(self) -> int | None:
        value = (self.version.data or "").strip()
        return int(value) if value.isdigit() else None


class ContactForm(MaskedForm):
    """One contact attempt with an absent student's family."""

    # Drawn alike for everyone given the same value in a language (form_fields.kept_drawn):
    # the values the page gives are few (blank, or the minute now). The students to choose
    # from are the class's own: their select is kept drawn without its options.
    DRAWN_ALIKE = frozenset({"person", "method", "outcome", "contacted_at", "note"})
    OPTIONS_APART = frozenset({"student_id"})

    student_id = SelectField(_l("Student"), coerce=int, validators=[DataRequired()])
    person = StringField(_l("Who was reached (or tried)"),
                         validators=[DataRequired(), Length(max=64)])
    method = SelectField(_l("How"), choices=[SelectChoice(code, words)
                                               for code, words in choices(ContactMethod)])
    outcome = SelectField(_l("Outcome"), choices=[SelectChoice(code, words)
                                                    for code, words in choices(ContactOutcome)])
    contacted_at = TimeField(_l("Time"), validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])


def row_field(name: str, student_id: int) -> str:
    """The form field of one student's row: row_field("reason", 12) is "r12"."""
    return f"{FIELD_PREFIX[name]}{student_id}"


def posted_student_ids(formdata) -> set[int]:
    """The student ids whose status rows were posted."""
    return {int(m.group(1)) for key in formdata if (m := _STATUS_NAME.match(key))}


def entries_from_form(formdata, students) -> list[dict]:
    """API-shaped entries from the posted rows, with only the details each status takes."""
    entries = []
    for student in students:
        status = formdata.get(row_field("status", student.id))
        if status is None:
            continue
        entry = {"student_number": student.student_number, "status": status}
        base = formdata.get(row_field("base", student.id))
        if base is not None:  # the row as the page was loaded: the save merges per row
            entry["base"] = base
        for name in STATUS_DETAILS.get(status, {}):
            value = formdata.get(row_field(name, student.id), "")
            entry[name] = value
        entries.append(entry)
    return entries
