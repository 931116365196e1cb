"""The absence texts job: deciding which parent texts are due, from the stored attendance, and
writing them to the outbox (rollcall.notify sends them).

Every decision is taken from what is stored (today's submitted attendance checks and the
outbox), so a restart, a second process or a check edited ten times decides the same thing;
the unique key on sms_outbox_students turns any race into "already decided".
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from rollcall import clock
from rollcall.checks.models import (
    ARRIVED,
    DUE_AT_ONCE,
    TEXT_OF_STATUS,
    TEXTED_ABSENT,
    Check,
    CheckEntry,
    CheckKind,
)
from rollcall.checks.services import attendance_entries
from rollcall.extensions import db
from rollcall.models import Guardian, Student
from rollcall.notify.carrier import carrier_ready, signature
from rollcall.notify.models import (
    ABSENCE_KINDS,
    WENT_OUT,
    OutboxStudent,
    OutboxText,
    TextKind,
    TextStatus,
)
from rollcall.notify.settings import (
    FAN_OUT_FIRST,
    absence_text_due,
    format_day,
    in_window,
    render,
    text_settings,
)

log = logging.getLogger(__name__)


@dataclass
class Recipient:
    """One phone and the students it should hear about (siblings share one text)."""

    phone: str
    guardian_id: int
    language: str
    students: list = field(default_factory=list)  # (Student, CheckEntry)


def queue_due_texts(school) -> int:
    """Write today's due absence texts and follow-ups of one school; return how many."""
    settings = text_settings(school)
    if not in_window(school, settings):
        return 0  # due texts wait for the window: nothing is decided outside it
    day = clock.school_today(school)
    _cancel_unsent(school.id, day)
    entries = attendance_entries(school.id, day)
    # Decide everything before writing: a commit would expire the loaded entries. A phone
    # with one child absent and another who left hears of each in a text true of it.
    absences = {kind: _due_absences(school, settings, day, entries, status, kind)
                for status, kind in TEXT_OF_STATUS.items()}
    follow_ups = _due_follow_ups(day, entries) if settings.follow_up else []
    return (sum(_write(school, settings, day, kind, due) for kind, due in absences.items())
            + _write(school, settings, day, TextKind.FOLLOW_UP, follow_ups))


def _cancel_unsent(school_id: int, day: date) -> None:
    """Queued texts of past days, and absence texts none of whose students is still as the
    text says (arrived, or recorded otherwise), never go.

    Not a text that may already be at Twilio (an ambiguous failure waits for its lookup), and
    only while it is still queued: a sender may claim it meanwhile.
    """
    waiting = db.session.scalars(
        db.select(OutboxText).where(OutboxText.school_id == school_id,
                                    OutboxText.status == TextStatus.QUEUED,
                                    OutboxText.needs_lookup.is_(False))
        .options(selectinload(OutboxText.students))
    ).all()
    if not waiting:
        return
    absent_now = {(student_id, TEXT_OF_STATUS[status]) for student_id, status in
                  db.session.execute(
        db.select(CheckEntry.student_id, CheckEntry.status).join(Check)
        .where(Check.school_id == school_id, Check.school_date == day,
               Check.kind == CheckKind.ATTENDANCE,
               CheckEntry.status.in_(sorted(TEXTED_ABSENT))))}
    stale = [text.id for text in waiting if text.school_date < day or (
        text.kind in ABSENCE_KINDS
        and not any((link.student_id, text.kind) in absent_now for link in text.students))]
    if stale:
        db.session.execute(
            update(OutboxText)
            .where(OutboxText.id.in_(stale), OutboxText.status == TextStatus.QUEUED,
                   OutboxText.needs_lookup.is_(False))
            .values(status=TextStatus.CANCELLED, status_at=clock.now())
            .execution_options(synchronize_session=False))
        db.session.commit()


def _linked(day: date, kind: str, student_ids) -> set[tuple[int, str]]:
    if not student_ids:
        return set()
    rows = db.session.execute(
        db.select(OutboxStudent.student_id, OutboxStudent.to_e164)
        .where(OutboxStudent.school_date == day, OutboxStudent.kind == kind,
               OutboxStudent.student_id.in_(student_ids))
    )
    return {(student_id, phone) for student_id, phone in rows}


def _due_absences(school, settings, day, entries, status, kind) -> list[Recipient]:
    """The phones due a text of this kind about the students of this status."""
    now = clock.now()
    absent = [entry for entry in entries.values() if entry.status == status]
    due = {entry.student_id for entry in absent
           if absence_text_due(school, settings, day, entry.status_since,
                               at_once=entry.status in DUE_AT_ONCE) <= now}
    done = _linked(day, kind, [entry.student_id for entry in absent])
    # A phone with a due student also hears about the other absent students it would be
    # texted about, even before their own delay runs out: one combined text beats two.
    return [recipient for recipient in _recipients(absent, done, settings.fan_out)
            if any(student.id in due for student, _ in recipient.students)]


def _due_follow_ups(day, entries) -> list[Recipient]:
    arrived = [entry for entry in entries.values() if entry.status in ARRIVED]
    if not arrived:
        return []
    went_out = db.session.execute(
        db.select(OutboxStudent.student_id, OutboxText.to_e164, OutboxText.guardian_id,
                  OutboxText.language, Guardian)
        .select_from(OutboxStudent).join(OutboxText)
        .join(Guardian, Guardian.id == OutboxText.guardian_id)
        .where(OutboxStudent.school_date == day,
               OutboxStudent.kind.in_(sorted(ABSENCE_KINDS)),
               OutboxStudent.student_id.in_([entry.student_id for entry in arrived]),
               OutboxText.status.in_(WENT_OUT))
    ).all()
    done = _linked(day, TextKind.FOLLOW_UP, [entry.student_id for entry in arrived])
    by_phone: dict[str, Recipient] = {}
    for student_id, phone, guardian_id, language, guardian in went_out:
        if (student_id, phone) in done or not guardian.can_receive_texts:
            continue  # a parent who replied STOP or was switched off hears no more
        recipient = by_phone.setdefault(phone, Recipient(phone, guardian_id, language))
        entry = entries[student_id]
        if all(student.id != student_id for student, _ in recipient.students):
            recipient.students.append((entry.student, entry))  # once, if both kinds went
    return list(by_phone.values())


def _recipients(due, done, fan_out) -> list[Recipient]:
    """Group the due students by phone, in contact order, skipping what was decided before."""
    by_phone: dict[str, Recipient] = {}
    for entry in sorted(due, key=lambda e: e.student_id):
        student: Student = entry.student
        if not student.active:
            continue
        reachable = [link.guardian for link in student.guardian_links
                     if link.guardian.can_receive_texts]
        for guardian in reachable[:1] if fan_out == FAN_OUT_FIRST else reachable:
            if (student.id, guardian.phone_e164) in done:
                continue
            recipient = by_phone.setdefault(
                guardian.phone_e164,
                Recipient(guardian.phone_e164, guardian.id, guardian.language))
            if all(s.id != student.id for s, _ in recipient.students):
                recipient.students.append((student, entry))
    return list(by_phone.values())


def _write(school, settings, day, kind, recipients: list[Recipient]) -> int:
    """One outbox row per phone with its links, all in one transaction with the decision.

    If another pass decided some of them first (a unique key says so), retry one row per
    transaction so the others still go in.
    """
    drafts = [(r.phone, r.guardian_id, r.language, [s.id for s, _ in r.students],
               *compose_text(school, settings, day, kind, r)) for r in recipients]
    if not drafts:
        return 0
    try:
        _add_texts(school.id, day, kind, drafts)
        db.session.commit()
        written = len(drafts)
    except IntegrityError:
        db.session.rollback()
        written = 0
        for draft in drafts:
            try:
                _add_texts(school.id, day, kind, [draft])
                db.session.commit()
                written += 1
            except IntegrityError:
                db.session.rollback()  # another pass decided this one first
    log.info("queued %d %s text(s) for school %s", written, kind, school.id)
    return written


def _add_texts(school_id, day, kind, drafts) -> None:
    now = clock.now()
    for phone, guardian_id, language, student_ids, body, values in drafts:
        text = OutboxText(school_id=school_id, school_date=day, kind=kind, to_e164=phone,
                          guardian_id=guardian_id, language=language, body=body,
                          template_params=json.dumps(values, ensure_ascii=False),
                          status=TextStatus.QUEUED, next_attempt_at=now, created_at=now)
        text.students = [OutboxStudent(student_id=student_id, school_date=day, kind=kind,
                                       to_e164=phone) for student_id in student_ids]
        db.session.add(text)
    db.session.flush()


def compose_body(school, settings, day, kind, recipient: Recipient) -> str:
    """The text in the guardian's language, naming every student it is about."""
    return compose_text(school, settings, day, kind, recipient)[0]


def compose_text(school, settings, day, kind, recipient: Recipient) -> tuple[str, dict]:
    """The body (carriers' rules applied for +86) and the placeholder values it was filled
    with, which a template provider (Aliyun) sends instead of the body."""
    language = recipient.language if recipient.language in ("zh_Hans", "en") else "zh_Hans"
    if settings.provider == "aliyun":
        language = "zh_Hans"  # Aliyun sends its approved (Chinese) template to every parent
    template = settings.templates[kind][language]
    values = placeholder_values(school, day, language, recipient)
    sign = signature(school, settings.provider, current_app.config)
    return carrier_ready(render(template, values), recipient.phone, sign), values


def placeholder_values(school, day, language, recipient: Recipient) -> dict:
    """student, class, date, time, school, school_phone for this recipient."""
    students = [student for student, _ in recipient.students]
    joiner = "、" if language == "zh_Hans" else " and "
    classes = list(dict.fromkeys(s.homeroom.name for s in students if s.homeroom))
    arrivals = [entry.arrived_at or entry.status_since for _, entry in recipient.students]
    arrived = clock.to_school_time(school, max(arrivals)).strftime("%H:%M") if arrivals else ""
    return {
        "student": joiner.join(s.name for s in students),
        "class": joiner.join(classes),
        "date": format_day(day, language),
        "time": arrived,
        "school": school.name,
        "school_phone": school.phone or "",
    }

