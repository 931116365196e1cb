"""Admin and contact forms; checks that need the database are validate_<field> methods."""

import re
import secrets
import zoneinfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from rollcall import vocabulary
from rollcall.admin import services as admin_services
from rollcall.auth import services as auth_services
from rollcall.auth.services import MIN_PASSWORD_LENGTH
from rollcall.csrf_mask import MaskedForm
from rollcall.extensions import db
from rollcall.i18n import SUPPORTED_LOCALES
from rollcall.models import Homeroom, Role, Student
from rollcall.notify.settings import parse_window
from rollcall.phones import InvalidPhone, parse_phone
from rollcall.roster.oneroster import classes_choice
from rollcall.school_days import MAX_SPAN_DAYS, plan_change

LANGUAGE_CHOICES = [SelectChoice(code, words) for code, words in vocabulary.LANGUAGES.items()]


class SchoolScopedForm(MaskedForm):
    """A form that knows the school it edits for, and the object it edits (None: a new one).
    An edit page carries what it showed (`loaded`, admin.services.fingerprint) back with the
    save, so that two people editing one record at once keep each other's changes."""

    loaded = HiddenField(label="")

    def __init__(self, *args, school=None, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school, self.editing = school, editing
        if editing is not None and not self.is_submitted():
            self.show_saved()

    def show_saved(self) -> None:
        """Carry what is saved now (as the page is drawn again after a clash, say)."""
        related = {r.key for r in db.inspect(self.editing).mapper.relationships}
        self.loaded.data = admin_services.fingerprint(
            self.editing, tuple(name for name in self._fields if name in related))

    def _taken(self, model, column, value) -> bool:
        query = db.select(model.id).where(model.school_id == self.school.id, column == value)
        if self.editing is not None:
            query = query.where(model.id != self.editing.id)
        return db.session.scalar(query) is not None


class HomeroomForm(SchoolScopedForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    grade = IntegerField(_l("Grade"), validators=[Optional(), NumberRange(1, 12)])
    graduating = BooleanField(_l("Graduating class"), default=True)
    active = BooleanField(_l("Active"), default=True)
    teachers = SelectMultipleField(_l("Homeroom teachers"), coerce=int)

    def validate_name(self, field):
        if self._taken(Homeroom, Homeroom.name, field.data.strip()):
            raise ValidationError(_l("Another homeroom has this name."))


class StudentForm(SchoolScopedForm):
    student_number = StringField(_l("Student number"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    homeroom_id = SelectField(_l("Homeroom"), coerce=int)
    seat = IntegerField(_l("Seat"), validators=[Optional(), NumberRange(1, 999)])
    active = BooleanField(_l("Active"), default=True)

    def validate_student_number(self, field):
        if self._taken(Student, Student.student_number, field.data.strip()):
            raise ValidationError(_l("Another student has this number."))


class PhoneMixin:
    """Checks the phone with the school's region; keeps the parsed number for the service."""

    parsed_phone = None

    def validate_phone(self, field):
        if not (field.data or "").strip():
            return
        try:
            self.parsed_phone = parse_phone(field.data, self.school.phone_region)
        except InvalidPhone:
            raise ValidationError(_l("This is not a phone number.")) from None


class GuardianPhoneMixin(PhoneMixin):
    """A guardian's phone field opens with the number as it was typed (else its E.164)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.editing is not None and not self.is_submitted():
            self.phone.data = self.editing.phone_raw or self.editing.phone_e164 or ""


class ContactForm(GuardianPhoneMixin, SchoolScopedForm):
    phone = StringField(_l("Phone"), validators=[Length(max=64)],
                        render_kw={"type": "tel", "autocomplete": "off"})
    absence_texts = BooleanField(_l("Send absence texts to this guardian"))


class GuardianForm(GuardianPhoneMixin, SchoolScopedForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    relationship_label = StringField(_l("Relationship"), validators=[Length(max=32)])
    phone = StringField(_l("Phone"), validators=[Length(max=64)],
                        render_kw={"type": "tel", "autocomplete": "off"})
    language = SelectField(_l("Language for texts"), choices=LANGUAGE_CHOICES)
    absence_texts = BooleanField(_l("Send absence texts to this guardian"))


class ContactOrderForm(MaskedForm):
    contact_order = IntegerField(_l("Contact order"), validators=[DataRequired(),
                                                                   NumberRange(1, 9)])


def username_in_use(name: str) -> bool:
    """True when any account of any school has this username (in any case)."""
    return auth_services.find_user(name) is not None


def free_username(name: str) -> str:
    """The name with a random number that no account has: random, so that which numbers are
    skipped tells nothing about other schools' usernames."""
    base = name[:60]
    while True:
        candidate = f"{base}{secrets.randbelow(900) + 100}"
        if not username_in_use(candidate):
            return candidate


class UserForm(PhoneMixin, SchoolScopedForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    phone = StringField(_l("Mobile phone for reminders"), validators=[Length(max=64)],
                        render_kw={"type": "tel", "autocomplete": "off"})
    role = SelectField(_l("Role"), choices=[SelectChoice(code, words)
                                            for code, words in vocabulary.choices(Role)])
    homerooms = SelectMultipleField(_l("Homerooms"), coerce=int)
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("New password"), validators=[
        Optional(), Length(min=MIN_PASSWORD_LENGTH, max=256)],
        render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def validate_username(self, field):
        """Usernames are one list for every school on the server, so a name in use is refused
        without saying where (this school's or another's), with a free one to use instead."""
        name = field.data.strip()
        if self.editing is not None or not username_in_use(name):
            return
        raise ValidationError(_("This username cannot be used. You could use “%(free)s”.",
                                free=free_username(name)))

    def validate_password(self, field):
        if self.editing is None and not field.data:
            raise ValidationError(_l("A new account needs a password."))

    def validate_active(self, field):
        if self.editing is not None and self.editing.id == self.actor.id and not field.data:
            raise ValidationError(_l("You cannot deactivate your own account."))

    def validate_role(self, field):
        if self.editing is not None and self.editing.id == self.actor.id \
                and field.data != Role.ADMIN:
            raise ValidationError(_l("You cannot take away your own administrator role."))


SMS_WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$")


class SchoolForm(PhoneMixin, SchoolScopedForm):
    phone = StringField(_l("School phone"), validators=[Length(max=64)])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])
    locale = SelectField(_l("Language"), choices=[choice for choice in LANGUAGE_CHOICES
                                                  if choice.value in SUPPORTED_LOCALES])
    bag_check_cutoff = TimeField(_l("Bag check due by"), validators=[DataRequired()])
    attendance_cutoff = TimeField(_l("Attendance due by"), validators=[DataRequired()])
    dismissal_cutoff = TimeField(_l("Dismissal sweep due by"), validators=[DataRequired()])
    alert_delay_minutes = IntegerField(_l("Minutes before an absence text"),
                                       validators=[Optional(), NumberRange(0, 240)])
    sms_window = StringField(_l("Hours when texts may be sent (HH:MM-HH:MM)"),
                             validators=[Optional(), Length(max=11)])

    def validate_timezone(self, field):
        try:
            zoneinfo.ZoneInfo(field.data.strip())
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(_l("Unknown time zone (for example Asia/Shanghai).")) from None

    def validate_sms_window(self, field):
        """The same rule the sender reads the window with, so a saved window always works."""
        if not field.data:
            return
        if not SMS_WINDOW.match(field.data.strip()):
            raise ValidationError(_l("Write it like 07:00-21:00."))
        try:
            parse_window(field.data)
        except ValueError:
            raise ValidationError(_l(
                "The window must end after it starts, within one day (00:00-24:00 means always)."
            )) from None


CHOOSE_GROUPS = _l("Choose the roll-call groups")


class ImportForm(MaskedForm):
    """Upload a roster to check it: nothing is written until the check is confirmed."""

    file = FileField(_l("Roster file (.csv, .xlsx or OneRoster .zip)"),
                     validators=[FileRequired(_l("Choose a file."))])
    partial = BooleanField(_l("Part of the school only: keep students the file does not list"))
    set_school = StringField(_l("OneRoster: the school to import, when the set holds several"),
                             validators=[Optional(), Length(max=128)])

    def field_wording(self) -> dict:
        """How this page's fields make the choices a check may ask for (not the CLI's flags)."""
        return {"homerooms": f"“{CHOOSE_GROUPS}”", "groups": f"“{CHOOSE_GROUPS}”",
                "set_school": f"“{self.set_school.label.text}”"}


class GroupsForm(MaskedForm):
    """Which classes of a OneRoster set are the roll-call groups: by title, by course, by
    period (when the set has periods), its homeroom classes, or one by one."""

    way = RadioField(_l("The roll-call groups are"), validators=[DataRequired()])
    title = StringField(_l("Classes whose title matches"), validators=[Length(max=120)])
    course = SelectField(_l("Classes of the course"), validate_choice=False)
    period = SelectField(_l("Classes of the period"), validate_choice=False)
    classes = SelectMultipleField(_l("Classes ticked in the list"), validate_choice=False)
    preview = SubmitField(_l("Show who is in no group or in two"))
    use = SubmitField(_l("Check the import with these groups"))

    def __init__(self, set_classes, current: str, *args, **kwargs):
        kind, _equals, wanted = current.partition("=")
        chosen = [c.sourced_id for c in set_classes.chosen(current)]
        defaults = {"way": kind if current != "homeroom" else "homeroom",
                    "title": wanted if kind == "title" else "",
                    "course": wanted if kind == "course" else None,
                    "period": wanted if kind == "period" else None, "classes": chosen}
        super().__init__(*args, **{**defaults, **kwargs})
        ways = [("title", _l("The classes whose title matches a pattern")),
                ("classes", _l("The classes ticked in the list, one by one"))]
        if set_classes.courses:
            ways.insert(1, ("course", _l("The classes of one course")))
        if set_classes.periods:
            ways.insert(1, ("period", _l("The classes of one period")))
        if set_classes.has_homerooms:
            ways.insert(0, ("homeroom", _l("Its homeroom classes (classType homeroom)")))
        self.way.choices = ways
        self.course.choices = [(code, code) for code in set_classes.courses]
        self.period.choices = [(period, period) for period in set_classes.periods]
        self.known = {c.sourced_id for c in set_classes.classes}

    def validate(self, extra_validators=None):
        """Classes ticked with no way chosen are chosen one by one."""
        if not self.way.data and self.classes.data:
            self.way.data = "classes"
        return super().validate(extra_validators)

    def validate_title(self, field):
        if self.way.data == "title" and not field.data.strip():
            raise ValidationError(_l("Write a pattern, such as HR* or *班会*."))

    def validate_course(self, field):
        if self.way.data == "course" and field.data not in dict(self.course.choices):
            raise ValidationError(_l("Choose a course."))

    def validate_period(self, field):
        if self.way.data == "period" and field.data not in dict(self.period.choices):
            raise ValidationError(_l("Choose a period."))

    def validate_classes(self, field):
        if self.way.data == "classes" and not set(field.data or ()) & self.known:
            raise ValidationError(_l("Tick at least one class."))

    def choice(self) -> str:
        """The choice as the importer reads it."""
        if self.way.data == "classes":
            return classes_choice(set(self.classes.data) & self.known)
        if self.way.data == "homeroom":
            return "homeroom"
        value = getattr(self, self.way.data).data.strip()
        return f"{self.way.data}={value}"


class ConfirmImportForm(MaskedForm):
    """Apply the file that was checked (it is kept on the server, not sent again)."""

    token = HiddenField(validators=[DataRequired()])


class CalendarForm(SchoolScopedForm):
    """A holiday (weekdays without school) or make-up school days (weekend days with school)."""

    first_day = DateField(_l("First day"), validators=[DataRequired(_l("Pick a date."))])
    last_day = DateField(_l("Last day (blank: just the first)"), validators=[Optional()])
    school_day = SelectField(_l("What these days are"), choices=[
        SelectChoice("no", _l("Holiday: no school, nothing is due")),
        SelectChoice("yes", _l("Make-up school day (调休): checks are due"))])
    name = StringField(_l("Name (for example 国庆节)"), validators=[
        DataRequired(_l("Give the days a name.")), Length(max=64)])

    @property
    def span(self):
        first = self.first_day.data
        return first, self.last_day.data or first

    def validate_last_day(self, field):
        first = self.first_day.data
        if first is None or field.data is None:
            return
        if field.data < first:
            raise ValidationError(_l("The last day is before the first."))
        if (field.data - first).days >= MAX_SPAN_DAYS:
            raise ValidationError(_l("At most %(days)d days at once.", days=MAX_SPAN_DAYS))

    def validate_school_day(self, field):
        if self.first_day.data is None or self.last_day.errors:
            return
        first, last = self.span
        if last < first or (last - first).days >= MAX_SPAN_DAYS:
            return
        if not plan_change(self.school, first, last, field.data == "yes"):
            raise ValidationError(
                _l("These are all weekend days already: a holiday changes nothing.")
                if field.data == "no" else
                _l("These are all weekdays already: pick a Saturday or Sunday to make up."))
