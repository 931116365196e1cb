"""An item taken in a bag check, and each change of hands (its custody trail)."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rollcall import clock
from rollcall.checks.models import Check
from rollcall.extensions import db
from rollcall.models import Guardian, Student, User


class CustodyState(enum.StrEnum):
    WITH_TEACHER = "with_teacher"  # kept by the teacher
    WITH_OFFICE = "with_office"  # handed to the office
    RETURNED = "returned"  # returned to a guardian
    DISPOSED = "disposed"


HELD = (CustodyState.WITH_TEACHER, CustodyState.WITH_OFFICE)


class ConfiscatedItem(db.Model):
    """What a bag check took from one student, until it is returned or disposed of."""

    __tablename__ = "confiscated_items"
    __table_args__ = (UniqueConstraint("check_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    found_on: Mapped[date]
    category: Mapped[str] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), index=True)
    taken_at: Mapped[datetime] = mapped_column(default=clock.now)

    check: Mapped[Check] = relationship()
    student: Mapped[Student] = relationship()
    events: Mapped[list["CustodyEvent"]] = relationship(
        back_populates="item", cascade="all, delete-orphan",
        order_by="CustodyEvent.at, CustodyEvent.id")

    @property
    def held(self) -> bool:
        return self.state in HELD


class CustodyEvent(db.Model):
    """One change of hands: to the office (who received it), to a guardian (which one), or
    disposed of (by whom, how); when, and who recorded it."""

    __tablename__ = "custody_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("confiscated_items.id", ondelete="CASCADE"),
                                         index=True)
    state: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the office
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id"))
    disposed_by: Mapped[str | None] = mapped_column(String(64))
    how: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)

    item: Mapped[ConfiscatedItem] = relationship(back_populates="events")
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    guardian: Mapped[Guardian | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
