"""Language and time display: Simplified Chinese and English, in the school's time zone."""

from datetime import datetime
from urllib.parse import urlencode

import flask_babel
from flask import Flask, request, session
from flask_babel import format_datetime, get_locale, to_user_timezone
from flask_login import current_user
from jinja2 import pass_context

from rollcall.extensions import babel, request_translations

SUPPORTED_LOCALES = ("zh_Hans", "en")
# Accept-Language primary tags mapped to our locales (zh-CN, zh-Hans, zh → Simplified Chinese).
_ACCEPT_TAGS = {"zh": "zh_Hans", "en": "en"}


def select_locale() -> str:
    """The user's choice, else the browser's Accept-Language, else the school's locale."""
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    user = _signed_in()
    if user is not None and user.locale:
        return user.locale
    tag = request.accept_languages.best_match(list(_ACCEPT_TAGS))
    if tag:
        return _ACCEPT_TAGS[tag]
    if user is not None:
        return user.school.locale
    return "zh_Hans"


def select_timezone() -> str:
    """Dates and times are shown in the school's time zone."""
    user = _signed_in()
    return user.school.timezone if user is not None else "Asia/Shanghai"


def _signed_in():
    """The signed-in user, or None: current_user looked up once (each use of the proxy
    finds the request's user again)."""
    user = current_user._get_current_object() if current_user else None
    return user if user is not None and user.is_authenticated else None


# The query parameters the language switch brings back: which page, class, day or filter. Never
# free text (a search, a note, a phone number), which would sit next to the page's secrets on
# every page, where a compression oracle could read them out.
RETURN_PARAMETERS = ("page", "day", "date_from", "date_to", "homeroom", "kind", "status",
                     "category", "dangerous", "show", "person", "all", "reason")


def return_path() -> str:
    """Where the language switch returns to: this page's path with only RETURN_PARAMETERS."""
    if request.method != "GET":
        return ""
    kept = [(key, value) for key, value in request.args.items(multi=True)
            if key in RETURN_PARAMETERS and len(value) <= 40]
    return request.path + (f"?{urlencode(kept)}" if kept else "")


def html_lang() -> str:
    """The value for <html lang>. (The locale's language, not its name: naming it costs more
    than the rest, and every page asks three times.)"""
    locale = get_locale()
    return "zh-Hans" if locale is not None and locale.language == "zh" else "en"


def per_request(func):
    """A template filter whose words depend on the request's language or time zone.

    Jinja folds a filter applied to a constant (`{{ "late"|status_name }}`) into the compiled
    template, which is then cached for every later request in any language; a filter that takes
    the context is never folded.
    """
    @pass_context
    def language_filter(context, value, *args, **kwargs):
        return func(value, *args, **kwargs)
    language_filter.__name__ = language_filter.__qualname__ = getattr(func, "__name__", "filter")
    return language_filter


def time_on(instant, day) -> str:
    """A time of a record of `day`: HH:mm when it is on that day on the school's clock, else
    with its date (MM-dd HH:mm), so that a correction made the next day says so. day: a date,
    or an instant (its date on the school's clock)."""
    if instant is None:
        return ""
    if isinstance(day, datetime):
        day = to_user_timezone(day).date()
    same_day = to_user_timezone(instant).date() == day
    return format_datetime(instant, "HH:mm" if same_day else "MM-dd HH:mm")


def translations():
    """The translations of the request's language, found once per request and language."""
    return request_translations(flask_babel.get_translations)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories="translations")
    # Flask-Babel's callables for the templates' _(), with the request's translations kept.
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda one, many, n: translations().ungettext(one, many, n),
        pgettext=lambda context, text: translations().upgettext(context, text),
        npgettext=lambda context, one, many, n: translations().unpgettext(context, one, many, n),
        newstyle=True)
    # The templates' _() is that gettext itself, not Jinja's alias of it, which looks gettext
    # up again in the template's context and calls it through that context at every use: a
    # page has some twenty, and each cost twice a translation. (No template names its own
    # gettext, which the alias would have followed.)
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"]
