"""A school's text settings: its own values where set, the config defaults otherwise."""

import json
import math
import string
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app

from rollcall import clock, school_settings
from rollcall.models import School
from rollcall.notify.models import TextKind

FAN_OUT_FIRST = "first"  # the first reachable guardian in contact order
FAN_OUT_ALL = "all"
LANGUAGES = ("zh_Hans", "en")
PLACEHOLDERS = ("student", "class", "date", "time", "school", "school_phone")
# Every kind of text, each with its own Aliyun template code: derived from TextKind, so a kind
# added later gets a code field and is checked like the others.
TEMPLATE_KINDS = tuple(kind.value for kind in TextKind)

DEFAULT_TEMPLATES = {
    "absence": {
        "zh_Hans": "【{school}】家长您好：{student}（{class}）{date}未到校，"
                   "请尽快与班主任联系。学校电话：{school_phone}",
        "en": "{school}: {student} ({class}) is not at school today, {date}. "
              "Please contact the homeroom teacher. School phone: {school_phone}",
    },
    "left_after_bag": {
        "zh_Hans": "【{school}】家长您好：{student}（{class}）{date}早上已到校，晨读后离开，"
                   "第一节课不在班，请尽快与班主任联系。学校电话：{school_phone}",
        "en": "{school}: {student} ({class}) came to school this morning, {date}, but left "
              "after morning reading and was not in class at first class. Please contact the "
              "homeroom teacher at once. School phone: {school_phone}",
    },
    "follow_up": {
        "zh_Hans": "【{school}】{student}（{class}）已于{time}到校，请放心。",
        "en": "{school}: {student} ({class}) arrived at school at {time}.",
    },
    "teacher_reminder": {
        "zh_Hans": "【{school}】{class}今天的考勤尚未提交，请尽快填写：{link}",
        "en": "{school}: today's attendance for {class} is not in yet. Please fill it in: {link}",
    },
}


@dataclass(frozen=True)
class TextSettings:
    delay_minutes: int
    window: tuple[time, time | None]  # None as the end means midnight (24:00)
    send_time: time | None
    fan_out: str
    follow_up: bool
    templates: dict
    provider: str = "twilio"  # the SMS provider this school's texts go through
    template_codes: dict = field(default_factory=dict)  # kind → Aliyun template code


def parse_window(text: str) -> tuple[time, time | None]:
    """'07:00-21:00' → (07:00, 21:00); '00:00-24:00' → (00:00, None). ValueError if malformed."""
    start_text, sep, end_text = (text or "").strip().partition("-")
    if not sep:
        raise ValueError("expected HH:MM-HH:MM")
    start = parse_time(start_text)
    end = None if end_text.strip() == "24:00" else parse_time(end_text)
    if end is not None and end <= start:
        raise ValueError("the window must end after it starts")
    return start, end


def parse_time(text: str) -> time:
    """'07:05' → time(7, 5); ValueError otherwise."""
    return datetime.strptime(text.strip(), "%H:%M").time()


def text_settings(school: School) -> TextSettings:
    """The effective settings of this school (its overrides over the config defaults)."""
    config = current_app.config
    own = school_settings.read(school, "texts")
    templates = {kind: dict(by_language) for kind, by_language in DEFAULT_TEMPLATES.items()}
    for kind, by_language in own.get("templates", {}).items():
        templates.setdefault(kind, {}).update({k: v for k, v in by_language.items() if v})
    return TextSettings(
        delay_minutes=school.alert_delay_minutes if school.alert_delay_minutes is not None
        else int(config["ALERT_DELAY_MINUTES"]),
        window=parse_window(school.sms_window or config["SMS_WINDOW"]),
        send_time=parse_time(own["send_time"]) if own.get("send_time") else None,
        fan_out=own.get("fan_out", config.get("SMS_FAN_OUT", FAN_OUT_FIRST)),
        follow_up=own.get("follow_up", config.get("SMS_FOLLOW_UP", True)),
        templates=templates,
        provider=school_provider(school, config),
        template_codes=template_codes(school, config),
    )


def school_provider(school: School, config) -> str:
    """The school's own SMS provider if it chose one, else the install's SMS_PROVIDER."""
    from rollcall.notify.gateway import PROVIDERS, install_provider

    own = school_settings.read(school, "texts").get("provider")
    return own if own in PROVIDERS else install_provider(config)


def install_template_codes(config) -> dict:
    """ALIYUN_SMS_TEMPLATES as a dict (it may come from the environment as JSON text)."""
    value = config.get("ALIYUN_SMS_TEMPLATES") or {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return {str(k): str(v) for k, v in value.items() if v} if isinstance(value, dict) else {}


def template_codes(school: School, config) -> dict:
    """Text kind → Aliyun template code: the school's own codes over the install's."""
    own = school_settings.read(school, "texts").get("template_codes", {}) or {}
    return {**install_template_codes(config), **{k: v for k, v in own.items() if v}}


def in_window(school: School, settings: TextSettings, instant: datetime | None = None) -> bool:
    """True when the school's wall clock is inside its sending window."""
    wall = clock.to_school_time(school, instant or clock.now()).time()
    start, end = settings.window
    return wall >= start and (end is None or wall < end)


def format_day(day: date, language: str) -> str:
    """11月28日 / 28 Nov: how a date reads inside a text."""
    if language == "zh_Hans":
        return f"{day.month}月{day.day}日"
    return day.strftime("%-d %b")


def absence_text_due(school: School, settings: TextSettings, day: date,
                     absent_since: datetime, *, at_once: bool = False) -> datetime:
    """When the text about a student absent since `absent_since` is due: the school's delay
    after the absence was recorded, not before its fixed send time, not before the sending
    window opens. The send pass texts from then on (while the window is open); the office
    board shows this time, so it promises what the sender does. at_once: a student who left
    after morning reading, whose family is texted at the next pass (the window still holds)."""
    if at_once:
        return max(absent_since, clock.school_datetime(school, day, settings.window[0]))
    due = absent_since + timedelta(minutes=settings.delay_minutes)
    if settings.send_time is not None:
        due = max(due, clock.school_datetime(school, day, settings.send_time))
    return max(due, clock.school_datetime(school, day, settings.window[0]))


def unknown_placeholders(template: str) -> list[str]:
    """Names in {braces} that are not placeholders; ValueError on unbalanced braces."""
    names = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    return [name for name in names if name not in PLACEHOLDERS + ("link",)]


def formatted_placeholders(template: str) -> list[str]:
    """Placeholders written with a format or conversion ({student:d}, {student!r}): refused,
    since one can fail every send or blow a text up to megabytes ({student:>20000000})."""
    return [field for _, field, spec, conversion in string.Formatter().parse(template)
            if field is not None and (spec or conversion)]


# What Twilio takes in one message body; a longer rendering is cut there.
MAX_TEXT_CHARACTERS = 1600
SAMPLE_VALUES = {
    "zh_Hans": {"student": "张小明", "class": "九年级1班", "date": "11月23日星期一",
                "time": "08:42", "school": "育英中学", "school_phone": "010-12345678",
                "link": "https://rollcall.example/checks"},
    "en": {"student": "Zhang Xiaoming", "class": "Grade 9 Class 1", "date": "Mon, Nov 23",
           "time": "08:42", "school": "Yuying Middle School", "school_phone": "010-12345678",
           "link": "https://rollcall.example/checks"},
}


def template_problem(template: str) -> str | None:
    """Why a template cannot be sent ("braces", "unknown", "format", "length"), or None.

    Rendered with sample values in every language, as a send would render it.
    """
    try:
        if unknown_placeholders(template):
            return "unknown"
        if formatted_placeholders(template):
            return "format"
    except ValueError:
        return "braces"
    for values in SAMPLE_VALUES.values():
        if len(_PlainFormatter().vformat(template, (), values)) > MAX_TEXT_CHARACTERS:
            return "length"
    return None


def render(template: str, values: dict) -> str:
    """Fill the placeholders; a missing value renders empty rather than failing a send.

    Formats and conversions are ignored and the result is capped, so even a template stored
    before these were refused renders (never raises, never grows past one message).
    """
    try:
        text = _PlainFormatter().vformat(template, (), values)
    except ValueError:  # unbalanced braces: send the words as written
        text = template
    return text[:MAX_TEXT_CHARACTERS]


class _PlainFormatter(string.Formatter):
    """Only {name} → the value as text: no attributes, indexes, formats or conversions."""

    def get_field(self, field_name, args, kwargs):
        return kwargs.get(field_name, ""), field_name

    def convert_field(self, value, conversion):
        return value

    def format_field(self, value, format_spec):
        return "" if value is None else str(value)


GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")
# Units of one text, and of each part once a text is split: by encoding.
SEGMENT_SIZES = {"GSM-7": (160, 153), "UCS-2": (70, 67)}


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # characters as the network counts them
    count: int


def segments(text: str) -> Segments:
    """How many SMS segments text takes: GSM-7 160 (153 per part), UCS-2 70 (67 per part)."""
    if all(char in GSM7 or char in GSM7_EXTENDED for char in text):
        units = sum(2 if char in GSM7_EXTENDED else 1 for char in text)
        encoding = "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        encoding = "UCS-2"
    single, part = SEGMENT_SIZES[encoding]
    count = 1 if units <= single else math.ceil(units / part)
    return Segments(encoding, units, count if units else 0)


def segment_rule() -> dict:
    """The rule of segments(), as the text settings page hands it to notify.js: the browser
    counts with the server's alphabets and sizes, never copies of them."""
    return {"gsm7": "".join(sorted(GSM7)), "gsm7_extended": "".join(sorted(GSM7_EXTENDED)),
            "sizes": SEGMENT_SIZES}
