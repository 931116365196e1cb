"""One way to save a page's forms: nothing typed in one part of a page is lost by pressing
another part's button, with or without JavaScript.

A page of several forms is one HTML form (templates: each part's button names its endpoint
with `formaction`, and parts whose field names would clash carry a prefix), so whichever button
is pressed the server receives everything the page holds. The pressed part is saved; another
part holding typed text is either saved with it, when it only adds to a record (a note, a
family contact), or holds the press back: nothing is saved and the page comes back with
everything as typed and a message naming what is still to save (`say_kept`).
"""

from flask import flash
from flask_babel import gettext as _
from wtforms import HiddenField, IntegerField, StringField


def typed(form) -> bool:
    """Something is typed in one of the form's text fields (differing from what the page
    showed): what a press of another part's button would lose."""
    for field in form:
        if not isinstance(field, StringField | IntegerField) or isinstance(field, HiddenField):
            continue
        raw = ((field.raw_data or [""])[0] or "").strip()
        if raw and raw != str(field.object_data or "").strip():  # as shown: default or saved
            return True
    return False


def held_back(pressed: str, parts: dict, saved_too=()) -> list[str]:
    """The names of the parts other than the pressed one that hold typed text and are not
    saved with it: the press must not go ahead. parts: {name: form} (as posted)."""
    return [name for name, holds in parts.items()
            if name != pressed and name not in saved_too
            and (holds if isinstance(holds, bool) else typed(holds))]


def say_kept(words: list[str]) -> None:
    """Flash why nothing was saved: what else was typed, still on the page."""
    flash(_("Nothing was saved: you also typed in %(parts)s, which this button does not "
            "save. It is still on the page: save it with its own button, or clear it.",
            parts=" · ".join(words)), "warning")
