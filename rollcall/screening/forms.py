"""The screening's forms: a conflict found, and a conflict's new state with what was done."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from rollcall import vocabulary
from rollcall.csrf_mask import MaskedForm
from rollcall.field_errors import NOTE_LIMIT
from rollcall.screening.models import ConflictSeverity, ConflictState


class CutoffForm(MaskedForm):
    weekday = SelectField(_l("Day the screening is due"), coerce=int)
    time = TimeField(_l("Due by"), validators=[DataRequired(_l("Give a time."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekday.choices = [(index, vocabulary.weekday_name(index)) for index in range(7)]


class NoConflictsForm(MaskedForm):
    """Only CSRF: 'no conflicts found this week'."""


class ConflictForm(MaskedForm):
    # The service checks the students (any class of the school, never another school's), so
    # the message says exactly that instead of "not a valid choice".
    student_ids = SelectMultipleField(_l("Students involved"), coerce=int, validate_choice=False)
    about = TextAreaField(_l("What it is about"), validators=[Length(max=NOTE_LIMIT)])
    severity = SelectField(_l("How serious"))
    action = TextAreaField(_l("What was done (optional)"),
                           validators=[Optional(), Length(max=NOTE_LIMIT)])
    state = SelectField(_l("State"))

    def __init__(self, *args, students=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.student_ids.choices = [
            (s.id, f"{s.homeroom.name if s.homeroom else ''} {s.name}") for s in students]
        self.severity.choices = vocabulary.choices(ConflictSeverity)
        self.state.choices = vocabulary.choices(ConflictState)


class UpdateForm(MaskedForm):
    state = SelectField(_l("State"))
    note = TextAreaField(_l("What was done"), validators=[Length(max=NOTE_LIMIT)])
    take_over = BooleanField(_l("The office takes this conflict over"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = vocabulary.choices(ConflictState)
