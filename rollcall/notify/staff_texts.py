"""Texts to staff (a teacher's reminder, the on-duty phones' alert of a missing student),
queued through the outbox like the parents' texts: the sender sends them all."""

import json

from flask import current_app
from sqlalchemy.exc import IntegrityError

from rollcall import clock
from rollcall.extensions import db
from rollcall.notify.models import OutboxText
from rollcall.notify.settings import LANGUAGES


def public_link(path: str) -> str:
    """A page of this install as a text links to it (PUBLIC_BASE_URL, else the bare path)."""
    return (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/") + path


def teachers_to_text(homeroom, school) -> list:
    """(teacher, language) for each active teacher of the class who has a phone: the
    teacher's language, else the school's, else Chinese."""
    found = []
    for teacher in homeroom.teachers:
        if teacher.active and teacher.phone_e164:
            language = teacher.locale or school.locale
            found.append((teacher, language if language in LANGUAGES else "zh_Hans"))
    return found


def queue_text(school, day, kind, phone: str, language: str, body: str, params: dict,
               user=None) -> OutboxText:
    """Add one text to the outbox, due now; params are the placeholders an Aliyun template
    is sent with."""
    text = OutboxText(school_id=school.id, school_date=day, kind=kind, to_e164=phone,
                      user_id=user.id if user else None, language=language, body=body,
                      template_params=json.dumps(params, ensure_ascii=False),
                      next_attempt_at=clock.now(), created_at=clock.now())
    db.session.add(text)
    return text


def save_once(reminder) -> int:
    """Commit a reminder row with its texts: 1, or 0 when it was already there (its unique
    key: another pass reminded first) and nothing of this one is kept."""
    db.session.add(reminder)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return 0
    return 1
