"""A checked roster file waiting for the admin's confirmation (the web's check, then confirm)."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
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
    homerooms: Mapped[str] = mapped_column(String(32), default="homeroom")
    set_school: Mapped[str | None] = mapped_column(String(128))  # the org of a district set
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
