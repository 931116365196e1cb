"""Shared bits of the office tests: a fixed school day and its wall-clock instants."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 26)  # a Thursday


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """The UTC instant when Shanghai's clock shows hour:minute on day."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)
