"""Checks of single values shared by both formats: phones, languages, numbers, lengths."""

from flask_babel import lazy_gettext as _l

from rollcall.phones import InvalidPhone, parse_phone
from rollcall.roster.data import Roster
from rollcall.roster.problems import phone_warning_text

LANGUAGES = {
    "zh_hans": "zh_Hans", "zh-hans": "zh_Hans", "zh": "zh_Hans", "zh-cn": "zh_Hans",
    "zh_cn": "zh_Hans", "中文": "zh_Hans", "简体中文": "zh_Hans", "chinese": "zh_Hans",
    "en": "en", "english": "en", "英文": "en", "英语": "en",
}


def phone(roster: Roster, where: tuple[str, int], column: str, raw: str, region: str):
    """(E.164, raw) for a phone cell; an error if impossible, a warning if it cannot take texts."""
    if not raw:
        return None, None
    try:
        parsed = parse_phone(raw, region)
    except InvalidPhone:
        roster.error(*where, column, _l("%(raw)r is not a phone number", raw=raw))
        return None, raw
    if parsed.warning:
        roster.warn(*where, column, phone_warning_text(parsed.warning))
    return parsed.e164, raw[:64]


def language(roster: Roster, where: tuple[str, int], column: str, raw: str, default: str):
    """zh_Hans or en; blank means the school's language."""
    if not raw:
        return default
    code = LANGUAGES.get(raw.strip().lower())
    if code is None:
        roster.error(*where, column, _l("unknown language %(raw)r (use zh_Hans or en)", raw=raw))
        return default
    return code


def text(roster: Roster, where: tuple[str, int], column: str, value: str, limit: int,
         required: bool = True) -> str:
    """A trimmed text cell: required ones must not be blank; none may exceed the column size."""
    if required and not value:
        roster.error(*where, column, _l("required, but blank"))
    elif len(value) > limit:
        roster.error(*where, column, _l("longer than %(limit)d characters", limit=limit))
    return value[:limit]


def number(roster: Roster, where: tuple[str, int], column: str, value: str,
           low: int, high: int) -> int | None:
    """An optional whole number within [low, high]."""
    if not value:
        return None
    try:
        result = int(value.lstrip("0") or "0")
    except ValueError:
        roster.error(*where, column, _l("%(value)r is not a whole number", value=value))
        return None
    if not low <= result <= high:
        roster.error(*where, column, _l("must be between %(low)d and %(high)d",
                                        low=low, high=high))
        return None
    return result
