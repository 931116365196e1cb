"""Family contacts of every reason (absences included): how a family was reached, what they
said and agreed, and a class parent meeting recorded once."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Homeroom, Student, User


class ContactReason(enum.StrEnum):
    ABSENCE = "absence"
    LATENESS = "lateness"
    BAG_FINDING = "bag_finding"
    CONDUCT = "conduct"
    CONFLICT = "conflict"
    PARENT_MEETING = "parent_meeting"  # 家长会
    HOME_VISIT = "home_visit"  # 家访
    OTHER = "other"


class ParentMeeting(db.Model):
    """A class parent meeting; each family that attended has a contact linked to it."""

    __tablename__ = "parent_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    homeroom_id: Mapped[int] = mapped_column(ForeignKey("homerooms.id"), index=True)
    held_at: Mapped[datetime]
    topic: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    homeroom: Mapped[Homeroom] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def held_on(self) -> date:
        return clock.to_school_time(self.homeroom.school, self.held_at).date()


class ContactMethod(enum.StrEnum):
    PHONE = "phone"
    TEXT = "text"
    MESSAGING_APP = "messaging_app"
    IN_PERSON = "in_person"
    HOME_VISIT = "home_visit"  # 家访
    PARENT_MEETING = "parent_meeting"  # 家长会
    OTHER = "other"


class ContactOutcome(enum.StrEnum):
    REASON_GIVEN = "reason_given"  # family knows and explained the absence
    ON_THE_WAY = "on_the_way"
    UNAWARE = "unaware"  # family did not know: the student is missing
    NO_ANSWER = "no_answer"
    OTHER = "other"


class ContactLog(db.Model):
    """How a teacher reached an absent student's family, and what they heard."""

    __tablename__ = "contact_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    school_date: Mapped[date] = mapped_column(index=True)
    person: Mapped[str] = mapped_column(String(64))  # who was reached (or tried)
    method: Mapped[str] = mapped_column(String(16))
    # Absences only (rollcall.family records contacts of every other reason without one).
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)  # what was said
    contacted_at: Mapped[datetime]
    # Why the family was contacted (ContactReason); absences by default.
    reason: Mapped[str] = mapped_column(String(20), default="absence", server_default="absence",
                                        index=True)
    agreed: Mapped[str | None] = mapped_column(Text)  # what was agreed
    follow_up_on: Mapped[date | None] = mapped_column(index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("parent_meetings.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    student: Mapped[Student] = relationship()
    recorded_by: Mapped[User | None] = relationship()
