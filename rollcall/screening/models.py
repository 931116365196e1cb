"""A homeroom's weekly screening, the conflicts it finds, and what was done about each."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Homeroom, Student, User


class ConflictSeverity(enum.StrEnum):
    MINOR = "minor"
    NEEDS_MEDIATION = "needs_mediation"
    RISK_OF_VIOLENCE = "risk_of_violence"


class ConflictState(enum.StrEnum):
    OPEN = "open"
    MEDIATING = "mediating"
    RESOLVED = "resolved"
    ESCALATED = "escalated"  # escalated to the office


class Screening(db.Model):
    """One homeroom's screening of one week (weeks start on Monday); there is never a second."""

    __tablename__ = "screenings"
    __table_args__ = (UniqueConstraint("homeroom_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    homeroom_id: Mapped[int] = mapped_column(ForeignKey("homerooms.id"))
    week_start: Mapped[date] = mapped_column(index=True)
    no_conflicts: Mapped[bool] = mapped_column(default=False)  # "no new conflicts found"
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    homeroom: Mapped[Homeroom] = relationship()
    recorded_by: Mapped[User | None] = relationship()


conflict_students = db.Table(
    "conflict_students",
    db.Column("conflict_id", ForeignKey("conflicts.id", ondelete="CASCADE"), primary_key=True),
    db.Column("student_id", ForeignKey("students.id"), primary_key=True),
)


class Conflict(db.Model):
    """A conflict between students, found by a screening; carried over until resolved."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    homeroom_id: Mapped[int] = mapped_column(ForeignKey("homerooms.id"), index=True)
    week_start: Mapped[date]  # the week whose screening found it
    about: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), index=True)
    action: Mapped[str | None] = mapped_column(Text)  # what was done (latest)
    office_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)

    homeroom: Mapped[Homeroom] = relationship()
    students: Mapped[list[Student]] = relationship(secondary=conflict_students,
                                                   order_by="Student.id")
    office_owner: Mapped[User | None] = relationship(foreign_keys=[office_owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updates: Mapped[list["ConflictUpdate"]] = relationship(
        back_populates="conflict", cascade="all, delete-orphan",
        order_by="ConflictUpdate.at, ConflictUpdate.id")

    @property
    def needs_office(self) -> bool:
        return self.state != ConflictState.RESOLVED and (
            self.severity == ConflictSeverity.RISK_OF_VIOLENCE
            or self.state == ConflictState.ESCALATED)


class ConflictUpdate(db.Model):
    """A line of a conflict's history: its state then, and what was done (a mediation)."""

    __tablename__ = "conflict_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    conflict_id: Mapped[int] = mapped_column(ForeignKey("conflicts.id", ondelete="CASCADE"),
                                             index=True)
    week_start: Mapped[date]
    at: Mapped[datetime] = mapped_column(default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)

    conflict: Mapped[Conflict] = relationship(back_populates="updates")
    actor: Mapped[User | None] = relationship()


class ScreeningReminder(db.Model):
    """The week's screening was not in at the cut-off; the teachers were told (once)."""

    __tablename__ = "screening_reminders"
    __table_args__ = (UniqueConstraint("homeroom_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    homeroom_id: Mapped[int] = mapped_column(ForeignKey("homerooms.id"))
    week_start: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    texts_queued: Mapped[int] = mapped_column(default=0)
