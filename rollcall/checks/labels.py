"""What each check, status and choice is called on screen, in both languages."""

from flask_babel import lazy_gettext as _l

from rollcall.checks.models import (
    AttendanceStatus,
    BagStatus,
    CheckKind,
    DismissalReason,
    DismissalStatus,
    FindingAction,
    FindingCategory,
)

KINDS = {
    CheckKind.BAG: _l("Bag check"),
    CheckKind.ATTENDANCE: _l("Attendance"),
    CheckKind.DISMISSAL: _l("Dismissal sweep"),
}
STATUSES = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.ABSENT: _l("Absent"),
    AttendanceStatus.EXCUSED: _l("Excused"),
    BagStatus.CLEAR: _l("Nothing found"),
    BagStatus.FOUND: _l("Item found"),
    BagStatus.NOT_CHECKED: _l("Not checked (not here)"),
    DismissalStatus.LEFT: _l("Left campus"),
    DismissalStatus.ON_CAMPUS: _l("Still on campus"),
}
CATEGORIES = {
    FindingCategory.KNIFE: _l("Controlled knife or blade"),
    FindingCategory.WEAPON: _l("Other weapon"),
    FindingCategory.FIRE: _l("Lighter or fire source"),
    FindingCategory.TOBACCO: _l("Cigarettes or e-cigarette"),
    FindingCategory.ALCOHOL: _l("Alcohol"),
    FindingCategory.DANGEROUS: _l("Other dangerous item"),
    FindingCategory.PROHIBITED: _l("Other prohibited item"),
}
ACTIONS = {
    FindingAction.KEPT_BY_TEACHER: _l("Confiscated, kept by the teacher"),
    FindingAction.HANDED_TO_OFFICE: _l("Handed to the office"),
    FindingAction.RETURNED_TO_PARENT: _l("Returned to a parent"),
    FindingAction.OTHER: _l("Other"),
}
DISMISSAL_REASONS = {
    DismissalReason.ACTIVITY: _l("Authorized activity"),
    DismissalReason.WAITING_FOR_PARENT: _l("Waiting for a parent"),
    DismissalReason.KEPT_BY_TEACHER: _l("Kept by a teacher"),
    DismissalReason.LINGERING: _l("No reason (lingering)"),
}
# The order of the status buttons in a row, first is the default.
ROW_STATUSES = {
    CheckKind.BAG: (BagStatus.CLEAR, BagStatus.FOUND, BagStatus.NOT_CHECKED),
    CheckKind.ATTENDANCE: (AttendanceStatus.PRESENT, AttendanceStatus.LATE,
                           AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED),
    CheckKind.DISMISSAL: (DismissalStatus.LEFT, DismissalStatus.ON_CAMPUS),
}


def label(value) -> str:
    """The screen name of any status, category, action or reason value (else the value)."""
    for table in (STATUSES, CATEGORIES, ACTIONS, DISMISSAL_REASONS, KINDS):
        if value in table:
            return str(table[value])
    return "" if value is None else str(value)
