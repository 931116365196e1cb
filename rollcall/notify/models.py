"""The outbox of parent and teacher texts, the students each text is about, replies, reminders."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, School, Student, User


class TextWait(enum.StrEnum):
    """What an unsent text is waiting for, as the office reads it."""

    SCHEDULER = "scheduler"  # the next send pass (within a minute while a scheduler runs)
    SCHEDULER_STOPPED = "scheduler_stopped"  # a pass that will not come: none is running
    WINDOW = "window"  # the school's sending window to open
    PROVIDER = "provider"  # the SMS provider: being sent, or a retry after an error
    FAILED = "failed"  # nothing more will be tried


class TextKind(enum.StrEnum):
    ABSENCE = "absence"
    # To the family of a student who came to school and left after morning reading: its
    # words say so, where the absence text says the student did not arrive.
    LEFT_AFTER_BAG = "left_after_bag"
    FOLLOW_UP = "follow_up"
    TEACHER_REMINDER = "teacher_reminder"
    MISSING_STUDENT = "missing_student"  # to the on-duty office phones (rollcall.cases)
    SCREENING_REMINDER = "screening_reminder"  # the week's conflict screening is overdue
    TEST_TEXT = "test_text"  # the admin's test of an on-duty phone (rollcall.notify.test_texts)


class TextStatus(enum.StrEnum):
    QUEUED = "queued"  # decided, waiting for a sender
    SENDING = "sending"  # claimed by a sender
    SUBMITTED = "submitted"  # Twilio accepted it (queued/accepted on their side)
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    NOT_SENT = "not_sent"  # no SMS provider configured
    CANCELLED = "cancelled"  # the student arrived before it went, or the day ended

# Texts to a family about a student not in class, each kind true of its students.
ABSENCE_KINDS = frozenset({TextKind.ABSENCE, TextKind.LEFT_AFTER_BAG})
# A text "went out" once Twilio has it; only these get a follow-up.
WENT_OUT = frozenset({TextStatus.SUBMITTED, TextStatus.SENT, TextStatus.DELIVERED,
                      TextStatus.UNDELIVERED})
# Texts a parent never got: the office should phone instead.
CALL_INSTEAD = frozenset({TextStatus.FAILED, TextStatus.UNDELIVERED})


class OutboxText(db.Model):
    """One text to one phone number, written in the same transaction as the decision to send."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    school_date: Mapped[date] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20))
    to_e164: Mapped[str] = mapped_column(String(20), index=True)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    language: Mapped[str] = mapped_column(String(16), default="zh_Hans")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=TextStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    # Set after an ambiguous failure: Twilio may hold the message, so look before resending.
    needs_lookup: Mapped[bool] = mapped_column(default=False)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]
    first_claimed_at: Mapped[datetime | None]
    # The provider's id of the message: Twilio's SID, or Aliyun's BizId.
    twilio_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[int | None]
    # Which provider took (or may have taken) the text, so lookups and reports ask that one.
    provider: Mapped[str | None] = mapped_column(String(16))
    # The placeholders the body was composed with (JSON): Aliyun sends these, not the body.
    template_params: Mapped[str | None] = mapped_column(Text)
    provider_error: Mapped[str | None] = mapped_column(String(64))  # e.g. isv.AMOUNT_NOT_ENOUGH
    error_message: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    sent_at: Mapped[datetime | None]
    status_at: Mapped[datetime | None]

    school: Mapped[School] = relationship()
    guardian: Mapped[Guardian | None] = relationship()
    user: Mapped[User | None] = relationship()
    students: Mapped[list["OutboxStudent"]] = relationship(
        back_populates="text", cascade="all, delete-orphan", order_by="OutboxStudent.student_id"
    )


class OutboxStudent(db.Model):
    """A student a text is about. The unique key is the "once" promise, kept by the database:
    one text of each kind per phone per student per school day."""

    __tablename__ = "sms_outbox_students"
    __table_args__ = (UniqueConstraint("student_id", "school_date", "kind", "to_e164"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("sms_outbox.id", ondelete="CASCADE"),
                                         index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    school_date: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))
    to_e164: Mapped[str] = mapped_column(String(20))

    text: Mapped[OutboxText] = relationship(back_populates="students")
    student: Mapped[Student] = relationship()


class SmsReply(db.Model):
    """A parent's reply, attached to the text it answers (and so to the students' absence)."""

    __tablename__ = "sms_replies"
    # A reply answering no text is filed under each school whose guardian the phone is.
    __table_args__ = (UniqueConstraint("twilio_sid", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    school_date: Mapped[date] = mapped_column(index=True)
    text_id: Mapped[int | None] = mapped_column(ForeignKey("sms_outbox.id"), index=True)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id"))
    from_e164: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    twilio_sid: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=clock.now)

    school: Mapped[School] = relationship()
    text: Mapped[OutboxText | None] = relationship()
    guardian: Mapped[Guardian | None] = relationship()


class InboundMessage(db.Model):
    """Every inbound text's MessageSid, so a replayed webhook (a START after a later STOP)
    is answered but never acted on twice."""

    __tablename__ = "inbound_messages"

    twilio_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=clock.now)


class TeacherReminder(db.Model):
    """The attendance check of a homeroom was overdue at the cut-off; the teacher was told."""

    __tablename__ = "teacher_reminders"
    __table_args__ = (UniqueConstraint("homeroom_id", "school_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    homeroom_id: Mapped[int] = mapped_column(ForeignKey("homerooms.id"))
    school_date: Mapped[date] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    texts_queued: Mapped[int] = mapped_column(default=0)

    homeroom: Mapped[Homeroom] = relationship()


class SchedulerHeartbeat(db.Model):
    """One scheduler process's last signs of life: the office and /healthz read these to know
    whether texts and reminders are going out (rollcall.notify.heartbeat)."""

    __tablename__ = "scheduler_heartbeats"
    __table_args__ = (UniqueConstraint("host", "pid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    # "running" (holds the lock and ticks) or "waiting" (a standby waiting for the lock).
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_tick_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    last_send_pass_at: Mapped[datetime | None]
