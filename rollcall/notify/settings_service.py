"""Reading and saving a school's text settings, and previewing its templates."""

from flask import current_app

from rollcall import audit, clock
from rollcall.extensions import db
from rollcall.notify.compose import format_day
from rollcall.notify.forms import TEMPLATE_FIELDS
from rollcall.notify.settings import DEFAULT_TEMPLATES, render, segments

SAMPLE_STUDENT = {"zh_Hans": "张小明", "en": "Zhang Xiaoming"}


def form_data(school) -> dict:
    """The school's own values (blank where it follows the config default); templates are
    shown in full, the default ones included, so there is something to edit."""
    own = (school.settings or {}).get("texts", {})
    data = {
        "alert_delay_minutes": school.alert_delay_minutes,
        "sms_window": school.sms_window or "",
        "send_time": own.get("send_time", ""),
        "fan_out": own.get("fan_out", current_app.config["SMS_FAN_OUT"]),
        "follow_up": own.get("follow_up", current_app.config["SMS_FOLLOW_UP"]),
    }
    for (kind, language), name in TEMPLATE_FIELDS.items():
        data[name] = (own.get("templates", {}).get(kind, {}).get(language)
                      or DEFAULT_TEMPLATES[kind][language])
    return data


def save_text_settings(school, data: dict, actor) -> None:
    """Store the settings (blank: follow the default) and audit before and after."""
    before = form_data(school)
    templates: dict = {}
    for (kind, language), name in TEMPLATE_FIELDS.items():
        value = (data.get(name) or "").strip()
        if value and value != DEFAULT_TEMPLATES[kind][language]:
            templates.setdefault(kind, {})[language] = value
    texts = {"fan_out": data["fan_out"], "follow_up": bool(data["follow_up"]),
             "templates": templates}
    if (data.get("send_time") or "").strip():
        texts["send_time"] = data["send_time"].strip()
    school.alert_delay_minutes = data.get("alert_delay_minutes")
    school.sms_window = (data.get("sms_window") or "").strip() or None
    school.settings = {**(school.settings or {}), "texts": texts}  # a new dict: JSON change
    audit.record("school.text_settings", school, actor=actor, before=before,
                 after=form_data(school))
    db.session.commit()


def sample_values(school) -> dict:
    """Language → placeholder values the editor previews with."""
    day = clock.school_today(school)
    return {language: {"student": SAMPLE_STUDENT[language], "class": "九年级1班",
                       "date": format_day(day, language), "time": "08:42",
                       "school": school.name, "school_phone": school.phone or ""}
            for language in SAMPLE_STUDENT}


def previews(school, data: dict) -> dict:
    """Field name → (rendered sample text, Segments), for the template editor."""
    samples = sample_values(school)
    result = {}
    for (kind, language), name in TEMPLATE_FIELDS.items():
        template = (data.get(name) or "").strip() or DEFAULT_TEMPLATES[kind][language]
        text = render(template, samples[language])  # never raises; capped at one message
        result[name] = (text, segments(text))
    return result
