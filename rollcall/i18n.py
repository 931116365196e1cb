"""Language and time display: Simplified Chinese and English, in the school's time zone."""

from flask import Flask, request, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from rollcall.extensions import babel

SUPPORTED_LOCALES = ("zh_Hans", "en")
# Accept-Language primary tags mapped to our locales (zh-CN, zh-Hans, zh → Simplified Chinese).
_ACCEPT_TAGS = {"zh": "zh_Hans", "en": "en"}


def select_locale() -> str:
    """The user's choice, else the browser's Accept-Language, else the school's locale."""
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    tag = request.accept_languages.best_match(list(_ACCEPT_TAGS))
    if tag:
        return _ACCEPT_TAGS[tag]
    if current_user and current_user.is_authenticated:
        return current_user.school.locale
    return "zh_Hans"


def select_timezone() -> str:
    """Dates and times are shown in the school's time zone."""
    if current_user and current_user.is_authenticated:
        return current_user.school.timezone
    return "Asia/Shanghai"


def html_lang() -> str:
    """The value for <html lang>."""
    return "zh-Hans" if str(get_locale()).startswith("zh") else "en"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories="translations")
    app.jinja_env.globals.update(html_lang=html_lang, SUPPORTED_LOCALES=SUPPORTED_LOCALES)
    app.jinja_env.filters["datetime"] = format_datetime
