"""Reading and saving a school's text settings, and previewing its templates."""

import json
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from rollcall import audit, clock, school_settings, vocabulary
from rollcall.extensions import db
from rollcall.notify.forms import CODE_FIELDS, TEMPLATE_FIELDS
from rollcall.notify.settings import (
    DEFAULT_TEMPLATES,
    format_day,
    install_template_codes,
    render,
    segments,
)

SAMPLE_STUDENT = {"zh_Hans": "张小明", "en": "Zhang Xiaoming"}


def form_data(school) -> dict:
    """The school's own values (blank where it follows the config default); templates are
    shown in full, the default ones included, so there is something to edit."""
    own = school_settings.read(school, "texts")
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
    data["provider"] = own.get("provider", "")
    for kind, name in CODE_FIELDS.items():
        data[name] = (own.get("template_codes") or {}).get(kind, "")
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
    if data.get("provider"):
        texts["provider"] = data["provider"]
    codes = {kind: (data.get(name) or "").strip() for kind, name in CODE_FIELDS.items()}
    if any(codes.values()):
        texts["template_codes"] = {kind: code for kind, code in codes.items() if code}
    school.alert_delay_minutes = data.get("alert_delay_minutes")
    school.sms_window = (data.get("sms_window") or "").strip() or None
    school_settings.write(school, "texts", texts)
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


def template_code_previews(school, data: dict) -> dict:
    """Text kind → (the template code that will be used, the TemplateParam JSON it gets with
    sample values), for the Aliyun part of the editor."""
    install = install_template_codes(current_app.config)
    sample = sample_values(school)["zh_Hans"]
    with force_locale("zh_Hans"):
        page = _("Rollcall › Today › %(name)s › Attendance", name=sample["class"])
        trigger = vocabulary.sample_case_trigger()
    monday = clock.school_today(school)
    monday -= timedelta(days=monday.weekday())
    staff = {"school": school.name, "class": sample["class"]}
    params = {"absence": sample, "left_after_bag": sample, "follow_up": sample,
              "teacher_reminder": {**staff, "page": page},
              "missing_student": {**staff, "student": sample["student"], "time": "10:05",
                                  "trigger": trigger},
              "screening_reminder": {**staff, "week": format_day(monday, "zh_Hans")}}
    return {kind: ((data.get(name) or "").strip() or install.get(kind, ""),
                   json.dumps(params.get(kind, {}), ensure_ascii=False))
            for kind, name in CODE_FIELDS.items()}
