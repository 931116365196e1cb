"""The one seam for time: the current instant, and the school's own date and time of day.

Tests freeze time with ``clock.frozen(datetime)``; nothing else in Rollcall calls
``datetime.now`` directly.
"""

from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_frozen: datetime | None = None


def now() -> datetime:
    """The current instant in UTC (or the frozen one in tests)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def school_zone(school) -> ZoneInfo:
    """The school's time zone."""
    return ZoneInfo(school.timezone)


def school_now(school) -> datetime:
    """The current time on the school's wall clock."""
    return now().astimezone(school_zone(school))


def school_today(school) -> date:
    """The school's calendar date, which is what "today" means in Rollcall."""
    return school_now(school).date()


def to_school_time(school, instant: datetime) -> datetime:
    """An instant shown on the school's wall clock."""
    return instant.astimezone(school_zone(school))


def form_now(school) -> datetime:
    """Now on the school's wall clock, to the minute and naive: a date-time field's default."""
    return school_now(school).replace(second=0, microsecond=0, tzinfo=None)


def from_form(school, naive: datetime | None) -> datetime | None:
    """A date-time field's value (the school's wall clock, naive) as an instant; None stays."""
    return naive.replace(tzinfo=school_zone(school)) if naive else None


def school_datetime(school, day: date, wall_time) -> datetime:
    """The instant at which the school's wall clock shows wall_time on day."""
    return datetime.combine(day, wall_time, tzinfo=school_zone(school)).astimezone(UTC)


@contextmanager
def frozen(instant: datetime):
    """Freeze now() at instant (timezone-aware) for the duration of the block."""
    global _frozen
    if instant.tzinfo is None:
        raise ValueError("freeze needs a timezone-aware datetime")
    previous, _frozen = _frozen, instant.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous
