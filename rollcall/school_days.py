"""Which days are school days. Rollcall has no holiday calendar yet: Monday to Friday."""

from datetime import date, timedelta


def is_school_day(day: date) -> bool:
    """True on the days checks are due (Monday to Friday)."""
    return day.weekday() < 5


def previous_school_day(day: date) -> date:
    """The school day before day (Monday's is the Friday before)."""
    day -= timedelta(days=1)
    while not is_school_day(day):
        day -= timedelta(days=1)
    return day
