"""The forms of a case: a note, the closing, and the admin's on-duty phones."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from rollcall import vocabulary
from rollcall.cases.models import CaseOutcome
from rollcall.cases.services import NOTE_LIMIT
from rollcall.csrf_mask import MaskedForm
from rollcall.phones import InvalidPhone, parse_phone


class NoteForm(MaskedForm):
    note = TextAreaField(_l("What happened"), validators=[
        DataRequired(_l("Write what happened.")), Length(max=NOTE_LIMIT)])


class CloseForm(MaskedForm):
    outcome = SelectField(_l("How the case ended"), validators=[
        InputRequired(_l("Choose how the case ended."))])
    # Its own id: the page's note form has a "note" too, and two ids alike break the labels.
    note = TextAreaField(_l("Closing note"), id="closing-note", validators=[
        DataRequired(_l("Closing a case needs a note: where the student was, who saw them.")),
        Length(max=NOTE_LIMIT)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [("", _l("Choose…"))] + vocabulary.choices(CaseOutcome)


class CaseSettingsForm(MaskedForm):
    duty_phones = TextAreaField(_l("On-duty office phones (one per line)"),
                                validators=[Length(max=2000)])
    unreached_by = TimeField(_l("An absence nobody reached by this time is a missing student"),
                             validators=[DataRequired(_l("Give a time."))])

    def __init__(self, *args, region: str = "CN", **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.parsed_phones: list[str] = []

    def validate_duty_phones(self, field):
        phones = []
        for line in (field.data or "").splitlines():
            if not line.strip():
                continue
            try:
                phones.append(parse_phone(line, self.region).e164)
            except InvalidPhone:
                raise ValidationError(_l("This is not a phone number: %(line)s",
                                         line=line.strip()[:40])) from None
        self.parsed_phones = phones


class TestTextForm(MaskedForm):
    """Which on-duty phone gets a test text (only the school's own are offered)."""

    phone = SelectField(_l("On-duty phone"), validators=[
        InputRequired(_l("Choose an on-duty phone."))])

    def __init__(self, *args, duty_phones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.phone.choices = [(phone, phone) for phone in duty_phones]
