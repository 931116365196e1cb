"""The check form (one row per student, read by `entries_from_form`) and the contact form."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from rollcall.checks.models import ContactMethod, ContactOutcome
from rollcall.checks.validation import STATUS_DETAILS

# Form field names per student: s12 (status), t12 (arrived), r12 (reason), ...
FIELD_PREFIX = {"arrived_at": "t", "reason": "r", "category": "c", "description": "d",
                "action": "a", "location": "l"}
_STATUS_NAME = re.compile(r"^s(\d+)$")

METHOD_LABELS = {
    ContactMethod.PHONE: _l("Phone call"),
    ContactMethod.TEXT: _l("Text message"),
    ContactMethod.MESSAGING_APP: _l("Messaging app"),
    ContactMethod.IN_PERSON: _l("In person"),
    ContactMethod.OTHER: _l("Other"),
}
OUTCOME_LABELS = {
    ContactOutcome.REASON_GIVEN: _l("Reached: family explained the absence"),
    ContactOutcome.ON_THE_WAY: _l("Reached: student is on the way"),
    ContactOutcome.UNAWARE: _l("Reached: family did not know"),
    ContactOutcome.NO_ANSWER: _l("No answer"),
    ContactOutcome.OTHER: _l("Other"),
}


class CheckForm(FlaskForm):
    """CSRF and the version the page was rendered from; the rows are read separately."""

    version = HiddenField()

    def version_value(self) -> int | None:
        value = (self.version.data or "").strip()
        return int(value) if value.isdigit() else None


class ContactForm(FlaskForm):
    """One contact attempt with an absent student's family."""

    student_id = SelectField(_l("Student"), coerce=int, validators=[DataRequired()])
    person = StringField(_l("Who was reached (or tried)"),
                         validators=[DataRequired(), Length(max=64)])
    method = SelectField(_l("How"), choices=[SelectChoice(k.value, v)
                                               for k, v in METHOD_LABELS.items()])
    outcome = SelectField(_l("Outcome"), choices=[SelectChoice(k.value, v)
                                                    for k, v in OUTCOME_LABELS.items()])
    contacted_at = TimeField(_l("Time"), validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])


def posted_student_ids(formdata) -> set[int]:
    """The student ids whose status rows were posted."""
    return {int(m.group(1)) for key in formdata if (m := _STATUS_NAME.match(key))}


def entries_from_form(formdata, students) -> list[dict]:
    """API-shaped entries from the posted rows, with only the details each status takes."""
    entries = []
    for student in students:
        status = formdata.get(f"s{student.id}")
        if status is None:
            continue
        entry = {"student_number": student.student_number, "status": status}
        for name in STATUS_DETAILS.get(status, {}):
            value = formdata.get(f"{FIELD_PREFIX[name]}{student.id}", "")
            entry[name] = value
        entries.append(entry)
    return entries
