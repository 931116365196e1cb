"""After a rush: is every teacher's check stored, with the right entries?"""

from collections import Counter
from datetime import date

# Attendance is saved first, so the bag check shows its two absent students as not checked.
EXPECTED = {"attendance": {"absent": 2, "late": 1}, "bag": {"found": 1, "not_checked": 2}}
NORMAL = {"attendance": "present", "bag": "clear"}


def stored_counts(app, day: date, homeroom_ids: list[int]) -> dict:
    """{(homeroom_id, kind): Counter(status -> entries)} of day's checks of these homerooms."""
    from rollcall.checks.models import Check, CheckEntry
    from rollcall.extensions import db

    counts: dict = {}
    with app.app_context():
        rows = db.session.execute(
            db.select(Check.homeroom_id, Check.kind, CheckEntry.status, db.func.count())
            .join(CheckEntry, CheckEntry.check_id == Check.id)
            .where(Check.school_date == day, Check.homeroom_id.in_(homeroom_ids))
            .group_by(Check.homeroom_id, Check.kind, CheckEntry.status)).all()
        db.session.remove()
    for room, kind, status, count in rows:
        counts.setdefault((room, str(kind)), Counter())[str(status)] = count
    return counts


def verify(app, day: date, teachers) -> list[str]:
    """One line per homeroom whose checks are missing or hold other entries than its teacher
    saved (2 absent and 1 late at attendance; 1 finding at the bag check, where the absent two
    are not checked); empty when all held."""
    counts = stored_counts(app, day, [t.homeroom_id for t in teachers])
    errors = []
    for teacher in teachers:
        for kind, exceptions in EXPECTED.items():
            found = counts.get((teacher.homeroom_id, kind))
            if found is None:
                errors.append(f"homeroom {teacher.homeroom_id}: no {kind} check stored")
                continue
            wanted = Counter(exceptions)
            wanted[NORMAL[kind]] = teacher.students - sum(exceptions.values())
            if found != wanted:
                stored, saved = dict(sorted(found.items())), dict(sorted(wanted.items()))
                errors.append(f"homeroom {teacher.homeroom_id}: {kind} stored {stored}, "
                              f"saved {saved}")
    return errors
