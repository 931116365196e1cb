"""Fields the areas share: a field drawn alike for everyone given the same value is drawn once
per language and value and kept (form_fields.kept_drawn); what is typed is drawn afresh; a
select with choices of a request's own is kept drawn without its options, drawn in each time."""

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
    ({"student_id": "1"}, "student_id"),
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


@pytest.mark.parametrize("locale, label", [("en", "Student"), ("zh_Hans", "学生")])
def test_a_select_of_a_requests_own_options_is_drawn_as_wtforms_draws_it(app, locale, label):
    # The class's students are a request's own: the select around them is kept drawn, and
    # each answer's options are drawn into it, escaped and chosen as WTForms draws them.
    draw = _Counted()
    classes = ([(1, "1 学生01"), (2, "2 学生02")], [(7, "7 <b>&李</b>")], [],
               [(3, "3 王\"五'"), (4, "4 赵六")])
    drawn = []
    with app.test_request_context(), force_locale(locale):
        for index, choices in enumerate(classes):
            form = _form()
            form.student_id.choices = choices
            if index == 3:
                form.student_id.data = 4  # a choice the page gives: drawn selected
            fresh = form.student_id.label() + form.student_id(form="check")
            drawn.append(kept_drawn(draw, form, "student_id", form="check"))
            assert drawn[-1] == fresh
    assert draw.draws == 1  # the select without its options, once
    assert f">{label}</label>" in drawn[0] and ">2 学生02</option></select>" in drawn[0]
    assert '<option value="7">7 &lt;b&gt;&amp;李&lt;/b&gt;</option>' in drawn[1]
    assert '<select form="check" id="student_id" name="student_id" required></select>' in drawn[2]
    assert '<option selected value="4">4 赵六</option>' in drawn[3]


def test_the_fields_kept_are_bounded(app, monkeypatch):
    """A day's every minute in every language is kept at most: past the bound the kept
    fields start again, and each is still drawn as it should be."""
    from rollcall import form_fields

    monkeypatch.setattr(form_fields, "KEPT_AT_MOST", 3)
    draw = _Counted()
    with app.test_request_context(), force_locale("en"):
        for minute in range(10):
            form = _form()
            form.contacted_at.data = time(7, minute)
            html = kept_drawn(draw, form, "contacted_at", form="check")
            assert f'value="07:{minute:02d}"' in html
        assert len(app.extensions["kept_drawn"]) <= 3
