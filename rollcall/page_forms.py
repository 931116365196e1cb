"""One way to save a page's forms: nothing typed in one part of a page is lost by pressing
another part's button, with or without JavaScript.

A page of several forms is one HTML form (templates: each part's button names its endpoint
with `formaction`, and parts whose field names would clash carry a prefix), so whichever button
is pressed the server receives everything the page holds. The pressed part is saved; another
part holding typed text is either saved with it, when it only adds to a record (a note, a
family contact), or holds the press back: nothing is saved and the page comes back with
everything as typed and a message naming what is still to save (`say_kept`).
"""

from io import BytesIO

from flask import current_app, flash, g, request, session
from flask.ctx import RequestContext
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from wtforms import DateTimeField, HiddenField, IntegerField, StringField

from rollcall import as_typed


def typed(form, drawn=None) -> bool:
    """Something is typed in one of the form's text fields (differing from what the page
    showed): what a press of another part's button would lose.

    drawn: the same form as the page drew it (formdata=None, with what is saved), for a part
    that changes saved values: then a date or a time changed counts too, and so does a field
    emptied, each compared with what the page showed in it."""
    kinds = StringField | IntegerField if drawn is None else \
        StringField | IntegerField | DateTimeField
    for field in form:
        if not isinstance(field, kinds) or isinstance(field, HiddenField):
            continue
        if drawn is not None:
            if field.raw_data and _text(field.raw_data[0]) != _text(drawn[field.name]._value()):
                return True  # posted, and not as the page showed it
            continue
        raw = ((field.raw_data or [""])[0] or "").strip()
        if raw and raw != str(field.object_data or "").strip():  # as shown: default or saved
            return True
    return False


def _text(value) -> str:
    """A field's text as posted or drawn, whatever line ends the browser sent."""
    return "\n".join(line.strip() for line in str(value or "").strip().splitlines())


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


# --- The menu's presses (language, sign out) on such a page ------------------------------
# Without JavaScript, the menu's language switch and sign-out button on a page of one form are
# buttons of that form (base.html: the page declares `page_form, page_url`), posting to their
# own endpoints with `form` and `next` in the query: the press carries everything typed, and
# the endpoint can bring the page back as typed. (With JavaScript they are forms of their own,
# and checks.js warns before one drops what was typed.)

def page_again(path: str | None, form_id: str | None) -> as_typed.Filled | None:
    """The page at path (this site's) as its own view draws it, in this request (its session,
    its language), with what this request posted from form form_id put back in its fields;
    None when there is no such page for this user (not found, refused, not a page)."""
    if not path or not form_id:
        return None
    route, _sep, query = path.partition("?")
    environ = {key: value for key, value in request.environ.items()
               if key not in ("CONTENT_TYPE", "CONTENT_LENGTH", "wsgi.input")}
    environ |= {"REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query,
                "wsgi.input": BytesIO()}
    app = current_app._get_current_object()
    with RequestContext(app, environ, session=session._get_current_object()):
        try:
            response = app.make_response(app.preprocess_request() or app.dispatch_request())
        except HTTPException:
            return None
    if response.status_code != 200 or response.mimetype != "text/html":
        return None
    return as_typed.fill(response.get_data(as_text=True), form_id, request.form, route)


def kept_for_language(path: str | None, form_id: str | None) -> str | None:
    """The page back as typed, in the language just chosen, when something is typed on it;
    else None (go back to the page as usual)."""
    again = page_again(path, form_id)
    return again.html if again is not None and again.typed else None


def kept_for_sign_out(path: str | None, form_id: str | None) -> str | None:
    """The page back as typed, saying that signing out would lose what is typed on it next to
    a button that signs out anyway (base.html), when something is typed on it; else None
    (sign out)."""
    g.sign_out_held = True
    again = page_again(path, form_id)
    g.sign_out_held = False
    return again.html if again is not None and again.typed else None
