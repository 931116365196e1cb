"""The weekly conflict screening as services: record it, record and follow conflicts (open ones
carry over to the next week), the cut-off and its reminder, and what the office must see."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam

from rollcall import audit, clock, school_settings, vocabulary
from rollcall.extensions import db, insert_unless_present
from rollcall.field_errors import FieldsInvalid, clean_text, enum_member
from rollcall.models import Homeroom, School, Student, User
from rollcall.notify.carrier import carrier_ready, link_or_page, signature
from rollcall.notify.gateway import ALIYUN
from rollcall.notify.models import TextKind
from rollcall.notify.settings import format_day, school_provider
from rollcall.notify.staff_texts import public_link, queue_text, save_once, teachers_to_text
from rollcall.screening.models import (
    Conflict,
    ConflictSeverity,
    ConflictState,
    ConflictUpdate,
    Screening,
    ScreeningReminder,
)
from rollcall.state_change import AlreadyChanged, compare_and_set

REMIND_GRACE = timedelta(hours=1)


class ScreeningInvalid(FieldsInvalid):
    """A screening or conflict that cannot be recorded; nothing was written."""


def week_start(day: date) -> date:
    """The Monday of day's week."""
    return day - timedelta(days=day.weekday())


def cutoff(school: School) -> tuple[int, time]:
    """(weekday, time) by which each week's screening is due: the school's, else Friday 17:00."""
    return school_settings.read(school, "screening")


def save_cutoff(school: School, weekday: int, wall: time, actor) -> None:
    """Store the weekly cut-off (commits, audited)."""
    before = school_settings.stored(school, "screening") or {}
    after = {"weekday": int(weekday), "time": wall.strftime("%H:%M")}
    school_settings.write(school, "screening", after)
    audit.record("school.screening_settings", school, actor=actor, before=before, after=after)
    db.session.commit()


def cutoff_at(school: School, monday: date) -> datetime:
    """The instant the screening of the week starting monday falls due."""
    weekday, wall = cutoff(school)
    return clock.school_datetime(school, monday + timedelta(days=weekday), wall)


@dataclass(frozen=True)
class WeekState:
    homeroom: Homeroom
    monday: date
    screening: Screening | None
    due_at: datetime
    overdue: bool


# Built once: every Today asks it.
WEEKS_SCREENING = db.select(Screening).where(Screening.homeroom_id == bindparam("homeroom_id"),
                                             Screening.week_start == bindparam("monday"))


def week_state(homeroom: Homeroom, monday: date) -> WeekState:
    """Done, due, or overdue: the screening of a homeroom's week."""
    screening = db.session.scalar(WEEKS_SCREENING,
                                  {"homeroom_id": homeroom.id, "monday": monday})
    due = cutoff_at(homeroom.school, monday)
    return WeekState(homeroom, monday, screening, due,
                     screening is None and clock.now() >= due)


def _ensure_screening(homeroom: Homeroom, monday: date, actor,
                      no_conflicts: bool) -> tuple[Screening, bool]:
    """The week's screening, recorded now unless it is already (maybe a moment ago, from
    another phone: the database keeps one); True when this call recorded it."""
    table = Screening.__table__
    made = db.session.execute(insert_unless_present(
        table, db.session.get_bind().dialect.name, school_id=homeroom.school_id,
        homeroom_id=homeroom.id, week_start=monday, no_conflicts=no_conflicts,
        recorded_at=clock.now(), recorded_by_id=actor.id if actor else None,
    ).returning(table.c.id)).scalar_one_or_none()
    screening = db.session.scalar(db.select(Screening).where(
        Screening.homeroom_id == homeroom.id, Screening.week_start == monday))
    if not no_conflicts and screening.no_conflicts:
        screening.no_conflicts = False
    return screening, made is not None


def record_no_conflicts(homeroom: Homeroom, monday: date, actor: User) -> Screening:
    """The week's screening found no new conflict (commits, audited once)."""
    existing = week_state(homeroom, monday).screening
    if existing is not None:
        return existing
    screening, made = _ensure_screening(homeroom, monday, actor, True)
    if made:
        audit.record("screening.record", screening, actor=actor, after={
            "homeroom_id": homeroom.id, "week": monday.isoformat(), "no_conflicts": True})
    db.session.commit()
    return screening


def record_conflict(homeroom: Homeroom, monday: date, actor: User, *, student_ids,
                    about: str, severity: str, action: str | None, state: str) -> Conflict:
    """A conflict found by the week's screening (records the screening too; commits, audited).
    Students may be of any class of the school, never of another school."""
    errors = {}
    ids = sorted({int(i) for i in student_ids or ()})
    students = list(db.session.scalars(db.select(Student).where(Student.id.in_(ids)))) \
        if ids else []
    if not ids:
        errors["student_ids"] = _l("Name the students involved.")
    elif len(students) != len(ids) or any(s.school_id != homeroom.school_id
                                          for s in students):
        errors["student_ids"] = _l("Only students of this school can be named.")
    about = clean_text(about, errors, "about", _l("Say what the conflict is about."))
    action = clean_text(action, errors, "action")
    severity = enum_member(ConflictSeverity, severity, errors, "severity",
                           _l("Choose how serious it is."))
    state = enum_member(ConflictState, state, errors, "state", _l("Choose its state."))
    if errors:
        raise ScreeningInvalid(errors)
    screening, _made = _ensure_screening(homeroom, monday, actor, False)
    conflict = Conflict(school_id=homeroom.school_id, homeroom_id=homeroom.id, week_start=monday,
                        about=about, severity=severity, state=state, action=action,
                        created_at=clock.now(), created_by=actor, updated_at=clock.now(),
                        students=students)
    conflict.updates.append(ConflictUpdate(week_start=monday, at=clock.now(), actor=actor,
                                           state=state, note=action))
    db.session.add(conflict)
    db.session.flush()
    audit.record("conflict.record", conflict, actor=actor, after={
        "homeroom_id": homeroom.id, "week": monday.isoformat(), "screening_id": screening.id,
        "students": ids, "severity": str(severity), "state": str(state)})
    db.session.commit()
    return conflict


def update_conflict(conflict: Conflict, actor: User, *, state: str, note: str | None,
                    take_over: bool = False) -> ConflictUpdate:
    """A new state and what was done (a mediation); the office may take the conflict over.
    Commits, audited; ScreeningInvalid writes nothing, nor does AlreadyChanged: someone changed
    the conflict's state (or took it over) since this change was decided. A compare-and-set on
    both lets one of two changes sent at the same moment through."""
    errors = {}
    state = enum_member(ConflictState, state, errors, "state", _l("Choose its state."))
    note = clean_text(note, errors, "note", _l("Write what was done."))
    if errors:
        raise ScreeningInvalid(errors)
    before = {"state": conflict.state, "office_owner_id": conflict.office_owner_id}
    today = clock.school_today(conflict.homeroom.school)
    owner_id = actor.id if take_over else conflict.office_owner_id
    if not compare_and_set(conflict, before, {"state": state, "action": note,
                                              "updated_at": clock.now(),
                                              "office_owner_id": owner_id}):
        db.session.rollback()
        raise changed_first(conflict)
    update = ConflictUpdate(week_start=week_start(today), at=clock.now(), actor=actor,
                            state=state, note=note)
    conflict.updates.append(update)
    audit.record("conflict.update", conflict, actor=actor, before=before, after={
        "state": str(state), "office_owner_id": owner_id})
    db.session.commit()
    return update


def changed_first(conflict: Conflict) -> AlreadyChanged:
    """What the one who was second is told: who changed the conflict, and to what."""
    latest = conflict.updates[-1] if conflict.updates else None
    who = latest.actor.display_name if latest and latest.actor else _("Someone")
    return AlreadyChanged(_("%(name)s changed this conflict a moment ago: %(state)s. Your "
                            "update was not recorded.", name=who,
                            state=vocabulary.name(ConflictState(conflict.state))))


def carried_over(homeroom: Homeroom, monday: date) -> list[Conflict]:
    """Conflicts of earlier weeks not yet resolved: they come back every week until they are."""
    return list(db.session.scalars(
        db.select(Conflict).where(Conflict.homeroom_id == homeroom.id,
                                  Conflict.week_start < monday,
                                  Conflict.state != ConflictState.RESOLVED)
        .order_by(Conflict.week_start, Conflict.id)))


def found_in_week(homeroom: Homeroom, monday: date) -> list[Conflict]:
    """Conflicts this week's screening found."""
    return list(db.session.scalars(
        db.select(Conflict).where(Conflict.homeroom_id == homeroom.id,
                                  Conflict.week_start == monday).order_by(Conflict.id)))


def for_the_office(school_id: int) -> list[Conflict]:
    """Unresolved conflicts with a risk of violence or escalated to the office, oldest first."""
    return [c for c in db.session.scalars(
        db.select(Conflict).where(Conflict.school_id == school_id,
                                  Conflict.state != ConflictState.RESOLVED)
        .order_by(Conflict.created_at, Conflict.id)) if c.needs_office]


def school_week(school: School, monday: date, homerooms=None) -> list[WeekState]:
    """Every active homeroom's screening of the week (or of the homerooms given, already
    loaded), for the office board: one query for the week's screenings, whatever the size."""
    if homerooms is None:
        homerooms = db.session.scalars(db.select(Homeroom).where(
            Homeroom.school_id == school.id, Homeroom.active.is_(True))
            .order_by(Homeroom.grade, Homeroom.name)).all()
    done = {screening.homeroom_id: screening for screening in db.session.scalars(
        db.select(Screening).where(Screening.school_id == school.id,
                                   Screening.week_start == monday))}
    due = cutoff_at(school, monday)
    passed = clock.now() >= due
    return [WeekState(homeroom, monday, done.get(homeroom.id), due,
                      homeroom.id not in done and passed) for homeroom in homerooms]


def remind_overdue_screenings(school: School) -> int:
    """At the weekly cut-off: remind the teachers of each class whose screening is not in,
    once, by text through the outbox (as for a missing attendance)."""
    monday = week_start(clock.school_today(school))
    due = cutoff_at(school, monday)
    if not due <= clock.now() < due + REMIND_GRACE:
        return 0
    reminded = 0
    for state in school_week(school, monday):
        if state.screening is None:
            reminded += _remind(school, state.homeroom, monday)
    return reminded


def _remind(school: School, homeroom: Homeroom, monday: date) -> int:
    """Each teacher's text keeps the placeholders (class, week, school) an Aliyun template is
    sent with; a +86 phone gets the carriers' rules: no link, the signature first."""
    link = public_link(f"/homerooms/{homeroom.id}/screening")
    reminder = ScreeningReminder(school_id=school.id, homeroom_id=homeroom.id, week_start=monday,
                                 created_at=clock.now(), texts_queued=0)
    today = clock.school_today(school)
    # Only the provider: a reminder does not depend on the school's other text settings.
    provider = school_provider(school, current_app.config)
    sign = signature(school, provider, current_app.config)
    for teacher, language in teachers_to_text(homeroom, school):
        words = {"school": school.name, "class": homeroom.name}
        with force_locale(language):
            page = _("Rollcall › Today › %(name)s › Weekly conflict screening",
                     name=homeroom.name)
            body = _("%(school)s: this week's conflict screening for %(class)s is not in "
                     "yet. Please record it: %(link)s",
                     link=link_or_page(teacher.phone_e164, link, page), **words)
        # Aliyun sends its approved (Chinese) template, so the week is written in Chinese.
        params = {**words, "week": format_day(
            monday, "zh_Hans" if provider == ALIYUN else language)}
        queue_text(school, today, TextKind.SCREENING_REMINDER, teacher.phone_e164, language,
                   carrier_ready(body, teacher.phone_e164, sign), params, user=teacher)
        reminder.texts_queued += 1
    return save_once(reminder)  # 0: reminded already this week


def reminded_at(homeroom_id: int, monday: date) -> datetime | None:
    """When the teachers were reminded of that week's screening, if they were."""
    return db.session.scalar(db.select(ScreeningReminder.created_at).where(
        ScreeningReminder.homeroom_id == homeroom_id, ScreeningReminder.week_start == monday))
