"""A checked roster file waiting for the admin's confirmation (the web's check, then confirm),
and the roll-call groups a school chose for a OneRoster source."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rollcall import clock
from rollcall.extensions import db


class RosterCheck(db.Model):
    """The exact bytes an admin checked, and the state of the school's roster they were
    compared with: confirming applies these bytes only while that state is unchanged."""

    __tablename__ = "roster_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"),
                                           index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    partial: Mapped[bool] = mapped_column(default=False)
    homerooms: Mapped[str] = mapped_column(Text, default="homeroom")  # the roll-call groups
    set_school: Mapped[str | None] = mapped_column(String(128))  # the org of a district set
    created_at: Mapped[datetime] = mapped_column(default=clock.now)



class RosterGroupChoice(db.Model):
    """Which classes of a OneRoster source are the school's roll-call groups, as the admin
    chose them: the next import of the same source (the set's school sourcedId) uses it."""

    __tablename__ = "roster_group_choices"
    __table_args__ = (UniqueConstraint("school_id", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(String(255))  # the org's sourcedId in the set
    choice: Mapped[str] = mapped_column(Text)  # homeroom, period=P, title=…, course=…, classes=…
    saved_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
