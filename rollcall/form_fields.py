"""Form fields the areas share."""

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import DateTimeLocalField
from wtforms.widgets import Select

# The years a date-time typed into Rollcall may have: year 1 on the school's clock is before
# the first instant Python can hold in UTC, and no roll call happened before 1970.
FIRST_YEAR, LAST_YEAR = 1970, 9998


class WallClockField(DateTimeLocalField):
    """A date and time on the school's wall clock, to the minute (clock.from_form makes it an
    instant); a year out of FIRST_YEAR..LAST_YEAR is refused next to the field."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%dT%H:%M", **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None
            raise ValueError(_l("Give a date between %(first)d and %(last)d.",
                                first=FIRST_YEAR, last=LAST_YEAR))


def kept_drawn(draw, form, name: str, /, **attributes) -> Markup:
    """form[name] drawn by draw (a form macro, templates/macros/forms.html) with attributes;
    drawn once per language and value and kept, when the form lists the field in DRAWN_ALIKE
    (its words and choices are the class's, none of a request's own) and its value is the
    page's, not typed (a typed value is drawn as typed, with its error). WTForms draws a
    select's options one by one: drawing a contact form's five such fields afresh was a
    fifth of the CPU of the answer to an attendance save.

    A select the form lists in OPTIONS_APART (its options are a request's own: the absent
    students) is kept drawn without its options, which are drawn into it each time by the
    select's own widget: the field macro around it was a third of that answer's drawing."""
    field = form[name]
    if field.raw_data or field.errors:
        return draw(field, **attributes)
    if name in getattr(form, "DRAWN_ALIKE", ()):
        return _kept(draw, form, name, attributes, field.data, lambda: draw(field, **attributes))
    if (name in getattr(form, "OPTIONS_APART", ()) and isinstance(field.widget, Select)
            and not field.has_groups()):
        head, tail = _kept(draw, form, name, attributes, _OPTIONS_APART,
                           lambda: _without_options(draw, field, attributes))
        return Markup("").join((head, *(field.widget.render_option(choice)
                                        for choice in field.iter_choices()), tail))
    return draw(field, **attributes)


KEPT_AT_MOST = 4096  # drawn fields kept per app: a contact time is one of 1,440 minutes
_OPTIONS_APART = object()  # the kept key's value for a select kept without its options


def _kept(draw, form, name: str, attributes: dict, value, drawn_now):
    """What drawn_now draws, kept by the app (its catalogues give the words), by language,
    form, field, macro, attributes and value."""
    kept = current_app.extensions.setdefault("kept_drawn", {})
    key = (str(get_locale()), type(form), name, getattr(draw, "name", draw),
           tuple(sorted(attributes.items())), value)
    drawn = kept.get(key)
    if drawn is None:
        if len(kept) >= KEPT_AT_MOST:  # a value per minute of the day and language: bounded
            kept.clear()
        drawn = kept[key] = drawn_now()
    return drawn


def _without_options(draw, field, attributes: dict) -> tuple[Markup, Markup]:
    """(what draw draws of the select before its options, what after), drawn without them."""
    choices, field.choices = field.choices, []
    try:
        drawn = draw(field, **attributes)
    finally:
        field.choices = choices
    at = drawn.index("</select>")
    return drawn[:at], drawn[at:]  # a slice of Markup is Markup
