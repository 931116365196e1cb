"""Why a family was contacted, and a class parent meeting recorded once."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Homeroom, User


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
