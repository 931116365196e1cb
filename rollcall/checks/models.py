"""The three daily checks of a homeroom and one entry per student in each."""

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Homeroom, Student, User
from rollcall.notify.models import TextKind


class CheckKind(enum.StrEnum):
    BAG = "bag"
    ATTENDANCE = "attendance"
    DISMISSAL = "dismissal"


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"
    # At the bag check at morning reading, gone by first class (早上来校，课前离校未归): the
    # truancy a school fears most. The bag record stands; the family is contacted at once.
    LEFT_AFTER_BAG = "left_after_bag"


# The one place that says which statuses mean "not in class" and which "arrived": the day's
# truths, the office's counts and charts, the bag check's absentees and the parent texts all
# read these.
NOT_HERE = frozenset({AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED})
ARRIVED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})
# Not in class at attendance: also a student who left after the bag check at morning reading
# (whose bag record stands). The sweep does not expect them; their family is contacted.
NOT_IN_CLASS = NOT_HERE | {AttendanceStatus.LEFT_AFTER_BAG}
# Whose family gets an absence text (an excused absence was reported by the family), and which:
# the text says what the attendance says (a student who came and left after morning reading is
# never texted "did not arrive"). Its kinds are notify's ABSENCE_KINDS, no more, no fewer.
TEXT_OF_STATUS = {AttendanceStatus.ABSENT: TextKind.ABSENCE,
                  AttendanceStatus.LEFT_AFTER_BAG: TextKind.LEFT_AFTER_BAG}
TEXTED_ABSENT = frozenset(TEXT_OF_STATUS)
# Whose text is due at once, whatever the school's delay or send time.
DUE_AT_ONCE = frozenset({AttendanceStatus.LEFT_AFTER_BAG})

class BagStatus(enum.StrEnum):
    CLEAR = "clear"
    FOUND = "found"
    NOT_CHECKED = "not_checked"


class DismissalStatus(enum.StrEnum):
    LEFT = "left"
    ON_CAMPUS = "on_campus"
    NOT_FOUND = "not_found"  # expected at the sweep and nowhere to be found: a missing student


class FindingCategory(enum.StrEnum):
    KNIFE = "knife"  # controlled knife or blade
    WEAPON = "weapon"
    FIRE = "fire"  # lighter or other fire source
    TOBACCO = "tobacco"  # cigarettes or e-cigarette
    ALCOHOL = "alcohol"
    DANGEROUS = "dangerous"
    PROHIBITED = "prohibited"


DANGEROUS_CATEGORIES = frozenset({FindingCategory.KNIFE, FindingCategory.WEAPON,
                                  FindingCategory.FIRE})


class FindingAction(enum.StrEnum):
    KEPT_BY_TEACHER = "kept_by_teacher"
    HANDED_TO_OFFICE = "handed_to_office"
    RETURNED_TO_PARENT = "returned_to_parent"
    OTHER = "other"


class DismissalReason(enum.StrEnum):
    ACTIVITY = "activity"  # authorized activity
    WAITING_FOR_PARENT = "waiting_for_parent"
    KEPT_BY_TEACHER = "kept_by_teacher"
    LINGERING = "lingering"  # no reason


STATUSES = {
    CheckKind.BAG: BagStatus,
    CheckKind.ATTENDANCE: AttendanceStatus,
    CheckKind.DISMISSAL: DismissalStatus,
}
# The detail a new finding or a student still on campus starts with: the most common one.
COMMON_DETAIL = {
    (CheckKind.BAG, "action"): FindingAction.KEPT_BY_TEACHER,
    (CheckKind.DISMISSAL, "reason"): DismissalReason.WAITING_FOR_PARENT,
}

DEFAULT_STATUS = {
    CheckKind.BAG: BagStatus.CLEAR,
    CheckKind.ATTENDANCE: AttendanceStatus.PRESENT,
    CheckKind.DISMISSAL: DismissalStatus.LEFT,
}


class Check(db.Model):
    """One check of one homeroom on one school day; there is never a second."""

    __tablename__ = "checks"
    __table_args__ = (UniqueConstraint("homeroom_id", "school_date", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    homeroom_id: Mapped[int] = mapped_column(ForeignKey("homerooms.id"))
    school_date: Mapped[date] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(default=1)
    # How many times people changed it after the first save (a rule's change is not an edit).
    edits: Mapped[int] = mapped_column(default=0, server_default="0")
    submitted_at: Mapped[datetime] = mapped_column(default=clock.now)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Dismissal sweep: when the teacher confirmed "classroom and campus checked".
    campus_checked_at: Mapped[datetime | None]
    # The last save: the time of the tap as the phone sent it, and when the server received
    # it. The check's times above are the phone's when plausible (services.record_time).
    recorded_on_phone_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]

    homeroom: Mapped[Homeroom] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    entries: Mapped[list["CheckEntry"]] = relationship(
        back_populates="check", cascade="all, delete-orphan"
    )

    @property
    def phone_time_ignored(self) -> bool:
        """The phone sent a time of the tap that could not be right (in the future, on another
        day, before the page was loaded): the save is recorded when received, and says so."""
        return self.recorded_on_phone_at is not None and \
            abs(self.recorded_on_phone_at - self.updated_at) >= timedelta(minutes=1)

    @property
    def received_late(self) -> bool:
        """The last save reached the server a minute or more after it was tapped (sent again
        once the phone was back online): the page shows both times."""
        return self.received_at is not None and \
            self.received_at - self.updated_at >= timedelta(minutes=1)


class CheckEntry(db.Model):
    """One student's line in a check: status and, where it applies, the details."""

    __tablename__ = "check_entries"
    __table_args__ = (UniqueConstraint("check_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # When the entry got its current status (an absence noted in a later edit starts then).
    status_since: Mapped[datetime] = mapped_column(default=clock.now)
    arrived_at: Mapped[datetime | None]  # attendance: late arrival
    reason: Mapped[str | None] = mapped_column(Text)  # attendance excuse; dismissal reason
    category: Mapped[str | None] = mapped_column(String(16), index=True)  # bag finding
    description: Mapped[str | None] = mapped_column(Text)  # bag finding
    action: Mapped[str | None] = mapped_column(Text)  # bag: where the item went; dismissal
    location: Mapped[str | None] = mapped_column(String(200))  # dismissal: still on campus

    check: Mapped[Check] = relationship(back_populates="entries")
    student: Mapped[Student] = relationship()
