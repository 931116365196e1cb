"""Every per-school setting (School.settings, a JSON object) declared once: its type, default,
validation and where it is set (an admin screen, or `flask school-setting`).

Pages, services and jobs read a setting through `read` (a missing or unreadable value is its
default) and store one through `write` (a bad value is refused), never through the raw JSON.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import click
from flask.cli import with_appcontext

from rollcall import audit
from rollcall.cli_support import clean_errors, resolve_school
from rollcall.extensions import db
from rollcall.models import School
from rollcall.state_change import hold


@dataclass(frozen=True)
class CaseSettings:
    duty_phones: tuple[str, ...]  # E.164 numbers of the on-duty office phones
    unreached_by: time  # an absence nobody reached by then becomes a case


def _wall_time(value) -> time:
    if not isinstance(value, str):
        raise ValueError("expected HH:MM")
    return time.fromisoformat(value)


def _iso_date(value) -> date:
    if not isinstance(value, str):
        raise ValueError("expected YYYY-MM-DD")
    return date.fromisoformat(value)


def _object(value) -> dict:
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value


def _positive_ints(defaults: dict[str, int]) -> Callable[[Any], dict[str, int]]:
    """An object of counts: each key the school sets must be a positive whole number; the keys
    it leaves out (or sets badly, in stored data) keep their default."""

    def parse(value) -> dict[str, int]:
        unknown = set(_object(value)) - set(defaults)
        if unknown:
            raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
        return {key: (value[key] if _positive_int(value.get(key)) else default)
                for key, default in defaults.items()}

    parse.strict = lambda value: all(_positive_int(v) for v in _object(value).values())
    return parse


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _cases(value) -> CaseSettings:
    value = _object(value)
    phones = value.get("duty_phones", ())
    if not isinstance(phones, list | tuple) or not all(isinstance(p, str) for p in phones):
        raise ValueError("duty_phones: expected a list of phone numbers")
    unreached = value.get("unreached_by")
    return CaseSettings(tuple(phones),
                        _wall_time(unreached) if unreached else DEFAULT_UNREACHED_BY)


def _screening(value) -> tuple[int, time]:
    value = _object(value)
    weekday = int(value.get("weekday"))
    if not 0 <= weekday <= 6:
        raise ValueError("weekday: expected 0 (Monday) to 6 (Sunday)")
    return weekday, _wall_time(value.get("time"))


@dataclass(frozen=True)
class Setting:
    key: str
    type: str  # what the JSON holds, for the README and `flask school-setting`
    default: Any
    parse: Callable[[Any], Any]  # the stored JSON → the typed value; ValueError when bad
    screen: str | None  # the admin page's endpoint; None: set by `flask school-setting`
    about: str


DEFAULT_UNREACHED_BY = time(10, 0)
DEFAULT_THRESHOLDS = {"absent_days_in_row": 3, "late_per_month": 5, "dangerous_findings": 2}
DEFAULT_CUSTODY = {"flag_days": 30}

SETTINGS = {setting.key: setting for setting in (
    Setting("texts", "object", {}, _object, "notify.text_settings",
            "parent texts: send time, recipients, follow-ups, templates, provider, codes "
            "(rollcall.notify.settings reads its parts)"),
    Setting("cases", '{"duty_phones": [E.164], "unreached_by": "HH:MM"}',
            CaseSettings((), DEFAULT_UNREACHED_BY), _cases, "cases.settings",
            "the on-duty office phones, and when an unreached absence becomes a case"),
    Setting("screening", '{"weekday": 0-6, "time": "HH:MM"}', (4, time(17, 0)), _screening,
            "screening.settings", "when each week's conflict screening is due"),
    Setting("correction_cutoff", '"HH:MM"', time(12, 0), _wall_time, None,
            "until when, on the next school day, a teacher may correct the previous day"),
    Setting("first_term_start", '"YYYY-MM-DD"', None, _iso_date, None,
            "the first day checks may be recorded for"),
    Setting("term_start", '"YYYY-MM-DD"', None, _iso_date, None,
            "the current term's first day, when it is not 1 February or 1 September"),
    Setting("alerts", '{"absent_days_in_row": n, "late_per_month": n, "dangerous_findings": n}',
            dict(DEFAULT_THRESHOLDS), _positive_ints(DEFAULT_THRESHOLDS), None,
            "the office's alert thresholds"),
    Setting("custody", '{"flag_days": n}', dict(DEFAULT_CUSTODY),
            _positive_ints(DEFAULT_CUSTODY), None,
            "confiscated items held longer than this many days are flagged"),
)}


def read(school: School | None, key: str):
    """The school's value of this setting, typed; its default when unset or unreadable."""
    setting = SETTINGS[key]
    raw = (school.settings or {}).get(key) if school is not None else None
    if raw is None or raw == "":
        return setting.default
    try:
        return setting.parse(raw)
    except (TypeError, ValueError):
        return setting.default


def write(school: School, key: str, value) -> None:
    """Store a setting's JSON value (None removes it: the default applies); ValueError when the
    value is not one the setting takes. The caller audits and commits."""
    setting = SETTINGS[key]
    if value is not None:
        setting.parse(value)
        strict = getattr(setting.parse, "strict", None)
        if strict is not None and not strict(value):
            raise ValueError("expected positive whole numbers")
    # Every setting is one JSON column: another admin saving another setting at this moment
    # must not be undone by writing back what this page read before they saved.
    hold(school)
    db.session.refresh(school, ["settings"])
    own = {k: v for k, v in (school.settings or {}).items() if k != key}
    if value is not None:
        own[key] = value
    school.settings = own  # a new dict: SQLAlchemy sees the JSON change


def stored(school: School, key: str):
    """The raw JSON the school stored for this setting (None: unset), for forms and the audit."""
    SETTINGS[key]  # noqa: B018 - an unknown key is a programming error
    return (school.settings or {}).get(key)


def parse_command_value(text: str):
    """A value typed at the command line: JSON, or else the text itself ("12:30")."""
    try:
        return json.loads(text)
    except ValueError:
        return text


@click.command("school-setting")
@click.argument("key", type=click.Choice(sorted(k for k, s in SETTINGS.items() if not s.screen)))
@click.argument("value", required=False)
@click.option("--school", "school_name", help="School name (may be left out with one school).")
@click.option("--unset", is_flag=True, help="Remove the school's value: the default applies.")
@with_appcontext
@clean_errors
def school_setting_command(key, value, school_name, unset):
    """Show or set a school setting that has no admin screen (JSON, or text such as 12:30)."""
    school = resolve_school(school_name)
    setting = SETTINGS[key]
    if value is None and not unset:
        click.echo(f"{key} ({setting.type}): {setting.about}")
        click.echo(f"stored: {json.dumps(stored(school, key), ensure_ascii=False)}")
        return
    before = stored(school, key)
    try:
        write(school, key, None if unset else parse_command_value(value))
    except (TypeError, ValueError) as error:
        raise click.ClickException(f"{key}: {error}") from None
    audit.record("school.setting", school, before=_flat(key, before),
                 after=_flat(key, stored(school, key)))
    db.session.commit()
    click.echo(f"{key} saved for {school.name}")


def _flat(key: str, value) -> dict:
    """A setting as the audit trail lists it: an object's own fields, else the key's value."""
    return dict(value) if isinstance(value, dict) else {key: value}


def init_app(app) -> None:
    app.cli.add_command(school_setting_command)
