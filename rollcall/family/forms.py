"""The forms of a family contact and of a class parent meeting."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from rollcall import vocabulary
from rollcall.csrf_mask import MaskedForm
from rollcall.family.models import ContactMethod, ContactReason
from rollcall.form_fields import WallClockField


class FamilyContactForm(MaskedForm):
    reason = SelectField(_l("Why"))
    method = SelectField(_l("How"))
    person = StringField(_l("Who was reached"), validators=[Length(max=64)])
    contacted_at = WallClockField(_l("When"),
                                  validators=[InputRequired(_l("Give the date and time."))])
    said = TextAreaField(_l("What was said"), validators=[Length(max=2000)])
    agreed = TextAreaField(_l("What was agreed (optional)"),
                           validators=[Optional(), Length(max=2000)])
    follow_up_on = DateField(_l("Follow up on (optional)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = vocabulary.choices(ContactReason)
        self.method.choices = vocabulary.choices(ContactMethod)


class MeetingForm(MaskedForm):
    held_at = WallClockField(_l("When"),
                             validators=[InputRequired(_l("Give the date and time."))])
    topic = TextAreaField(_l("Topic"), validators=[Length(max=2000)])
    attended = SelectMultipleField(_l("Families that attended"), coerce=int,
                                   validate_choice=False, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())

    def __init__(self, *args, students=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attended.choices = [(s.id, f"{s.seat or ''} {s.name}") for s in students]
