"""The form of a change of hands."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from rollcall import vocabulary
from rollcall.csrf_mask import MaskedForm
from rollcall.form_fields import WallClockField


class MoveForm(MaskedForm):
    to = SelectField(_l("What happened to the item"))
    at = WallClockField(_l("When"), validators=[InputRequired(_l("Give the date and time."))])
    # The service checks these against the school and the student, with clear words.
    received_by_id = SelectField(_l("Received at the office by"), coerce=int,
                                 validate_choice=False, validators=[Optional()])
    guardian_id = SelectField(_l("Returned to (guardian)"), coerce=int, validate_choice=False,
                              validators=[Optional()])
    disposed_by = StringField(_l("Disposed of by"), validators=[Optional(), Length(max=64)])
    how = TextAreaField(_l("Note: how it was handled"), validators=[Optional(), Length(max=500)])

    def __init__(self, *args, moves=(), office_people=(), guardians=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.to.choices = [(state.value, vocabulary.name(state)) for state in moves]
        self.received_by_id.choices = [(0, "—")] + [(u.id, u.display_name)
                                                    for u in office_people]
        self.guardian_id.choices = [(0, "—")] + [
            (g.id, f"{g.shown_name} ({g.relationship_label or ''})") for g in guardians]
