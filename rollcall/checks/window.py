"""When a check may be written: teachers today (and yesterday until a cut-off), office any day.

The cut-off for correcting the previous school day is a school setting,
the school setting ``correction_cutoff`` ("HH:MM", default 12:00 of the next school day).
"""

from datetime import date, time

from flask_babel import lazy_gettext as _l

from rollcall import clock, school_settings
from rollcall.models import Role
from rollcall.school_days import previous_school_day

# No school kept these records before this; an earlier date is a typing slip or a probe.
EARLIEST_CHECK_DAY = date(2000, 1, 1)


class NotEditable(Exception):
    """This user may not write this day's checks; `future` tells a date error (a future day or
    one before the school's first term) from a refusal."""

    def __init__(self, message, future: bool = False):
        super().__init__("future date" if future else "day closed")
        self.message = message
        self.future = future


def correction_cutoff(school) -> time:
    """Until when (school wall clock, next school day) a teacher may correct the previous day."""
    return school_settings.read(school, "correction_cutoff")


def first_day(school) -> date:
    """The first day checks may be recorded for: settings["first_term_start"] (ISO date), the
    start of the school's first term with Rollcall, else an absurd floor."""
    start = school_settings.read(school, "first_term_start")
    return max(start or EARLIEST_CHECK_DAY, EARLIEST_CHECK_DAY)


def edit_refusal(user, school, day: date, *, previous_day: date | None = None):
    """None if user may write checks of day; else the reason (a NotEditable to raise).
    previous_day: the school day before today, when the caller has looked it up already."""
    today = clock.school_today(school)
    if day > today:
        return NotEditable(_l("Checks cannot be recorded for a future date."), future=True)
    if day < first_day(school):
        return NotEditable(_l("Checks cannot be recorded before the school's first term "
                              "(%(day)s).", day=first_day(school).isoformat()), future=True)
    if user.role in (Role.OFFICE, Role.ADMIN) or day == today:
        return None
    previous = previous_day or previous_school_day(school, today)
    if day == previous and clock.school_now(school).time() < correction_cutoff(school):
        return None
    return NotEditable(_l("This day is closed for teachers; ask the office to correct it."))


def ensure_editable(user, school, day: date) -> None:
    """Raise NotEditable unless user may write checks of day."""
    refusal = edit_refusal(user, school, day)
    if refusal is not None:
        raise refusal
