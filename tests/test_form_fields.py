"""Fields the areas share: a field drawn alike for everyone given the same value is drawn once
per language and value and kept (form_fields.kept_drawn); what is typed, and a field with
choices of a request's own, are drawn afresh."""

from datetime import time
from itertools import count

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from rollcall.form_fields import kept_drawn
from rollcall.teacher.forms import ContactForm

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py


_MACROS = count()


class _Counted:
    """A form macro stand-in, of a name of its own (what is kept is kept by the macro's name):
    draws the field's own markup and counts the draws."""

    def __init__(self):
        self.name, self.draws = f"counted-{next(_MACROS)}", 0

    def __call__(self, field, **attributes):
        self.draws += 1
        return field.label() + field(**attributes)


def _form(formdata=None):
    return ContactForm(formdata=formdata, meta={"csrf": False})


def test_a_field_the_form_lists_is_drawn_once_per_language(app):
    draw = _Counted()
    with app.test_request_context():
        drawn = {}
        for locale in ("zh_Hans", "en", "zh_Hans", "en"):
            with force_locale(locale):
                drawn.setdefault(locale, set()).add(
                    kept_drawn(draw, _form(), "method", form="check"))
                fresh = _form()["method"].label() + _form()["method"](form="check")
                assert kept_drawn(draw, _form(), "method", form="check") == fresh
    assert draw.draws == 2
    assert len(drawn["en"]) == len(drawn["zh_Hans"]) == 1
    assert ">Phone call</option>" in drawn["en"].pop()
    assert ">电话</option>" in drawn["zh_Hans"].pop()


def test_a_value_the_page_gives_is_kept_drawn_with_that_value(app):
    draw = _Counted()
    drawn = []
    with app.test_request_context(), force_locale("en"):
        for minute in (40, 40, 41):
            form = _form()
            form.contacted_at.data = time(7, minute)
            drawn.append(kept_drawn(draw, form, "contacted_at", form="check"))
    assert draw.draws == 2
    assert ['value="07:40"' in html for html in drawn] == [True, True, False]
    assert 'value="07:41"' in drawn[2]


def test_a_kept_field_keeps_each_set_of_attributes_apart(app):
    draw = _Counted()
    with app.test_request_context(), force_locale("en"):
        plain = kept_drawn(draw, _form(), "note")
        tall = kept_drawn(draw, _form(), "note", rows=2)
    assert draw.draws == 2 and 'rows="2"' in tall and "rows" not in plain


@pytest.mark.parametrize("formdata, name", [
    ({"method": "text"}, "method"),  # a choice typed: the page again as typed
    ({"person": "母亲"}, "person"),
    ({"person": ""}, "person"),  # posted empty: its error is drawn next to it
    ({"contacted_at": "07:44"}, "contacted_at"),
    (None, "student_id"),  # its choices are the class's, not the form's
])
def test_a_field_of_a_requests_own_is_drawn_each_time(app, formdata, name):
    draw = _Counted()
    with app.test_request_context(), force_locale("en"):
        for _ in range(2):
            form = _form(None if formdata is None else MultiDict(formdata))
            form.student_id.choices = [(1, "1 学生01")]
            form.validate()
            kept_drawn(draw, form, name, form="check")
    assert draw.draws == 2
