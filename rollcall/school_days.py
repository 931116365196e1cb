"""Which days are school days: Monday to Friday, unless the school's calendar says otherwise
(a holiday on a weekday, or a weekend day made a school day, 调休)."""

from datetime import date, timedelta

from rollcall import audit
from rollcall.extensions import db
from rollcall.models import CalendarDay

# The longest stretch the calendar takes at once (a holiday week with its weekends, say).
MAX_SPAN_DAYS = 31


def calendar(school, first: date, last: date) -> dict[date, CalendarDay]:
    """The school's calendar entries from first to last, by day."""
    return {entry.day: entry for entry in db.session.scalars(
        db.select(CalendarDay).where(CalendarDay.school_id == school.id,
                                     CalendarDay.day.between(first, last)))}


def calendar_entry(school, day: date) -> CalendarDay | None:
    """What the calendar says of this day (its name, school day or not), if anything."""
    return calendar(school, day, day).get(day)


def is_school_day(school, day: date, entries: dict | None = None) -> bool:
    """True on the days checks are due; `entries` (from calendar()) spares a query."""
    entry = (entries if entries is not None else calendar(school, day, day)).get(day)
    return entry.school_day if entry is not None else day.weekday() < 5


def previous_school_day(school, day: date) -> date:
    """The school day before day (Monday's is the Friday before, unless a holiday)."""
    entries = calendar(school, day - timedelta(days=MAX_SPAN_DAYS * 2), day)
    day -= timedelta(days=1)
    while not is_school_day(school, day, entries):
        day -= timedelta(days=1)
    return day


def changing_days(first: date, last: date, school_day: bool) -> list[date]:
    """The days from first to last a calendar entry would change: weekdays for a holiday,
    weekend days for a make-up school day."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [day for day in days if (day.weekday() < 5) != school_day]


def mark_days(school, first: date, last: date, school_day: bool, name: str, actor) -> int:
    """Write a holiday or make-up school days over first..last (replacing what those days had);
    audited; returns how many days changed."""
    days = changing_days(first, last, school_day)
    existing = calendar(school, first, last)
    for day in days:
        entry = existing.get(day) or CalendarDay(school_id=school.id, day=day)
        entry.school_day, entry.name = school_day, name
        db.session.add(entry)
    audit.record("admin.calendar.mark", school, actor=actor, object_type="CalendarDay",
                 object_id=first.isoformat(),
                 after={"days": [day.isoformat() for day in days], "school_day": school_day,
                        "name": name})
    db.session.commit()
    return len(days)


def unmark_day(entry: CalendarDay, actor) -> None:
    """Give a day back to the Monday-to-Friday rule; audited."""
    audit.record("admin.calendar.unmark", entry, actor=actor,
                 before={"day": entry.day.isoformat(), "school_day": entry.school_day,
                         "name": entry.name})
    db.session.delete(entry)
    db.session.commit()
