"""Filter forms for the log and the audit trail (GET forms: bookmarkable, no CSRF token)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from rollcall.csrf_mask import MaskedForm

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    def SelectChoice(value, label):  # noqa: N802
        return (value, label)

from rollcall.checks.models import CheckKind, FindingCategory
from rollcall.vocabulary import STATUSES, choices


def _choices(everything, pairs, none="") -> list:
    """An "all" choice first, then one per (value, label)."""
    return [SelectChoice(none, everything)] + [SelectChoice(v, label) for v, label in pairs]


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class GetForm(MaskedForm):
    """Filters travel in the query string; there is nothing to protect from forgery."""

    class Meta:
        csrf = False

    def validate_date_to(self, field):
        start = getattr(self, "date_from", None)
        if field.data and start is not None and start.data and field.data < start.data:
            raise ValidationError(_l("The end date is before the start date."))


class LogFilterForm(GetForm):
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    homeroom = SelectField(_l("Class"), coerce=_optional_int, validators=[Optional()])
    student = StringField(_l("Student name or number"), validators=[Optional(), Length(max=64)])
    kind = SelectField(_l("Check"), validators=[Optional()],
                       choices=_choices(_l("All checks"), choices(CheckKind)))
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=_choices(_l("All statuses"), [
                             (code.value, words) for table in STATUSES.values()
                             for code, words in table.items()]))
    category = SelectField(_l("Finding"), validators=[Optional()], choices=_choices(
        _l("All findings"), choices(FindingCategory)))
    dangerous = BooleanField(_l("Dangerous items only"))
    # The log opens on the exceptions; "all" is the one-tap switch to every entry.
    show = SelectField(validators=[Optional()], choices=[
        SelectChoice("", _l("Exceptions")), SelectChoice("all", _l("Everything"))])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)])

    def set_homerooms(self, homerooms) -> None:
        self.homeroom.choices = _choices(_l("All classes"), [(h.id, h.name) for h in homerooms],
                                         none=None)


class AuditFilterForm(GetForm):
    person = SelectField(_l("Person"), coerce=_optional_int, validators=[Optional()])
    homeroom = SelectField(_l("Class"), coerce=_optional_int, validators=[Optional()])
    student = StringField(_l("Student name or number"), validators=[Optional(), Length(max=64)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)])

    def set_choices(self, people, homerooms) -> None:
        self.person.choices = _choices(_l("Everyone"), [(u.id, u.display_name) for u in people],
                                       none=None)
        self.homeroom.choices = _choices(_l("All classes"), [(h.id, h.name) for h in homerooms],
                                         none=None)
