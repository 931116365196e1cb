"""The watch list's forms: add a student, a dated note, the closing note."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from rollcall import vocabulary
from rollcall.csrf_mask import MaskedForm
from rollcall.field_errors import NOTE_LIMIT
from rollcall.watch.models import WatchReason


class AddForm(MaskedForm):
    student_id = SelectField(_l("Student"), coerce=int,
                             validators=[InputRequired(_l("Choose a student."))])
    reason = SelectField(_l("Reason"), validators=[InputRequired(_l("Choose a reason."))])
    details = TextAreaField(_l("What was seen (optional)"),
                            validators=[Optional(), Length(max=NOTE_LIMIT)])
    review_on = DateField(_l("Review by"), validators=[InputRequired(_l("Give a review date."))])

    def __init__(self, *args, students=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.student_id.choices = [
            (s.id, f"{s.homeroom.name if s.homeroom else ''} {s.seat or ''} {s.name}")
            for s in students]
        self.reason.choices = vocabulary.choices(WatchReason)


class NoteForm(MaskedForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Give the date."))])
    note = TextAreaField(_l("Note"), validators=[DataRequired(_l("Write the note.")),
                                                 Length(max=NOTE_LIMIT)])
    review_on = DateField(_l("Next review (optional)"), validators=[Optional()])


class CloseForm(MaskedForm):
    note = TextAreaField(_l("Why the student comes off the list"), validators=[
        DataRequired(_l("Write why the student comes off the list.")), Length(max=NOTE_LIMIT)])
