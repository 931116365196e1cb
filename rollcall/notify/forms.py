"""The school's text settings form (administrators)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length as MaxLength
from wtforms.validators import NumberRange, Optional, Regexp, ValidationError

from rollcall.csrf_mask import MaskedForm

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # wtforms < 3.3 takes plain (value, label) pairs
    def SelectChoice(value, label):  # noqa: N802
        return (value, label)

from rollcall.notify.settings import (
    FAN_OUT_ALL,
    FAN_OUT_FIRST,
    MAX_TEXT_CHARACTERS,
    PLACEHOLDERS,
    TEMPLATE_KINDS,
    parse_time,
    parse_window,
    template_problem,
    unknown_placeholders,
)

# Text kind → the form field of its Aliyun template code: one for every kind of text.
CODE_FIELDS = {kind: f"code_{kind}" for kind in TEMPLATE_KINDS}
CODE_LABELS = {
    "absence": _l("Absence text: template code"),
    "left_after_bag": _l("Came, then left (left after morning reading): template code"),
    "follow_up": _l("Arrival follow-up: template code"),
    "teacher_reminder": _l("Reminder to teacher: template code"),
    "missing_student": _l("Missing student (to the office): template code"),
    "screening_reminder": _l("Reminder to teacher, conflict screening: template code"),
    "test_text": _l("Test text to an on-duty phone: template code"),
}
# Kinds an Aliyun school may leave without a template code (added after schools had Aliyun
# working; without one such a text fails with that reason and the office phones instead).
CODE_OPTIONAL = {"test_text", "left_after_bag"}
CODE_FORMAT = Regexp(r"^SMS_\d{3,20}$", message=_l(
    "A template code looks like SMS_123456789, as the Aliyun console shows it."))
TEMPLATE_FIELDS = {
    ("absence", "zh_Hans"): "absence_zh", ("absence", "en"): "absence_en",
    ("follow_up", "zh_Hans"): "follow_up_zh", ("follow_up", "en"): "follow_up_en",
}


def _template_check(form, field):
    """Rendered with sample values in every language before it may be saved."""
    problem = template_problem(field.data or "")
    if problem == "braces":
        raise ValidationError(_l("Braces { } must come in pairs around a placeholder."))
    if problem == "unknown":
        unknown = unknown_placeholders(field.data)
        raise ValidationError(_l("Unknown placeholder: %(names)s. Use %(known)s.",
                                 names=", ".join(f"{{{name}}}" for name in unknown),
                                 known=", ".join(f"{{{name}}}" for name in PLACEHOLDERS)))
    if problem == "format":
        raise ValidationError(_l("Write placeholders as a name in braces, such as {student}, "
                                 "with nothing after the name."))
    if problem == "length":
        raise ValidationError(_l("With real names filled in, this text would be longer than "
                                 "%(count)d characters.", count=MAX_TEXT_CHARACTERS))


class TextSettingsForm(MaskedForm):
    alert_delay_minutes = IntegerField(
        _l("Minutes after the attendance check before a text goes"),
        validators=[Optional(), NumberRange(0, 240)])
    sms_window = StringField(_l("Sending window (school time)"),
                             validators=[Optional(), MaxLength(max=11)])
    send_time = StringField(_l("Fixed daily send time (instead of the delay)"),
                            validators=[Optional(), MaxLength(max=5)])
    fan_out = SelectField(_l("Who gets the text"), choices=[
        SelectChoice(FAN_OUT_FIRST, _l("The first reachable guardian, in contact order")),
        SelectChoice(FAN_OUT_ALL, _l("Every reachable guardian")),
    ])
    follow_up = BooleanField(_l("Text again when the student arrives after the text"))
    absence_zh = TextAreaField(_l("Absence text, Chinese"),
                               validators=[Optional(), MaxLength(max=500), _template_check])
    absence_en = TextAreaField(_l("Absence text, English"),
                               validators=[Optional(), MaxLength(max=500), _template_check])
    follow_up_zh = TextAreaField(_l("Arrival follow-up, Chinese"),
                                 validators=[Optional(), MaxLength(max=500), _template_check])
    follow_up_en = TextAreaField(_l("Arrival follow-up, English"),
                                 validators=[Optional(), MaxLength(max=500), _template_check])

    provider = SelectField(_l("SMS provider"), choices=[
        SelectChoice("", _l("The install's default")),
        SelectChoice("twilio", _l("Twilio")),
        SelectChoice("aliyun", _l("Alibaba Cloud SMS (mainland China)")),
    ], validators=[Optional()])
    # Set by the view: the install's provider and template codes (ALIYUN_SMS_TEMPLATES).
    install_provider = "twilio"
    install_codes: dict = {}

    def validate(self, extra_validators=None):
        """With Aliyun every kind of text needs an approved template code (own or install's).

        The admin's test text and the "came, then left" text are the exceptions: a school that
        had Aliyun working before they existed must not be stopped at its next save; without a
        code such a text fails with that reason (the settings page, the texts page).
        """
        valid = super().validate(extra_validators)
        if (self.provider.data or self.install_provider) != "aliyun":
            return valid
        for kind, name in CODE_FIELDS.items():
            field = self[name]
            if kind in CODE_OPTIONAL:
                continue
            if not (field.data or "").strip() and not self.install_codes.get(kind):
                field.errors = [*field.errors, _l(
                    "Aliyun sends only approved templates: enter this text's template code.")]
                valid = False
        return valid

    def validate_sms_window(self, field):
        if field.data:
            try:
                parse_window(field.data)
            except ValueError:
                raise ValidationError(
                    _l("Write the window as HH:MM-HH:MM, for example 07:00-21:00.")) from None

    def validate_send_time(self, field):
        if field.data:
            try:
                parse_time(field.data)
            except ValueError:
                raise ValidationError(_l("Write the time as HH:MM, for example 08:30.")) from None


def _code_label(kind: str):
    """The field's label; a kind added later without words of its own shows its code."""
    return CODE_LABELS.get(kind) or _l("Template code of the %(kind)s texts", kind=kind)


for _kind, _name in CODE_FIELDS.items():  # the code fields, one per kind of text
    setattr(TextSettingsForm, _name, StringField(
        _code_label(_kind), validators=[Optional(), MaxLength(max=32), CODE_FORMAT]))
