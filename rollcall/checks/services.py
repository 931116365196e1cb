"""Saving a check: one per (homeroom, school date, kind), optimistic locking, audit per entry.

The web form and the API both call `save_check`; it commits on success and writes nothing
when it raises (CheckInvalid, UnknownStudents, NotEditable, CheckConflict).
"""

import contextlib
import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from rollcall import audit, clock, vocabulary
from rollcall.cases import services as cases
from rollcall.checks import left_after_bag
from rollcall.checks.models import (
    DANGEROUS_CATEGORIES,
    DEFAULT_STATUS,
    AttendanceStatus,
    BagStatus,
    Check,
    CheckEntry,
    CheckKind,
)
from rollcall.checks.validation import DETAILS, CheckInvalid, FieldError, clean_entries
from rollcall.checks.window import ensure_editable
from rollcall.custody import services as custody
from rollcall.extensions import db
from rollcall.models import AuditLog, AuditRule, Student, StudentGuardian

# A phone's clock may run a little ahead of the server's: a tap up to this far "in the future"
# counts as now.
PHONE_CLOCK_SKEW = timedelta(minutes=2)
NOT_HERE = frozenset({AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED})
# Not in class at attendance: also a student who left after the bag check at morning reading
# (whose bag record stands). The sweep does not expect them; their family is contacted.
NOT_IN_CLASS = NOT_HERE | {AttendanceStatus.LEFT_AFTER_BAG}


class CheckConflict(Exception):
    """The check changed since the caller read it (stale version); `current` is what is saved."""

    def __init__(self, current: Check | None):
        super().__init__("the check was changed by someone else")
        self.current = current


def find_check(homeroom_id: int, day: date, kind: CheckKind) -> Check | None:
    """The saved check, or None."""
    return db.session.scalar(db.select(Check).where(
        Check.homeroom_id == homeroom_id, Check.school_date == day, Check.kind == kind))


def saved_kinds(homeroom_id: int, day: date) -> set[CheckKind]:
    """The kinds of check a homeroom has saved that day, read without their entries."""
    return {CheckKind(kind) for kind in db.session.scalars(db.select(Check.kind).where(
        Check.homeroom_id == homeroom_id, Check.school_date == day))}


def day_checks(homeroom_id: int, day: date) -> dict[CheckKind, Check]:
    """A homeroom's saved checks of a day by kind, entries loaded: two queries at most, so
    a save or a page asks once for what it needs of the day's other checks."""
    found = db.session.scalars(db.select(Check).options(selectinload(Check.entries)).where(
        Check.homeroom_id == homeroom_id, Check.school_date == day))
    return {CheckKind(check.kind): check for check in found}


def _statuses(homeroom_id: int, day: date, kind: CheckKind, checks=None) -> dict[int, str]:
    check = _saved(checks, homeroom_id, day, kind)
    return {} if check is None else {e.student_id: e.status for e in check.entries}


def roster(homeroom, day: date, kind: CheckKind, checks=None) -> list[Student]:
    """The students a check covers: the active class; dismissal only those here today.
    checks: the day's checks (day_checks), when the caller has them."""
    students = [s for s in homeroom.students if s.active]
    if kind == CheckKind.DISMISSAL:
        attendance = _statuses(homeroom.id, day, CheckKind.ATTENDANCE, checks)
        students = [s for s in students if attendance.get(s.id) not in NOT_IN_CLASS]
    return students


def students_in_order(ids) -> list[Student]:
    """These students, in the order of ids, read in one query."""
    ids = list(ids)
    if not ids:
        return []
    found = {s.id: s for s in db.session.scalars(db.select(Student).where(Student.id.in_(ids)))}
    return [found[sid] for sid in ids if sid in found]


def default_entries(homeroom, day: date, kind: CheckKind, students,
                    checks=None) -> dict[int, dict]:
    """What a new check starts with, linking bag check and attendance both ways."""
    status = {s.id: DEFAULT_STATUS[kind].value for s in students}
    if kind == CheckKind.BAG:
        for sid, seen in _statuses(homeroom.id, day, CheckKind.ATTENDANCE, checks).items():
            if seen in NOT_HERE and sid in status:
                status[sid] = BagStatus.NOT_CHECKED.value
    elif kind == CheckKind.ATTENDANCE:
        for sid, seen in _statuses(homeroom.id, day, CheckKind.BAG, checks).items():
            if seen == BagStatus.NOT_CHECKED and sid in status:
                status[sid] = AttendanceStatus.ABSENT.value
    return {sid: dict.fromkeys(DETAILS) | {"status": value} for sid, value in status.items()}


def entry_values(entry: CheckEntry) -> dict:
    """A saved entry as the same dict that clean_entries produces."""
    return {"status": entry.status} | {name: getattr(entry, name) for name in DETAILS}


NO_ENTRY = "-"  # the base of a row that had no saved entry when the page was loaded


def fingerprint(values: dict | None) -> str:
    """A short, stable token of a row's saved value: what the page was loaded with, sent back
    with a save so that only the rows this person changed are applied."""
    if values is None or values.get("status") is None:
        return NO_ENTRY
    shown = {"status": str(values["status"])}
    for name in DETAILS:
        value = values.get(name)
        if isinstance(value, datetime):  # to the minute, in UTC: what a time input carries
            value = (value.replace(tzinfo=UTC) if value.tzinfo is None
                     else value.astimezone(UTC)).strftime("%Y-%m-%dT%H:%M")
        if value not in (None, ""):
            shown[name] = str(value)
    return _digest(tuple(shown.items()))


@functools.lru_cache(maxsize=4096)
def _digest(shown: tuple) -> str:
    """A save fingerprints each row two or three times, most of them the same few values."""
    return hashlib.sha256(json.dumps(dict(shown), sort_keys=True).encode()).hexdigest()[:16]


def fingerprints(rows: dict) -> dict:
    """{key: fingerprint(values)} for {key: values}: alike rows (most of a class) hashed once."""
    known = {}
    result = {}
    for key, values in rows.items():
        alike = None if values is None else tuple(values.items())
        if alike not in known:
            known[alike] = fingerprint(values)
        result[key] = known[alike]
    return result


def current_entries(homeroom, day: date, kind: CheckKind,
                    checks=None) -> tuple[Check | None, dict]:
    """(check, {student_id: values}) for display: what was saved, else the defaults.

    A saved check shows students without an entry (who joined since) with no status chosen:
    they are added only when someone picks one. checks: the day's checks (day_checks), when
    the caller has them.
    """
    checks = day_checks(homeroom.id, day) if checks is None else checks
    check = checks.get(kind)
    students = roster(homeroom, day, kind, checks)
    if check is None:
        return check, default_entries(homeroom, day, kind, students, checks)
    values = {s.id: dict.fromkeys(DETAILS) | {"status": None} for s in students}
    return check, values | {e.student_id: entry_values(e) for e in check.entries}


@dataclass
class RowConflict:
    """A row both this person and someone else changed since the page (or read) was loaded."""

    student: Student
    mine: dict  # what this person posted
    theirs: dict  # what is saved now
    changed_by: str  # who made the other change
    changed_at: datetime | None


class RowConflicts(Exception):
    """Rows changed by two people at once; nothing was written. `rows` lists them."""

    def __init__(self, check: Check | None, rows: list[RowConflict]):
        super().__init__(f"{len(rows)} row(s) changed by someone else")
        self.check = check
        self.rows = rows


def save_check(homeroom, day: date, kind, entries, version: int | None, actor, *,
               campus_checked: bool = True, tapped_at: datetime | None = None,
               loaded_at: datetime | None = None) -> Check:
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
    """
    kind = CheckKind(kind)
    school = homeroom.school
    ensure_editable(actor, school, day)
    checks = day_checks(homeroom.id, day)
    students = roster(homeroom, day, kind, checks)
    here = {s.id for s in students}
    entries, bases = _split_bases(entries)
    wanted = clean_entries(kind, school, day, entries, {
        s.student_number: s for s in homeroom.students if s.active
    }, not_here={s.student_number for s in homeroom.students if s.active and s.id not in here})
    _agree_with_the_other_check(homeroom, day, kind, entries, wanted, checks)
    left_after_bag.agree_with_bag_check(homeroom, kind, entries, wanted, checks)
    check = checks.get(kind)
    saved = {} if check is None else {e.student_id: entry_values(e) for e in check.entries}
    defaults = default_entries(homeroom, day, kind, students, checks) if check is None else {}
    merging = bool(wanted) and bases is not None
    if merging:
        wanted = _merge(homeroom, check, wanted, bases, saved if check else defaults,
                        defaults or default_entries(homeroom, day, kind, students, checks))
    target = defaults | saved | wanted
    when = record_time(school, day, tapped_at, check, loaded_at)
    _fill_arrival_times(target, saved, when if day == clock.school_today(school) else None)
    if check is not None and saved == target and not _newly_campus_checked(check,
                                                                           campus_checked):
        return check  # a repeat of what is already saved: nothing to do
    if not merging and ((check is None) != (version is None)
                        or (check is not None and version != check.version)):
        raise CheckConflict(check)
    received = (tapped_at, clock.now())
    if check is None:
        check = _create(homeroom, day, kind, target, actor, campus_checked, checks, when,
                        received)
    else:
        check = _update(check, saved, target, actor, campus_checked, checks, when, received)
    if kind == CheckKind.DISMISSAL:  # a student not found at the sweep is missing
        cases.raise_for_sweep(check, actor)
        cases.note_sweep_changes(check, saved, target, actor)
    return check


def _split_bases(entries):
    """(entries without their base, {student_number: base fingerprint}) or (entries, None)
    when any entry has no base (the caller asks for the whole-check version rule)."""
    if not isinstance(entries, list):
        return entries, None
    with_base = [isinstance(raw, dict) and "base" in raw for raw in entries]
    if not any(with_base):
        return entries, None
    if not all(with_base):
        raise CheckInvalid([FieldError(f"entries[{with_base.index(False)}].base",
                                       _l("Give every entry its base, or none."))])
    bases = {}
    for raw in entries:
        base = raw["base"]
        if isinstance(base, dict):
            base = fingerprint(_parsed_base(base))
        elif base is None:
            base = NO_ENTRY
        number = raw.get("student_number")
        if isinstance(number, str):  # anything else is refused with the entry's other faults
            bases[number] = str(base)
    return [{k: v for k, v in raw.items() if k != "base"} for raw in entries], bases


def _parsed_base(base: dict) -> dict:
    """An entry as the API returned it, with its arrival time read back as an instant."""
    arrived = base.get("arrived_at")
    if isinstance(arrived, str):
        # Not an instant: the fingerprint will not match, which makes a changed row a conflict.
        with contextlib.suppress(ValueError):
            base = base | {"arrived_at": datetime.fromisoformat(arrived)}
    return base


def _merge(homeroom, check, wanted: dict, bases: dict, current: dict, defaults: dict) -> dict:
    """The rows of wanted this person changed from their base; RowConflicts when someone
    else changed one of them too (to something else). A caller who read no entry (null base)
    and finds the row's default saved by someone else has not been overtaken."""
    by_id = {s.id: s for s in homeroom.students}
    applied, conflicts = {}, []
    for student_id, values in wanted.items():
        base = bases.get(by_id[student_id].student_number, NO_ENTRY)
        mine, now = fingerprint(values), fingerprint(current.get(student_id))
        if mine in (base, now):
            continue  # untouched here, or both made the same change
        if base == NO_ENTRY and now == fingerprint(defaults.get(student_id)):
            base = now
        if now != base:
            who, when = _last_change(check, by_id[student_id].student_number)
            conflicts.append(RowConflict(by_id[student_id], values,
                                         current.get(student_id) or {}, who, when))
            continue
        applied[student_id] = values
    if conflicts:
        raise RowConflicts(check, conflicts)
    return applied


def _last_change(check: Check | None, number: str) -> tuple[str, datetime | None]:
    """Who last changed a student's row of a check, and when (from the audit trail)."""
    if check is None:
        return "?", None
    changes = db.session.scalars(
        db.select(AuditLog).where(AuditLog.object_type == "Check",
                                  AuditLog.object_id == str(check.id),
                                  AuditLog.action.in_(("check.entry", "check.submit")))
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc()))
    for change in changes:
        after = change.after or {}
        if after.get("student_number") == number or change.action == "check.submit":
            return vocabulary.author(change), change.created_at
    return (check.updated_by.display_name if check.updated_by else "?"), check.updated_at


def _agree_with_the_other_check(homeroom, day: date, kind: CheckKind, raw_entries,
                                wanted: dict, checks: dict) -> None:
    """Bag check and attendance never contradict each other about who was here.

    A bag finding for a student marked absent (or excused) is refused, from either side: the
    student whose bag was searched was there. A 'nothing found' for an absent student becomes
    'not checked (absent)'.
    """
    if kind == CheckKind.ATTENDANCE:
        other = _statuses(homeroom.id, day, CheckKind.BAG, checks)
        refused = {sid for sid, values in wanted.items()
                   if values["status"] in NOT_HERE and other.get(sid) == BagStatus.FOUND}
        message = _l("This student's bag was searched this morning, so they were here: if "
                     "they have left since, mark them \"came, then left\"; if they are here, "
                     "late.")
    elif kind == CheckKind.BAG:
        other = _statuses(homeroom.id, day, CheckKind.ATTENDANCE, checks)
        absent = {sid for sid in wanted if other.get(sid) in NOT_HERE}
        refused = {sid for sid in absent if wanted[sid]["status"] == BagStatus.FOUND}
        message = _l("This student is marked absent at attendance: mark them late there "
                     "first, then record what was found.")
        for sid in absent - refused:
            wanted[sid] = dict.fromkeys(DETAILS) | {"status": BagStatus.NOT_CHECKED.value}
    else:
        return
    if not refused:
        return
    numbers = {s.id: s.student_number for s in homeroom.students if s.id in refused}
    where = {raw.get("student_number"): index for index, raw in enumerate(raw_entries)}
    raise CheckInvalid([FieldError(f"entries[{where[numbers[sid]]}].status", message,
                                   numbers[sid]) for sid in sorted(refused)])


def _mark_absent_students_not_checked(homeroom, bag: Check | None, target: dict,
                                      actor) -> list[dict]:
    """Attendance saved: students not here are 'not checked (absent)' on the day's bag check,
    whichever check was saved first (a finding was refused before this point). Returns the
    audit rows."""
    if bag is None:
        return []  # a bag check created later starts them as not checked
    away = {sid for sid, values in target.items() if values["status"] in NOT_HERE}
    changed = [entry for entry in bag.entries
               if entry.student_id in away and entry.status == BagStatus.CLEAR]
    if not changed:
        return []
    now = clock.now()
    bag.version += 1  # a page or client holding the old rows must read them again
    # ...but nobody edited the bag check: its last editor, time and edit count stay.
    numbers = _numbers(homeroom, {entry.student_id: None for entry in changed})
    trail = []
    for entry in changed:
        before = entry_values(entry)
        entry.status, entry.status_since = BagStatus.NOT_CHECKED.value, now
        trail.append(audit.row("check.entry", bag, actor=actor, object_type="Check",
                               rule=AuditRule.ABSENT_AT_ATTENDANCE,
                               before=_audit_values(before, numbers[entry.student_id]),
                               after=_audit_values(entry_values(entry),
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
            received=(None, None)) -> Check:
    now = now or clock.now()
    check = Check(school_id=homeroom.school_id, homeroom=homeroom, school_date=day, kind=kind,
                  version=1, submitted_at=now, submitted_by=actor, updated_at=now,
                  updated_by=actor, recorded_on_phone_at=received[0],
                  received_at=received[1] or clock.now(),
                  campus_checked_at=now if kind == CheckKind.DISMISSAL and campus_checked
                  else None)
    db.session.add(check)
    try:
        db.session.flush()
    except IntegrityError:  # someone else created it a moment ago
        db.session.rollback()
        raise CheckConflict(find_check(homeroom.id, day, kind)) from None
    # One multi-row INSERT (SQLite too, where the ORM would send one per row to learn ids);
    # the entries are read back only by what needs them (a bag check's custody trail). A class
    # with no students has none: an INSERT without rows would write one empty row.
    if target:
        db.session.execute(CheckEntry.__table__.insert(), [
            {"check_id": check.id, "student_id": student_id, "status_since": now}
            | _columns(values) for student_id, values in target.items()])
    db.session.expire(check, ["entries"])
    numbers = _numbers(homeroom, target)
    trail = [audit.row("check.submit", check, actor=actor, after={
        "kind": str(kind), "date": day.isoformat(),
        "entries": {numbers[sid]: _audit_values(v) for sid, v in sorted(target.items())
                    if v["status"] != DEFAULT_STATUS[kind]},
    })]
    trail += _flag_dangerous(check, target, {}, actor, numbers)
    if kind == CheckKind.ATTENDANCE:
        bag = _saved(checks, homeroom.id, day, CheckKind.BAG)
        trail += _mark_absent_students_not_checked(homeroom, bag, target, actor)
    # What a bag check took has a custody trail.
    trail += custody.track_findings(check, actor, target, new=True)
    audit.insert_rows(trail, at=now, received_at=check.received_at)
    db.session.commit()
    return check


def _update(check, saved, target, actor, campus_checked, checks=None, now=None,
            received=(None, None)) -> Check:
    now = now or clock.now()
    phone_at, received_at = received[0], received[1] or clock.now()
    result = db.session.execute(
        update(Check).where(Check.id == check.id, Check.version == check.version)
        .values(version=Check.version + 1, edits=Check.edits + 1, updated_at=now,
                updated_by_id=actor.id, recorded_on_phone_at=phone_at, received_at=received_at)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise CheckConflict(find_check(check.homeroom_id, check.school_date, check.kind))
    # The version matched, so the check and its entries as loaded are what is saved: note the
    # UPDATE's values on it rather than reading the check and its entries again.
    for name, value in (("version", check.version + 1), ("edits", check.edits + 1),
                        ("updated_at", now), ("updated_by_id", actor.id), ("updated_by", actor),
                        ("recorded_on_phone_at", phone_at), ("received_at", received_at)):
        set_committed_value(check, name, value)
    entries = {e.student_id: e for e in check.entries}
    numbers = _numbers(check.homeroom, target)
    trail = []
    for student_id, values in target.items():
        before = saved.get(student_id)
        if before == values:
            continue
        entry = entries.get(student_id)
        if entry is None:
            entry = CheckEntry(student_id=student_id, status_since=now)
            check.entries.append(entry)
        elif entry.status != values["status"]:
            entry.status_since = now
        for name, value in _columns(values).items():
            setattr(entry, name, value)
        trail.append(audit.row("check.entry", check, actor=actor, object_type="Check",
                               before=_audit_values(before, numbers[student_id]),
                               after=_audit_values(values, numbers[student_id])))
    if _newly_campus_checked(check, campus_checked):
        check.campus_checked_at = now
        trail.append(audit.row("check.campus_checked", check, actor=actor,
                               after={"at": now.isoformat()}))
    trail += _flag_dangerous(check, target, saved, actor, numbers)
    if check.kind == CheckKind.ATTENDANCE:
        bag = _saved(checks, check.homeroom_id, check.school_date, CheckKind.BAG)
        trail += _mark_absent_students_not_checked(check.homeroom, bag, target, actor)
    # What a bag check took has a custody trail (target: every entry the check now has).
    trail += custody.track_findings(check, actor, target, new=False)
    audit.insert_rows(trail, at=now, received_at=received_at)
    db.session.commit()
    return check


def _saved(checks: dict | None, homeroom_id: int, day: date, kind: CheckKind) -> Check | None:
    """The day's check of kind from checks (day_checks), or looked up when not given."""
    return find_check(homeroom_id, day, kind) if checks is None else checks.get(kind)


def _columns(values: dict) -> dict:
    return {"status": values["status"]} | {name: values[name] for name in DETAILS}


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


def attendance_entries(school_id: int, day: date, student_ids=None) -> dict[int, CheckEntry]:
    """A school's attendance entries of a day by student id (only these students, if given),
    with each student's homeroom and guardians loaded: what parent texts are decided from."""
    query = (db.select(CheckEntry).join(Check)
             .where(Check.school_id == school_id, Check.school_date == day,
                    Check.kind == CheckKind.ATTENDANCE)
             .options(selectinload(CheckEntry.student).options(
                 selectinload(Student.homeroom),
                 selectinload(Student.guardian_links).selectinload(StudentGuardian.guardian))))
    if student_ids is not None:
        query = query.where(CheckEntry.student_id.in_(student_ids))
    return {entry.student_id: entry for entry in db.session.scalars(query)}
