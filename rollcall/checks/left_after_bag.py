"""A student who was at the bag check at morning reading and is gone by first class.

早上来校，课前离校未归: the truancy a school fears most. Attendance records it as what it is
(AttendanceStatus.LEFT_AFTER_BAG) instead of "late" or an undone bag record: the bag check's
row stands, the dismissal sweep does not expect the student, the absence text goes to the
family at the next send pass, and a family that does not know where the student is (or
cannot be reached) opens a missing-student case (rollcall.cases).
"""

from flask_babel import lazy_gettext as _l

from rollcall.checks.models import AttendanceStatus, BagStatus, CheckKind
from rollcall.checks.reading import entries_of
from rollcall.checks.validation import refuse_statuses

LEFT = AttendanceStatus.LEFT_AFTER_BAG
# The bag check saw the student: searched, whether anything was found or not.
SEEN_AT_BAG_CHECK = frozenset({BagStatus.CLEAR, BagStatus.FOUND})


def seen_at_bag_check(checks: dict) -> set[int]:
    """The ids of the students the day's saved bag check saw (checks: the day's checks by
    kind, reading.day_checks or page_checks): the attendance rows that offer "left after
    morning reading"."""
    return {entry.student_id for entry in entries_of(checks, CheckKind.BAG)
            if entry.status in SEEN_AT_BAG_CHECK}


def left_students(checks: dict) -> set[int]:
    """The ids of the students the day's saved attendance records as left after the bag
    check."""
    return {entry.student_id for entry in entries_of(checks, CheckKind.ATTENDANCE)
            if entry.status == LEFT}


def agree_with_bag_check(homeroom, kind: CheckKind, raw_entries, wanted: dict,
                         checks: dict) -> None:
    """The three checks agree about a student who left after the bag check: attendance may
    say so only of a student the bag check saw, and the bag check may not then say the
    student was not there. CheckInvalid names the rows; nothing is written."""
    if kind == CheckKind.ATTENDANCE:
        seen = seen_at_bag_check(checks)
        refused = {sid for sid, values in wanted.items()
                   if values["status"] == LEFT and sid not in seen}
        message = _l("Only for a student the bag check saw this morning: mark them absent, "
                     "or record the bag check first.")
    elif kind == CheckKind.BAG:
        left = left_students(checks)
        refused = {sid for sid, values in wanted.items()
                   if sid in left and values["status"] not in SEEN_AT_BAG_CHECK}
        message = _l("Attendance records this student as having left after morning reading, "
                     "so their bag was checked: change attendance first.")
    else:
        return
    refuse_statuses(homeroom, raw_entries, refused, message)
