"""Which days are school days: Monday to Friday, unless the school's calendar says otherwise
(a holiday on a weekday, or a weekend day made a school day, 调休)."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from rollcall import audit, school_settings
from rollcall.extensions import db
from rollcall.models import CalendarDay

# The longest stretch the calendar takes at once (a holiday week with its weekends, say).
MAX_SPAN_DAYS = 31
# How far back previous_school_day looks (a summer holiday is shorter than this).
LOOK_BACK_DAYS = 200
# How far back it looks first: the school day before is nearly always within two weeks (a
# weekend, a holiday week), and a school's calendar marks every day of its breaks, so reading
# 200 days of it for every check page read dozens of rows it did not need.
NEAR_DAYS = 16
# Two admins marking the same days at the same moment: the second's plan is made again from
# what the first saved (the last one's name stays), at most this many times.
MARK_ATTEMPTS = 3


# Built once: most pages ask the calendar something.
CALENDAR_SPAN = db.select(CalendarDay).where(
    CalendarDay.school_id == bindparam("school_id"),
    CalendarDay.day.between(bindparam("first"), bindparam("last")))


def calendar(school, first: date, last: date) -> dict[date, CalendarDay]:
    """The school's calendar entries from first to last, by day."""
    return {entry.day: entry for entry in db.session.scalars(
        CALENDAR_SPAN, {"school_id": school.id, "first": first, "last": last})}


def calendar_entry(school, day: date) -> CalendarDay | None:
    """What the calendar says of this day (its name, school day or not), if anything."""
    return calendar(school, day, day).get(day)


def is_weekday(day: date) -> bool:
    return day.weekday() < 5


def is_school_day(school, day: date, entries: dict | None = None) -> bool:
    """True on the days checks are due; `entries` (from calendar()) spares a query."""
    entry = (entries if entries is not None else calendar(school, day, day)).get(day)
    return school_day_by(entry, day)


def school_day_by(entry: CalendarDay | None, day: date) -> bool:
    """A day's calendar entry decides; without one, Monday to Friday are school days."""
    return entry.school_day if entry is not None else is_weekday(day)


def previous_school_day(school, day: date, entries: dict | None = None,
                        entries_from: date | None = None) -> date:
    """The school day before day (Monday's is the Friday before, unless a holiday): one query,
    two after a break longer than NEAR_DAYS. entries: calendar(school, entries_from, day)
    when the caller has read it (entries_from: day - LOOK_BACK_DAYS unless said)."""
    first = day - timedelta(days=LOOK_BACK_DAYS)
    if entries is None:
        entries_from = day - timedelta(days=NEAR_DAYS)
        entries = calendar(school, entries_from, day)
    entries_from = first if entries_from is None else entries_from
    found = _school_day_after(school, entries_from, day, entries)
    if found is None and entries_from > first:  # a long break: read back further
        found = _school_day_after(school, first, day, calendar(school, first, day))
    # Nothing marked a school day for months: the calendar is wrong anyway.
    return found or first


def _school_day_after(school, first: date, day: date, entries: dict) -> date | None:
    """The last school day after first and before day, by entries (calendar(school, first,
    day)); None when there is none."""
    candidate = day - timedelta(days=1)
    while candidate > first:
        if is_school_day(school, candidate, entries):
            return candidate
        candidate -= timedelta(days=1)
    return None


@dataclass
class CalendarChange:
    """What marking first..last as holiday or make-up days would write and clear."""

    marked: list[date]  # days that need an entry (weekdays off, weekend days on)
    cleared: list[CalendarDay]  # entries of the other kind that the default now covers
    existing: dict[date, CalendarDay]  # what the calendar held for first..last

    def __bool__(self) -> bool:
        return bool(self.marked or self.cleared)


def plan_change(school, first: date, last: date, school_day: bool) -> CalendarChange:
    """Every day from first to last becomes a school day or not: weekdays off and weekend days
    on get an entry; an entry saying the opposite on a day the default already covers goes."""
    existing = calendar(school, first, last)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return CalendarChange(
        marked=[day for day in days if is_weekday(day) != school_day],
        cleared=[existing[day] for day in days
                 if is_weekday(day) == school_day and day in existing],
        existing=existing)


def mark_days(school, first: date, last: date, school_day: bool, name: str, actor) -> int:
    """Make first..last holidays or make-up school days, replacing what those days had;
    audited with what was there before; returns how many days changed. Days another admin
    changed a moment ago (a unique day taken, an entry gone) are planned again from theirs."""
    for _attempt in range(MARK_ATTEMPTS - 1):
        try:
            return _mark_days(school, first, last, school_day, name, actor)
        except (IntegrityError, StaleDataError):
            db.session.rollback()
    return _mark_days(school, first, last, school_day, name, actor)


def _mark_days(school, first: date, last: date, school_day: bool, name: str, actor) -> int:
    change = plan_change(school, first, last, school_day)
    before = {day.isoformat(): {"school_day": entry.school_day, "name": entry.name}
              for day, entry in change.existing.items()}
    for day in change.marked:
        entry = change.existing.get(day) or CalendarDay(school_id=school.id, day=day)
        entry.school_day, entry.name = school_day, name
        db.session.add(entry)
    db.session.flush()  # a day another admin just marked is refused here
    if change.cleared:  # already gone (another admin's) is gone all the same
        db.session.execute(delete(CalendarDay).where(CalendarDay.id.in_(
            [entry.id for entry in change.cleared])).execution_options(
                synchronize_session=False))
    audit.record("admin.calendar.mark", school, actor=actor, object_type="CalendarDay",
                 object_id=f"{first.isoformat()}..{last.isoformat()}", before=before or None,
                 after={"days": [day.isoformat() for day in change.marked],
                        "cleared": [entry.day.isoformat() for entry in change.cleared],
                        "school_day": school_day, "name": name})
    db.session.commit()
    return len(change.marked) + len(change.cleared)


def unmark_day(entry: CalendarDay, actor) -> None:
    """Give a day back to the Monday-to-Friday rule; audited. Given back a moment ago by
    another admin, nothing is left to do (and nothing is audited)."""
    audit.record("admin.calendar.unmark", entry, actor=actor,
                 before={"day": entry.day.isoformat(), "school_day": entry.school_day,
                         "name": entry.name})
    gone = db.session.execute(delete(CalendarDay).where(CalendarDay.id == entry.id)
                              .execution_options(synchronize_session=False)).rowcount
    if gone:
        db.session.commit()
    else:
        db.session.rollback()


# A term starts on 1 February or 1 September (month, day), unless the school set its own
# start in settings["term_start"] (an ISO date).
TERM_STARTS = ((2, 1), (9, 1))


def term_start(school, today: date) -> date:
    """The first day of the current term: settings["term_start"] once it has come, else the
    last 1 September or 1 February."""
    configured = school_settings.read(school, "term_start")
    if configured and configured <= today:
        return configured
    return max(date(year, month, day) for year in (today.year - 1, today.year)
               for month, day in TERM_STARTS if date(year, month, day) <= today)


def next_term_start(school, today: date) -> date:
    """The first day of the next term: settings["term_start"] if still ahead, else the next
    1 February or 1 September (whichever comes first)."""
    candidates = [date(year, month, day) for year in (today.year, today.year + 1)
                  for month, day in TERM_STARTS]
    configured = school_settings.read(school, "term_start")
    if configured:
        candidates.append(configured)
    return min(day for day in candidates if day > today)
