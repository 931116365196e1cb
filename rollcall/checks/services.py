"""Saving a check: one per (homeroom, school date, kind), optimistic locking, audit per entry.

The web form and the API both call `save_check`; it commits on success and writes nothing
when it raises (CheckInvalid, UnknownStudents, NotEditable, CheckConflict). Reading a day's
checks is in rollcall.checks.reading, merging a save with others' in rollcall.checks.merging;
the names callers use from them are re-exported here (some twenty modules call
`services.find_check`, `services.current_entries` and the like).
"""

from datetime import date, datetime, timedelta
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from rollcall import audit, clock
from rollcall.checks import left_after_bag
from rollcall.checks.events import CheckSaved, publish_after_save, publish_in_save
from rollcall.checks.merging import (  # noqa: F401
    NO_ENTRY,
    RowConflicts,
    fingerprints,
    merge,
    split_bases,
)
from rollcall.checks.models import (
    DANGEROUS_CATEGORIES,
    DEFAULT_STATUS,
    NOT_HERE,
    AttendanceStatus,
    BagStatus,
    Check,
    CheckEntry,
    CheckKind,
)
from rollcall.checks.reading import (  # noqa: F401
    attendance_entries,
    current_entries,
    day_checks,
    default_entries,
    entries_of,
    entry_values,
    find_check,
    page_checks,
    roster,
    saved_check,
    saved_day,
    saved_kinds,
    saved_statuses,
    students_in_order,
)
from rollcall.checks.validation import (
    DETAILS,
    clean_entries,
    refuse_statuses,
)
from rollcall.checks.window import ensure_editable
from rollcall.extensions import db
from rollcall.models import AuditLog, AuditRule, Student

# A save writes with these, built once (building a statement and its cache key costs more CPU
# than running it), as Core statements: the ORM's unit of work would flush the check's and
# its entries' objects one by one.
_CHECKS = Check.__table__
_ENTRIES = CheckEntry.__table__
INSERT_CHECK = insert(_CHECKS).returning(_CHECKS.c.id)
INSERT_ENTRIES = insert(_ENTRIES)
# The check's version moves on only from the version this save read (others' saves
# meanwhile make it a CheckConflict); the execution's parameters name what else is set.
UPDATE_CHECK = (update(_CHECKS).where(_CHECKS.c.id == bindparam("check_id"),
                                      _CHECKS.c.version == bindparam("read_version"))
                .values(version=_CHECKS.c.version + 1, edits=_CHECKS.c.edits + 1))
# A rule's change (absent at attendance: not checked at the bag check) is not an edit.
BUMP_VERSION = (update(_CHECKS).where(_CHECKS.c.id == bindparam("check_id"))
                .values(version=_CHECKS.c.version + 1))
UPDATE_ENTRY = update(_ENTRIES).where(_ENTRIES.c.id == bindparam("entry_id"))
# The rule's change is made only to rows still "nothing found" when it is written: a finding a
# bag save committed after this save read the bag check stays (compare and set).
MARK_NOT_CHECKED = (update(_ENTRIES)
                    .where(_ENTRIES.c.id.in_(bindparam("entry_ids", expanding=True)),
                           _ENTRIES.c.status == BagStatus.CLEAR.value)
                    .values(status=BagStatus.NOT_CHECKED.value,
                            status_since=bindparam("since"))
                    .returning(_ENTRIES.c.id))

# A phone's clock may run a little ahead of the server's: a tap up to this far "in the future"
# counts as now.
PHONE_CLOCK_SKEW = timedelta(minutes=2)


class Written(NamedTuple):
    """What a save wrote, kept on the saved check as `check.written`: the answer to a phone's
    save is drawn from it, not from the check read again after the COMMIT expired it."""

    version: int
    values: dict  # {student_id: values} of every row as saved
    before: dict  # {student_id: values} of the rows as they were saved before
    kinds: frozenset  # the kinds of check saved that day, this one included
    new: bool  # the check was created by this save
    # A new check's changes (its history), as written: none were there before. None: read them.
    history: tuple | None = None
    # What the save's caller asked to read in the save's own transaction (save_check's
    # `reading`), before its COMMIT; None: nothing was.
    read: dict | None = None


class CheckConflict(Exception):
    """The check changed since the caller read it (stale version); `current` is what is saved."""

    def __init__(self, current: Check | None):
        super().__init__("the check was changed by someone else")
        self.current = current


def save_check(homeroom, day: date, kind, entries, version: int | None, actor, *,
               campus_checked: bool = True, tapped_at: datetime | None = None,
               loaded_at: datetime | None = None, reading=None) -> Check:
    """Validate and save one check; students left out keep their saved entry.

    Only a check being created gives the students left out their default entry: a saved
    check (a correction of an earlier day, say) gains entries only for students posted.

    When every posted entry carries its ``base`` (the row as the caller loaded it: the page's
    fingerprint, or over the API the entry as read, null for none), the save merges per row:
    rows the caller did not change are left alone, rows nobody else changed are applied
    whatever the check's version, and rows both changed raise RowConflicts. Without bases the
    whole check's version must match (CheckConflict).

    tapped_at: when the phone says the save was tapped (a save resent after the signal came
    back); the check is recorded at that time when it is plausible (record_time), and keeps
    both the phone's time and the time the server received it.

    reading: what the caller's answer must read of the database once the check is saved,
    read in the save's own transaction just before its COMMIT: a function of the check and
    what it wrote (Written) returning a dict, kept as check.written.read. Read after the
    COMMIT, it would take a connection from the pool again (on PostgreSQL with its ping).
    """
    kind = CheckKind(kind)
    school = homeroom.school
    ensure_editable(actor, school, day)
    checks = saved_day(homeroom.id, day)  # rows, not ORM objects: what the save decides from
    students = roster(homeroom, day, kind, checks)
    here = {s.id for s in students}
    entries, bases = split_bases(entries)
    active = {s.student_number: s for s in homeroom.students if s.active}
    wanted = clean_entries(kind, school, day, entries, active, not_here={
        number for number, s in active.items() if s.id not in here})
    _agree_with_the_other_check(homeroom, day, kind, entries, wanted, checks)
    left_after_bag.agree_with_bag_check(homeroom, kind, entries, wanted, checks)
    rows = checks.get(kind)
    check = None if rows is None else _as_check(rows)
    saved = {} if rows is None else {e.student_id: entry_values(e) for e in rows.entries}
    defaults = default_entries(homeroom, day, kind, students, checks) if check is None else {}
    merging = bool(wanted) and bases is not None
    if merging:  # what a new check would start with, when a row says it was loaded so
        fresh = defaults or (default_entries(homeroom, day, kind, students, checks)
                             if NO_ENTRY in bases.values() else {})
        wanted = merge(homeroom, check, wanted, bases, saved if check else defaults, fresh)
    target = defaults | saved | wanted
    when = record_time(school, day, tapped_at, check, loaded_at)
    _fill_arrival_times(target, saved, when if day == clock.school_today(school) else None)
    if check is not None and saved == target and not _newly_campus_checked(check,
                                                                           campus_checked):
        check.written = Written(check.version, saved, saved, frozenset(checks), False)
        return check  # a repeat of what is already saved: nothing to do
    if not merging and ((check is None) != (version is None)
                        or (check is not None and version != check.version)):
        raise CheckConflict(check)
    received = (tapped_at, clock.now())
    created = check is None
    if created:
        check = _create(homeroom, day, kind, target, actor, campus_checked, checks, when,
                        received, reading)
    else:
        check = _update(check, rows, saved, target, actor, campus_checked, checks, when,
                        received, reading)
    # Other areas' reactions to the committed save (a sweep's missing students become cases).
    publish_after_save(CheckSaved(check, kind, actor, saved, target, new=created))
    return check


def _as_check(rows) -> Check:
    """The ORM Check of a saved check read as rows (reading.SavedCheck): made from its columns
    (its entries are read only if something asks for them), or the one the session holds."""
    held = db.session.identity_map.get(identity_key(Check, rows.id))
    if held is not None:  # expired by saved_day: read again when used
        return held
    check = Check(**rows.row._mapping)
    make_transient_to_detached(check)
    db.session.add(check)
    return check


def _agree_with_the_other_check(homeroom, day: date, kind: CheckKind, raw_entries,
                                wanted: dict, checks: dict) -> None:
    """Bag check and attendance never contradict each other about who was here.

    A bag finding for a student marked absent (or excused) is refused, from either side: the
    student whose bag was searched was there. A 'nothing found' for an absent student becomes
    'not checked (absent)'.
    """
    if kind == CheckKind.ATTENDANCE:
        other = saved_statuses(homeroom.id, day, CheckKind.BAG, checks)
        refused = {sid for sid, values in wanted.items()
                   if values["status"] in NOT_HERE and other.get(sid) == BagStatus.FOUND}
        message = _l("This student's bag was searched this morning, so they were here: if "
                     "they have left since, mark them \"came, then left\"; if they are here, "
                     "late.")
    elif kind == CheckKind.BAG:
        other = saved_statuses(homeroom.id, day, CheckKind.ATTENDANCE, checks)
        absent = {sid for sid in wanted if other.get(sid) in NOT_HERE}
        refused = {sid for sid in absent if wanted[sid]["status"] == BagStatus.FOUND}
        message = _l("This student is marked absent at attendance: mark them late there "
                     "first, then record what was found.")
        for sid in absent - refused:
            wanted[sid] = dict.fromkeys(DETAILS) | {"status": BagStatus.NOT_CHECKED.value}
    else:
        return
    refuse_statuses(homeroom, raw_entries, refused, message)


def _mark_absent_students_not_checked(homeroom, bag, target: dict, actor) -> list[dict]:
    """Attendance saved: students not here are 'not checked (absent)' on the day's bag check
    (bag: read as rows, reading.SavedCheck), whichever check was saved first (a finding was
    refused before this point). Returns the audit rows."""
    if bag is None:
        return []  # a bag check created later starts them as not checked
    away = {sid for sid, values in target.items() if values["status"] in NOT_HERE}
    changed = [entry for entry in bag.entries
               if entry.student_id in away and entry.status == BagStatus.CLEAR]
    if not changed:
        return []
    marked = set(db.session.scalars(MARK_NOT_CHECKED, {
        "entry_ids": [entry.id for entry in changed], "since": clock.now()}))
    changed = [entry for entry in changed if entry.id in marked]
    if not changed:
        return []
    # A page or client holding the old rows must read them again, but nobody edited the bag
    # check: its last editor, time and edit count stay.
    db.session.execute(BUMP_VERSION, {"check_id": bag.id})
    numbers = _numbers(homeroom, {entry.student_id: None for entry in changed})
    trail = []
    for entry in changed:
        before = entry_values(entry)
        trail.append(audit.row("check.entry", bag, actor=actor, object_type="Check",
                               rule=AuditRule.ABSENT_AT_ATTENDANCE,
                               before=_audit_values(before, numbers[entry.student_id]),
                               after=_audit_values(before | {
                                   "status": BagStatus.NOT_CHECKED.value},
                                   numbers[entry.student_id])))
    return trail


def _newly_campus_checked(check: Check, campus_checked: bool) -> bool:
    return (check.kind == CheckKind.DISMISSAL and campus_checked
            and check.campus_checked_at is None)


def record_time(school, day: date, tapped_at: datetime | None, check: Check | None,
                loaded_at: datetime | None = None) -> datetime:
    """When a save happened: the phone's time of the tap when it is plausible, else the time
    the server received it. Plausible: not in the future, on the record's own day in the
    school's time zone, and not before the page it was tapped on was loaded (loaded_at, the
    server's time written into the page, which the page's saved taps keep); a page that does
    not say (an older copy) is bounded by the check's last save, which it was loaded after.
    The phone's clock may run up to PHONE_CLOCK_SKEW either way of the server's."""
    now = clock.now()
    if tapped_at is None or tapped_at > now + PHONE_CLOCK_SKEW:
        return now
    if clock.to_school_time(school, tapped_at).date() != day:
        return now
    loaded = loaded_at or (check.updated_at if check is not None else None)
    if loaded is not None and tapped_at < loaded - (PHONE_CLOCK_SKEW if loaded_at else
                                                    timedelta(0)):
        return now
    return min(tapped_at, now)


def _fill_arrival_times(target: dict, saved: dict, now) -> None:
    """A late arrival without a time keeps the saved time, or gets now (on today's checks)."""
    for student_id, values in target.items():
        if values["status"] == AttendanceStatus.LATE and values["arrived_at"] is None:
            before = saved.get(student_id) or {}
            values["arrived_at"] = before.get("arrived_at") or now


def _create(homeroom, day, kind, target, actor, campus_checked, checks=None, now=None,
            received=(None, None), reading=None) -> Check:
    now = now or clock.now()
    actor_id = getattr(actor, "id", None)
    columns = dict(school_id=homeroom.school_id, homeroom_id=homeroom.id, school_date=day,
                   kind=kind, version=1, edits=0, submitted_at=now, submitted_by_id=actor_id,
                   updated_at=now, updated_by_id=actor_id, recorded_on_phone_at=received[0],
                   received_at=received[1] or clock.now(),
                   campus_checked_at=now if kind == CheckKind.DISMISSAL and campus_checked
                   else None)
    try:  # one INSERT, without the ORM's unit of work for one row
        check_id = db.session.execute(INSERT_CHECK, columns).scalar_one()
    except IntegrityError:  # someone else created it a moment ago
        db.session.rollback()
        raise CheckConflict(find_check(homeroom.id, day, kind)) from None
    # The row as written, in the session as if read back.
    check = Check(id=check_id, **columns)
    make_transient_to_detached(check)
    db.session.add(check)
    # One multi-row INSERT (SQLite too, where the ORM would send one per row to learn ids);
    # the entries are read back only by what needs them (a bag check's custody trail). A class
    # with no students has none: an INSERT without rows would write one empty row.
    if target:
        db.session.execute(INSERT_ENTRIES, [
            {"check_id": check_id, "student_id": student_id, "status_since": now}
            | _columns(values) for student_id, values in target.items()])
    numbers = _numbers(homeroom, target)
    trail = [audit.row("check.submit", check, actor=actor, after={
        "kind": str(kind), "date": day.isoformat(),
        "entries": {numbers[sid]: _audit_values(v) for sid, v in sorted(target.items())
                    if v["status"] != DEFAULT_STATUS[kind]},
    })]
    trail += _flag_dangerous(check, target, {}, actor, numbers)
    if kind == CheckKind.ATTENDANCE:
        bag = (saved_day(homeroom.id, day) if checks is None else checks).get(CheckKind.BAG)
        trail += _mark_absent_students_not_checked(homeroom, bag, target, actor)
    # Other areas' reactions (a bag check's custody trail), in this transaction.
    trail += publish_in_save(CheckSaved(check, kind, actor, {}, target, new=True))
    audit.insert_rows(trail, at=now, received_at=check.received_at)
    check.written = Written(1, target, {}, frozenset(checks or ()) | {kind}, True,
                            _history(check, trail, now, actor))
    _commit_keeping(check, reading)
    return check


def _update(check, rows, saved, target, actor, campus_checked, checks, now=None,
            received=(None, None), reading=None) -> Check:
    """Write a saved check's changed rows (rows: the check as read, reading.SavedCheck), with
    Core statements: its entries are not loaded as ORM objects."""
    now = now or clock.now()
    phone_at, received_at = received[0], received[1] or clock.now()
    changes = {"updated_at": now, "updated_by_id": actor.id, "recorded_on_phone_at": phone_at,
               "received_at": received_at}
    if _newly_campus_checked(check, campus_checked):
        changes["campus_checked_at"] = now
    result = db.session.execute(UPDATE_CHECK, {"check_id": rows.id, "read_version": rows.version}
                                | changes)
    if result.rowcount != 1:
        db.session.rollback()
        raise CheckConflict(find_check(rows.homeroom_id, rows.school_date, rows.kind))
    # The version matched, so the check as read is what is saved: note the UPDATE's values on
    # it rather than reading it again.
    for name, value in (("version", rows.version + 1), ("edits", rows.edits + 1),
                        ("updated_by", actor), *changes.items()):
        set_committed_value(check, name, value)
    numbers = _numbers(check.homeroom, target)
    trail = _write_entries(check, rows, saved, target, actor, numbers, now)
    if "campus_checked_at" in changes:
        trail.append(audit.row("check.campus_checked", check, actor=actor,
                               after={"at": now.isoformat()}))
    trail += _flag_dangerous(check, target, saved, actor, numbers)
    if rows.kind == CheckKind.ATTENDANCE:
        bag = checks.get(CheckKind.BAG)
        trail += _mark_absent_students_not_checked(check.homeroom, bag, target, actor)
    # Other areas' reactions (a bag check's custody trail), in this transaction.
    trail += publish_in_save(CheckSaved(check, CheckKind(rows.kind), actor, saved, target,
                                        new=False))
    audit.insert_rows(trail, at=now, received_at=received_at)
    check.written = Written(rows.version + 1, target, saved,
                            frozenset(checks) | {CheckKind(rows.kind)}, False)
    _commit_keeping(check, reading)
    return check


def _write_entries(check, rows, saved, target, actor, numbers, now) -> list[dict]:
    """Write the rows of target that differ from saved (an INSERT of the new rows, an UPDATE
    of the others: two when some changed status, whose time is then now). The audit rows."""
    entries = {e.student_id: e for e in rows.entries}
    trail, added, moved, kept = [], [], [], []
    for student_id, values in target.items():
        before = saved.get(student_id)
        if before == values:
            continue
        entry = entries.get(student_id)
        if entry is None:
            added.append({"check_id": rows.id, "student_id": student_id, "status_since": now}
                         | _columns(values))
        elif entry.status != values["status"]:
            moved.append({"entry_id": entry.id, "status_since": now} | _columns(values))
        else:
            kept.append({"entry_id": entry.id} | _columns(values))
        trail.append(audit.row("check.entry", check, actor=actor, object_type="Check",
                               before=_audit_values(before, numbers[student_id]),
                               after=_audit_values(values, numbers[student_id])))
    for statement, params in ((INSERT_ENTRIES, added), (UPDATE_ENTRY, moved),
                              (UPDATE_ENTRY, kept)):
        if params:
            db.session.execute(statement, params)
    db.session.expire(check, ["entries"])  # read again only by what asks for them
    return trail


def _history(check: Check, trail: list[dict], at, actor) -> tuple[AuditLog, ...]:
    """A new check's history as its save wrote it: its audit rows, in order, as AuditLog rows
    that are never added to the session."""
    return tuple(AuditLog(**row | {"created_at": at, "received_at": check.received_at},
                          **({"actor": actor} if row["actor_id"] == getattr(actor, "id", None)
                             else {}))
                 for row in trail
                 if row["object_type"] == "Check" and row["object_id"] == str(check.id))


def _commit_keeping(check: Check, reading=None) -> None:
    """COMMIT, keeping what the session holds as this transaction wrote or read it: the check
    just saved, its rows, author, class and school are what the save's answer shows, and the
    COMMIT would otherwise expire them, each read again with a statement of its own. What the
    caller asked to read (save_check's `reading`) is read first, in this transaction."""
    if reading is not None:
        check.written = check.written._replace(read=reading(check, check.written))
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


_COLUMNS = ("status", *DETAILS)


def _columns(values: dict) -> dict:
    return {name: values[name] for name in _COLUMNS}


def _numbers(homeroom, target: dict) -> dict[int, str]:
    """Student numbers of target's students: the class's from the loaded roster, a query
    only for students who have left it since their entry was saved."""
    numbers = {s.id: s.student_number for s in homeroom.students}
    missing = [sid for sid in target if sid not in numbers]
    if missing:
        numbers |= dict(db.session.execute(db.select(Student.id, Student.student_number)
                                           .where(Student.id.in_(missing))).all())
    return numbers


def _audit_values(values: dict | None, number: str | None = None) -> dict | None:
    if values is None:
        return None
    shown = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
             for k, v in values.items() if v is not None}
    return shown | ({"student_number": number} if number else {})


def _flag_dangerous(check, target, saved, actor, numbers) -> list[dict]:
    """A knife, weapon or fire source goes on the office's list the moment it is saved: the
    audit rows that flag it."""
    trail = []
    for student_id, values in target.items():
        if values.get("category") not in DANGEROUS_CATEGORIES:
            continue
        if (saved.get(student_id) or {}).get("category") == values["category"]:
            continue
        trail.append(audit.row("check.dangerous_finding", check, actor=actor, after={
            "student_number": numbers[student_id], "category": values["category"],
            "description": values.get("description"), "action": values.get("action")}))
    return trail
