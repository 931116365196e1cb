"""A missing-student case, its timeline, and the texts that told the on-duty office phones."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Homeroom, Student, User, received_late
from rollcall.notify.models import OutboxText


class CaseTrigger(enum.StrEnum):
    FAMILY_UNAWARE = "family_unaware"  # the family was reached and did not know
    NOT_FOUND = "not_found"  # marked "not found" at the dismissal sweep
    UNREACHED = "unreached"  # absent, no text delivered, no family reached by the set time
    # Left after the bag check at morning reading, and the family did not know where the
    # student is (or could not be reached)
    LEFT_AFTER_BAG = "left_after_bag"


class CaseOutcome(enum.StrEnum):
    FOUND_AT_SCHOOL = "found_at_school"
    FOUND_AT_HOME = "found_at_home"
    WITH_FAMILY = "with_family"
    POLICE = "police"  # handed to the police
    OTHER = "other"


class CaseEventKind(enum.StrEnum):
    OPENED = "opened"
    RAISED_AGAIN = "raised_again"  # another trigger fired while the case was open
    NOTE = "note"
    SWEEP_CHANGED = "sweep_changed"  # the sweep's "not found" row was changed: found?
    CLOSED = "closed"


class MissingCase(db.Model):
    """A student nobody can account for: open until someone records where they were."""

    __tablename__ = "missing_cases"
    # One case per student, day and trigger: a trigger that fires again opens nothing new.
    # And one open case per student, whoever raises it at the same moment: the database keeps it.
    __table_args__ = (UniqueConstraint("student_id", "school_date", "trigger"),
                      Index("uq_missing_cases_open_student", "student_id", unique=True,
                            sqlite_where=text("closed_at IS NULL"),
                            postgresql_where=text("closed_at IS NULL")))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    homeroom_id: Mapped[int | None] = mapped_column(ForeignKey("homerooms.id"))
    school_date: Mapped[date]
    trigger: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(default=clock.now)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(20), index=True)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    student: Mapped[Student] = relationship()
    homeroom: Mapped[Homeroom | None] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    events: Mapped[list["CaseEvent"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseEvent.at, CaseEvent.id")
    texts: Mapped[list["CaseText"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseText.id")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def sweep_now(self) -> str | None:
        """While open: the status the dismissal sweep gave the student after 'not found'
        (they were found?), so the case asks to be closed with an outcome; else None."""
        if not self.is_open:
            return None
        changed = [event for event in self.events if event.kind == CaseEventKind.SWEEP_CHANGED]
        return changed[-1].status if changed else None


class CaseEvent(db.Model):
    """One line of a case's timeline: who did what, when."""

    __tablename__ = "missing_case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("missing_cases.id", ondelete="CASCADE"),
                                         index=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    # A sweep's change recorded on a phone and sent later: when the server received it.
    received_at: Mapped[datetime | None]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    trigger: Mapped[str | None] = mapped_column(String(20))  # opened / raised again
    outcome: Mapped[str | None] = mapped_column(String(20))  # closed
    status: Mapped[str | None] = mapped_column(String(20))  # sweep changed: what it says now
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[MissingCase] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @property
    def received_late(self) -> bool:
        return received_late(self.at, self.received_at)


class CaseText(db.Model):
    """The text telling one on-duty phone about a case. The unique key is the promise:
    exactly one text per case and phone, kept by the database."""

    __tablename__ = "missing_case_texts"
    __table_args__ = (UniqueConstraint("case_id", "to_e164"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("missing_cases.id", ondelete="CASCADE"),
                                         index=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("sms_outbox.id"))
    to_e164: Mapped[str] = mapped_column(String(20))

    case: Mapped[MissingCase] = relationship(back_populates="texts")
    text: Mapped[OutboxText] = relationship()
