"""A student on the watch list, with a reason, a review date and dated notes."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Student, User


class WatchReason(enum.StrEnum):
    OUTSIDE_CONTACTS = "outside_contacts"  # contact with people outside school
    TRUANCY = "truancy"
    GROUP_FORMING = "group_forming"
    REPEATED_FINDINGS = "repeated_findings"
    FAMILY_SITUATION = "family_situation"
    OTHER = "other"


class WatchEntry(db.Model):
    """One stay of a student on the watch list: open until someone closes it with a note."""

    __tablename__ = "watch_entries"
    # One open stay per student, kept by the database: two adds at the same moment get one.
    __table_args__ = (Index("uq_watch_entries_open_student", "student_id", unique=True,
                            sqlite_where=text("closed_at IS NULL"),
                            postgresql_where=text("closed_at IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str | None] = mapped_column(Text)
    review_on: Mapped[date]
    added_at: Mapped[datetime] = mapped_column(default=clock.now)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closing_note: Mapped[str | None] = mapped_column(Text)

    student: Mapped[Student] = relationship()
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    notes: Mapped[list["WatchNote"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan",
        order_by="WatchNote.day, WatchNote.id")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class WatchNote(db.Model):
    """A dated note on a watched student: what was seen, said or done."""

    __tablename__ = "watch_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("watch_entries.id", ondelete="CASCADE"),
                                          index=True)
    day: Mapped[date]
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    entry: Mapped[WatchEntry] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()
