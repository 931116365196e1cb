"""Parent texts as services: the send pass, delivery callbacks, replies, and what staff see."""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError

from rollcall import audit, clock
from rollcall.extensions import db, insert_unless_present
from rollcall.models import Guardian, School, Student
from rollcall.notify.carrier import replies_possible
from rollcall.notify.gateway import (
    ALIYUN,
    OPTED_OUT,
    TWILIO_STATUSES,
    has_twilio,
)
from rollcall.notify.models import (
    ABSENCE_KINDS,
    CALL_INSTEAD,
    InboundMessage,
    OutboxStudent,
    OutboxText,
    SmsReply,
    TeacherReminder,
    TextKind,
    TextStatus,
)
from rollcall.notify.sender import LOOKUP_ERRORS, opt_out_phone
from rollcall.phones import mask
from rollcall.state_change import compare_and_set

log = logging.getLogger(__name__)

# Twilio's own keywords (it answers them itself; Rollcall keeps its records in step).
OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_WORDS = {"START", "YES", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}
# Texts to staff phones: a reply from such a phone is not a parent's answer.
STAFF_TEXTS = (TextKind.TEACHER_REMINDER, TextKind.MISSING_STUDENT, TextKind.SCREENING_REMINDER,
               TextKind.TEST_TEXT)
STATUS_RANK = {TextStatus.QUEUED: 0, TextStatus.SENDING: 0, TextStatus.SUBMITTED: 1,
               TextStatus.SENT: 2, TextStatus.DELIVERED: 3, TextStatus.UNDELIVERED: 3,
               TextStatus.FAILED: 3}


# Delivery reports are asked for this long after the text was accepted, then no more.
REPORT_WINDOW = timedelta(days=2)


def poll_delivery_reports(gateways) -> int:
    """Ask Aliyun for the carrier's report of every text it accepted that has none yet.

    Aliyun pushes no callback here, so each pass polls QuerySendDetails until the status is
    final (delivered or not delivered); "not delivered" shows "Call this parent".
    """
    texts = db.session.scalars(db.select(OutboxText).where(
        OutboxText.provider == ALIYUN,
        OutboxText.status.in_([TextStatus.SUBMITTED, TextStatus.SENT]),
        OutboxText.created_at >= clock.now() - REPORT_WINDOW).order_by(OutboxText.id)).all()
    if not texts:
        return 0
    gateway, updated = gateways.get(ALIYUN), 0
    if not hasattr(gateway, "delivery_status"):  # no Aliyun credentials any more
        return 0
    for text in texts:
        try:
            report = gateway.delivery_status(text)
        except LOOKUP_ERRORS as error:  # Aliyun cannot be asked now: the next pass asks again
            log.warning("delivery reports: %s asking Aliyun", error)
            break
        if report is None or STATUS_RANK[report.status] <= STATUS_RANK[text.status]:
            continue
        text.status, text.status_at = report.status, clock.now()
        text.provider_error = report.provider_error or text.provider_error
        updated += 1
    db.session.commit()
    return updated


def status_callbacks_missing(config) -> bool:
    """Twilio is configured but has no public address to report delivery to."""
    return has_twilio(config) and not config.get("PUBLIC_BASE_URL")


def texts_waiting() -> int:
    """Texts of today still queued or being sent (any school)."""
    return db.session.scalar(
        db.select(db.func.count()).select_from(OutboxText)
        .where(OutboxText.status.in_([TextStatus.QUEUED, TextStatus.SENDING]))
    )


def apply_status_callback(sid: str, status: str, error_code, text_id=None) -> bool:
    """Record a delivery status from Twilio; repeats and late arrivals change nothing. Two
    reports of one text arriving at once (at two web workers) are applied one after the
    other: the status only moves forward, whichever commits first."""
    new = TWILIO_STATUSES.get((status or "").lower())
    if new is None:
        return False
    code = int(error_code) if str(error_code or "").isdigit() else None
    for _attempt in range(len(STATUS_RANK)):  # each retry: another report moved it forward
        text = _reported_text(sid, text_id)
        if text is None or text.status not in STATUS_RANK:
            return False
        if STATUS_RANK[new] <= STATUS_RANK[text.status]:
            return False
        values = {"status": new, "twilio_sid": sid, "status_at": clock.now(),
                  "claim_token": None} | ({"error_code": code} if code else {})
        if compare_and_set(text, {"status": text.status}, values):
            if code == OPTED_OUT:
                opt_out_phone(text.to_e164, text.school_id)
            db.session.commit()
            return True
        db.session.rollback()  # another report came first: read the text again
    return False


def _reported_text(sid: str, text_id) -> OutboxText | None:
    text = db.session.scalar(db.select(OutboxText).where(OutboxText.twilio_sid == sid))
    if text is None and text_id is not None:  # the callback beat the sender's own record
        text = db.session.scalar(db.select(OutboxText).where(
            OutboxText.id == text_id, OutboxText.twilio_sid.is_(None),
            OutboxText.status == TextStatus.SENDING))
    return text


def handle_inbound(phone: str, body: str, sid: str) -> str:
    """A text from a parent: STOP/START/HELP keep opt-outs in step; anything else is a reply.

    Each MessageSid is acted on once: a replayed webhook (an old START after a later STOP)
    changes nothing. The sid is stored in the same transaction as what it caused.
    """
    table = InboundMessage.__table__
    first_time = db.session.execute(insert_unless_present(
        table, db.session.get_bind().dialect.name, twilio_sid=sid, received_at=clock.now(),
    ).returning(table.c.twilio_sid)).scalar_one_or_none()
    if first_time is None:
        db.session.rollback()
        log.info("inbound text %s already handled: ignored", sid)
        return "duplicate"
    keyword = (body or "").strip().upper()
    guardians = db.session.scalars(db.select(Guardian).where(Guardian.phone_e164 == phone)).all()
    if keyword in OPT_OUT_WORDS or keyword in OPT_IN_WORDS:
        _set_opt_out(guardians, keyword in OPT_OUT_WORDS)
        return "opt_out" if keyword in OPT_OUT_WORDS else "opt_in"
    if keyword in HELP_WORDS:
        db.session.commit()
        return "help"
    return _store_reply(phone, body, sid, guardians)


def _set_opt_out(guardians, out: bool) -> None:
    for guardian in guardians:
        if (guardian.opted_out_at is not None) == out:
            continue
        guardian.opted_out_at = clock.now() if out else None
        audit.record("guardian.opted_out" if out else "guardian.opted_in", guardian,
                     before={"opted_out": not out}, after={"opted_out": out, "via": "sms"})
    db.session.commit()


def _store_reply(phone, body, sid, guardians) -> str:
    """File a reply under the school of the text it answers (the latest text to that phone);
    a phone that no text went to is filed under each school whose guardian it is."""
    if db.session.scalar(db.select(SmsReply.id).where(SmsReply.twilio_sid == sid)):
        db.session.commit()  # stored before sids were remembered on their own
        return "duplicate"
    text = db.session.scalar(
        db.select(OutboxText).where(OutboxText.to_e164 == phone,
                                    OutboxText.kind.not_in(STAFF_TEXTS))
        .order_by(OutboxText.created_at.desc(), OutboxText.id.desc()).limit(1))
    if text is not None:
        filed = {text.school_id: text.guardian or _of_school(guardians, text.school_id)}
    else:
        filed = {guardian.school_id: _of_school(guardians, guardian.school_id)
                 for guardian in guardians}
    if not filed:
        log.info("reply from unknown number %s ignored", mask(phone))
        db.session.commit()
        return "unknown"
    for school_id, guardian in filed.items():
        today = clock.school_today(db.session.get(School, school_id))
        on_today = text if text is not None and text.school_date == today else None
        db.session.add(SmsReply(school_id=school_id, school_date=today,
                                text_id=on_today.id if on_today else None,
                                guardian_id=guardian.id if guardian else None, from_e164=phone,
                                body=body[:1600], twilio_sid=sid, received_at=clock.now()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    log.info("reply from %s stored in %d school(s) (%d characters)", mask(phone), len(filed),
             len(body))
    return "reply"


def _of_school(guardians, school_id):
    """The first of the phone's guardians in that school, if any."""
    return next((guardian for guardian in guardians if guardian.school_id == school_id), None)


@dataclass
class TextRow:
    """A text as staff see it: who it is about, its status and the replies to it."""

    text: OutboxText
    students: list[Student]
    replies: list[SmsReply] = field(default_factory=list)

    @property
    def call_parent(self) -> bool:
        return self.text.status in CALL_INSTEAD


def texts_for_day(school_id: int, day: date, homeroom_ids=None) -> list[TextRow]:
    """Every text of the school that day, newest first (a teacher: their classes' parents)."""
    query = (db.select(OutboxText)
             .where(OutboxText.school_id == school_id, OutboxText.school_date == day)
             .order_by(OutboxText.created_at.desc(), OutboxText.id.desc()))
    if homeroom_ids is not None:
        query = query.where(OutboxText.id.in_(
            db.select(OutboxStudent.text_id).join(Student)
            .where(Student.homeroom_id.in_(homeroom_ids))))
    texts = db.session.scalars(query).all()
    replies: dict[int, list[SmsReply]] = {}
    for reply in replies_for_day(school_id, day):
        replies.setdefault(reply.text_id, []).append(reply)
    return [TextRow(text, [link.student for link in text.students], replies.get(text.id, []))
            for text in texts]


def replies_for_day(school_id: int, day: date) -> list[SmsReply]:
    """Parents' replies received that school day, oldest first."""
    return db.session.scalars(
        db.select(SmsReply).where(SmsReply.school_id == school_id, SmsReply.school_date == day)
        .order_by(SmsReply.received_at, SmsReply.id)).all()


@dataclass
class AbsenceText:
    status: str  # the best status among the absence texts about this student
    call_parent: bool  # no text reached a parent: phone them
    replies: list[str] = field(default_factory=list)
    # False when every text about the student went where no reply can come back
    # (a +86 number, or Aliyun): the office calls instead of waiting for one.
    replies_possible: bool = False


def absence_text_statuses(school_id: int, day: date) -> dict[int, AbsenceText]:
    """For the office board: student id → how the absence texts about them are doing.

    The status is the best among the texts (any text still going or through beats a failed
    one); call_parent only when every absence text about the student failed.
    """
    result: dict[int, AbsenceText] = {}
    for row in texts_for_day(school_id, day):
        if row.text.kind not in ABSENCE_KINDS:
            continue
        for student in row.students:
            current = result.setdefault(student.id, AbsenceText(row.text.status, True))
            if _text_rank(row.text.status) > _text_rank(current.status):
                current.status = row.text.status
            current.call_parent = current.call_parent and row.call_parent
            current.replies_possible = current.replies_possible or replies_possible(
                row.text.to_e164, row.text.provider)
            current.replies.extend(reply.body for reply in row.replies)
    return result


def _text_rank(status) -> tuple[bool, int]:
    """Order of absence text statuses for the board: not failed first, then furthest along."""
    return status not in CALL_INSTEAD, STATUS_RANK.get(status, 0)


def overdue_reminders(school_id: int, day: date) -> list[TeacherReminder]:
    """For the office board: homerooms whose attendance was overdue at the cut-off that day."""
    return db.session.scalars(
        db.select(TeacherReminder).where(TeacherReminder.school_id == school_id,
                                         TeacherReminder.school_date == day)
        .order_by(TeacherReminder.homeroom_id)).all()
