"""What a homeroom's Today page shows, gathered in one place: one statement per kind of
thing, nothing loaded for the whole school, nothing looked up twice."""

from datetime import date, timedelta

from rollcall import clock
from rollcall.access import OWN_HOMEROOM, SCHOOL_HOMEROOM, homeroom_with_or_404
from rollcall.cases import services as cases
from rollcall.checks import summary
from rollcall.checks.window import edit_refusal
from rollcall.family import services as family
from rollcall.notify.health import scheduler_read_along
from rollcall.notify.heartbeat import LAST_TICK
from rollcall.school_days import NEAR_DAYS, calendar, previous_school_day, school_day_by
from rollcall.screening import services as screening
from rollcall.watch import services as watch

# The homeroom with the scheduler's last tick (Today warns when no texts go): one statement.
WITH_LAST_TICK = (OWN_HOMEROOM.add_columns(LAST_TICK), SCHOOL_HOMEROOM.add_columns(LAST_TICK))


def homeroom_for_today(user, homeroom_id: int):
    """access.homeroom_or_404, the scheduler's state read along (for Today's warning)."""
    homeroom, last_tick = homeroom_with_or_404(user, homeroom_id, WITH_LAST_TICK)
    scheduler_read_along(last_tick)
    return homeroom


def today_context(user, homeroom) -> dict:
    """The Today page's context for this user and homeroom (the school loaded with it)."""
    school = homeroom.school
    day = clock.school_today(school)
    # One calendar query answers both "is today a school day" and "which day was yesterday"
    # (after a break longer than its two weeks, previous_school_day reads back further).
    near = day - timedelta(days=NEAR_DAYS)
    entries = calendar(school, near, day)
    entry = entries.get(day)
    school_day = school_day_by(entry, day)
    states = summary.day_overview(homeroom, day, school_day)
    return {"homeroom": homeroom, "day": day, "school_day": school_day, "calendar": entry,
            "yesterday": correctable_yesterday(
                user, homeroom, day, previous_school_day(school, day, entries, near)),
            "states": states,
            "open_cases": cases.open_cases(homeroom.school_id, [homeroom.id]),
            "reviews_due": watch.reviews_due(user, homeroom.id, day),
            "follow_ups": family.follow_ups(homeroom, day),
            "screening": screening.week_state(homeroom, screening.week_start(day)),
            "findings": summary.dangerous_in_bag_check(states)}


def correctable_yesterday(user, homeroom, day: date, previous: date | None = None) -> date | None:
    """The previous school day, when day is today and this user may still correct it.
    previous: the school day before day, when the caller has looked it up already."""
    if day != clock.school_today(homeroom.school):
        return None
    yesterday = previous or previous_school_day(homeroom.school, day)
    refusal = edit_refusal(user, homeroom.school, yesterday, previous_day=yesterday)
    return yesterday if refusal is None else None
