"""What the office board shows about parent texts: the notify area's outbox, read for the office.

For each absent student: the text's status (due at …, queued, sent, delivered, failed: call
this parent, not sent, opted out, texts switched off, window closed, no phone, not needed),
the parents' replies, and the reminders teachers got when attendance was overdue.
"""

from datetime import date, datetime

from rollcall import clock
from rollcall.checks.models import DUE_AT_ONCE, TEXTED_ABSENT, CheckEntry, CheckKind
from rollcall.checks.services import attendance_entries
from rollcall.extensions import db
from rollcall.models import School
from rollcall.notify import services as notify
from rollcall.notify.models import OutboxStudent, OutboxText, SmsReply, TextStatus
from rollcall.notify.settings import absence_text_due, text_settings
from rollcall.office.states import ParentTextState
from rollcall.phones import takes_texts

# The outbox's own states, as the office reads them.
OFFICE_TEXT_STATE = {
    TextStatus.QUEUED: ParentTextState.QUEUED, TextStatus.SENDING: ParentTextState.QUEUED,
    TextStatus.SUBMITTED: ParentTextState.SENT, TextStatus.SENT: ParentTextState.SENT,
    TextStatus.DELIVERED: ParentTextState.DELIVERED, TextStatus.UNDELIVERED: ParentTextState.FAILED,
    TextStatus.FAILED: ParentTextState.FAILED, TextStatus.NOT_SENT: ParentTextState.NOT_SENT,
    TextStatus.CANCELLED: ParentTextState.NONE,
}


def absence_contacts(school_id: int, day: date, student_ids) -> dict[int, dict]:
    """{student_id: {"text": state, "reply": str | None, "due_at": datetime | None}}."""
    ids = list(student_ids)
    if not ids:
        return {}
    school = db.session.get(School, school_id)
    texts = notify.absence_text_statuses(school_id, day)
    entries = attendance_entries(school_id, day, ids)
    result = {}
    for student_id in ids:
        known = texts.get(student_id)
        if known is not None:
            state = (ParentTextState.FAILED if known.call_parent
                     else OFFICE_TEXT_STATE.get(known.status, ParentTextState.NONE))
            reply = " / ".join(known.replies) or None
            result[student_id] = {"text": state, "reply": reply, "due_at": None,
                                  "no_replies": not known.replies_possible
                                  and state in ("sent", "delivered")}
        else:
            result[student_id] = _not_yet_texted(school, day, entries.get(student_id))
    return result


def _not_yet_texted(school: School, day: date, entry: CheckEntry | None) -> dict:
    """No text in the outbox yet: will one go, when, or why not."""
    blank = {"text": ParentTextState.NONE, "reply": None, "due_at": None}
    if entry is None or entry.status not in TEXTED_ABSENT:
        return blank  # excused absences are never texted
    guardians = [link.guardian for link in entry.student.guardian_links]
    if not any(guardian.phone_e164 for guardian in guardians):
        return {**blank, "text": ParentTextState.NO_PHONE}
    if not any(guardian.can_receive_texts for guardian in guardians):
        return {**blank, "text": _why_no_texts(guardians)}
    if day != clock.school_today(school):
        return {**blank, "text": ParentTextState.NOT_TEXTED}  # only today's absences are texted
    try:
        settings = text_settings(school)
    except ValueError:  # the school's text settings are broken: the sender skips it too
        return {**blank, "text": ParentTextState.NOT_TEXTED}
    due = absence_text_due(school, day=day, settings=settings, absent_since=entry.status_since,
                           at_once=entry.status in DUE_AT_ONCE)
    closes = settings.window[1]
    if closes is not None and due >= clock.school_datetime(school, day, closes):
        return {**blank, "text": ParentTextState.WINDOW_CLOSED}
    return {**blank, "text": ParentTextState.DUE, "due_at": due}


def _why_no_texts(guardians) -> str:
    """Opted out only when every guardian with a phone said STOP; no mobile when no number
    can take a text (a landline: call it); else the office's switch."""
    phoned = [guardian for guardian in guardians if guardian.phone_e164]
    if all(guardian.opted_out_at is not None for guardian in phoned):
        return ParentTextState.OPTED_OUT
    if not any(takes_texts(guardian.phone_e164) for guardian in phoned):
        return ParentTextState.NO_MOBILE
    return ParentTextState.TEXTS_OFF


def overdue_reminders(school_id: int, day: date) -> dict[tuple[int, str], datetime]:
    """{(homeroom_id, "attendance"): when its teacher was reminded} for that day."""
    return {(reminder.homeroom_id, str(CheckKind.ATTENDANCE)): reminder.created_at
            for reminder in notify.overdue_reminders(school_id, day)}


def student_texts(student_id: int) -> list[dict]:
    """Every text about this student with its state and replies, newest first."""
    texts = db.session.scalars(
        db.select(OutboxText).join(OutboxStudent)
        .where(OutboxStudent.student_id == student_id)
        .order_by(OutboxText.created_at.desc(), OutboxText.id.desc())).unique().all()
    replies: dict[int, list[str]] = {}
    for reply in db.session.scalars(db.select(SmsReply).where(
            SmsReply.text_id.in_([text.id for text in texts])).order_by(SmsReply.received_at)):
        replies.setdefault(reply.text_id, []).append(reply.body)
    return [
        {"at": text.sent_at or text.created_at, "kind": text.kind,
         "status": OFFICE_TEXT_STATE.get(text.status, ParentTextState.NONE),
         "reply": " / ".join(replies.get(text.id, [])) or None}
        for text in texts
    ]
