"""Missing-student cases: raise one (once), text the on-duty phones (once each), follow up, close.

Cases are raised by the checks (a family that did not know, a student not found at the
dismissal sweep) and by the scheduler's minute pass (an absence nobody could reach by the
school's set time). The texts go into the notify area's outbox like every other text; the
sender sends them.
"""

import logging
from datetime import date, time

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from rollcall import audit, clock, school_settings, vocabulary
from rollcall.cases.models import (
    CaseEvent,
    CaseEventKind,
    CaseOutcome,
    CaseText,
    CaseTrigger,
    MissingCase,
)
from rollcall.checks.models import (
    TEXTED_ABSENT,
    AttendanceStatus,
    Check,
    CheckEntry,
    CheckKind,
    DismissalStatus,
)
from rollcall.extensions import db
from rollcall.family.models import ContactLog, ContactOutcome
from rollcall.field_errors import NOTE_LIMIT, FieldsInvalid, enum_member
from rollcall.models import School, Student
from rollcall.notify.carrier import carrier_ready, link_or_page, signature
from rollcall.notify.gateway import ALIYUN
from rollcall.notify.models import (
    ABSENCE_KINDS,
    OutboxStudent,
    OutboxText,
    TextKind,
    TextStatus,
)
from rollcall.notify.settings import LANGUAGES, school_provider
from rollcall.notify.staff_texts import public_link, queue_text
from rollcall.phones import mask
from rollcall.school_days import is_school_day
from rollcall.school_settings import CaseSettings
from rollcall.state_change import AlreadyChanged, compare_and_set

log = logging.getLogger(__name__)
# A family "reached" in the contact log: they answered, whatever they said.
REACHED = (ContactOutcome.REASON_GIVEN, ContactOutcome.ON_THE_WAY, ContactOutcome.UNAWARE)


class CaseInvalid(FieldsInvalid):
    """A case note or closing that cannot be recorded; nothing was written."""


def case_settings(school: School) -> CaseSettings:
    """The school's on-duty phones and its 'no family reached by' time."""
    return school_settings.read(school, "cases")


def save_case_settings(school: School, duty_phones: list[str], unreached_by: time,
                       actor) -> None:
    """Store the on-duty phones (E.164, already checked) and the time; audited."""
    before = school_settings.stored(school, "cases") or {}
    after = {"duty_phones": list(dict.fromkeys(duty_phones)),
             "unreached_by": unreached_by.strftime("%H:%M")}
    school_settings.write(school, "cases", after)
    audit.record("school.case_settings", school, actor=actor,
                 before={"duty_phones": [mask(p) for p in before.get("duty_phones", [])],
                         "unreached_by": before.get("unreached_by")},
                 after={"duty_phones": [mask(p) for p in after["duty_phones"]],
                        "unreached_by": after["unreached_by"]})
    db.session.commit()


# --- Raising a case ---------------------------------------------------------------------------

def raise_case(student: Student, day: date, trigger: CaseTrigger, actor=None,
               note: str | None = None, at=None, received_at=None) -> MissingCase | None:
    """Open a case for a missing student and queue one text per on-duty phone (commits).

    While the student already has an open case, the trigger joins its timeline instead and
    nobody is texted again. The same trigger on the same day never opens a second case, and
    the database keeps one open case per student: of two raised at the same moment, one opens
    it and the other joins its timeline. at, received_at: when it happened and when the server
    received it, for a save sent from a phone (the sweep's record time); else now. Returns the
    case that was opened, or None.
    """
    trigger = CaseTrigger(trigger)
    for _attempt in range(3):  # an open case closed (or opened) while we looked: look again
        current = open_case_of(student.id)
        if current is not None:
            if _join(current, day, trigger, actor, note, at, received_at):
                return None
            continue
        case = MissingCase(school_id=student.school_id, student_id=student.id,
                           homeroom_id=student.homeroom_id, school_date=day, trigger=trigger,
                           opened_at=at or clock.now(), opened_by=actor)
        db.session.add(case)
        try:
            db.session.flush()
        except IntegrityError:  # opened a moment ago: by this trigger, or by another one
            db.session.rollback()
            if open_case_of(student.id) is None:
                return None  # the same trigger's case of today, closed already
            continue
        _event(case, CaseEventKind.OPENED, actor, trigger=trigger, note=note, at=at,
               received_at=received_at)
        queued = _queue_duty_texts(case, student)
        audit.record("case.open", case, actor=actor, at=at, received_at=received_at, after={
            "student_id": student.id, "date": day.isoformat(), "trigger": str(trigger),
            "texts": queued})
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return None
        log.info("missing-student case %s opened (%s), %d text(s) queued", case.id, trigger,
                 queued)
        return case
    return None


def _join(case: MissingCase, day: date, trigger: CaseTrigger, actor, note,
          at=None, received_at=None) -> bool:
    """The trigger joins the open case's timeline, once per trigger (commits). A compare-and-set
    on the case still being open holds the row, so of two joins at once the second sees the
    first's line; False: the case was closed meanwhile (nothing written)."""
    if not compare_and_set(case, {"closed_at": None}, {"closed_at": None}):
        db.session.rollback()
        return False
    joined = db.session.scalars(db.select(CaseEvent.trigger).where(
        CaseEvent.case_id == case.id, CaseEvent.trigger.is_not(None))).all()
    if trigger in joined:
        db.session.rollback()
        return True
    _event(case, CaseEventKind.RAISED_AGAIN, actor, trigger=trigger, note=note, at=at,
           received_at=received_at)
    audit.record("case.raised_again", case, actor=actor, at=at, received_at=received_at,
                 after={"trigger": str(trigger), "date": day.isoformat()})
    db.session.commit()
    return True


def _event(case, kind, actor, trigger=None, outcome=None, note=None, status=None,
           at=None, received_at=None) -> CaseEvent:
    event = CaseEvent(kind=kind, at=at or clock.now(), received_at=received_at, actor=actor,
                      trigger=trigger, outcome=outcome, status=status,
                      note=(note or "").strip() or None)
    case.events.append(event)
    return event


def _queue_duty_texts(case: MissingCase, student: Student) -> int:
    """One outbox text per on-duty phone; the sender sends them with the other texts.

    Each row keeps the placeholders (student, class, school, time, trigger) an Aliyun template
    is sent with; a +86 phone gets the carriers' rules: no link, the signature first.
    """
    school = student.school
    phones = case_settings(school).duty_phones
    language = school.locale if school.locale in LANGUAGES else "zh_Hans"
    # Only the provider: an emergency text must not wait on the school's other text settings.
    provider = school_provider(school, current_app.config)
    sign = signature(school, provider, current_app.config)
    words = {"school": school.name, "student": student.name,
             "class": student.homeroom.name if student.homeroom else ""}
    link = public_link(f"/cases/{case.id}")
    # Aliyun sends its approved (Chinese) template, so its parameters are Chinese words.
    with force_locale("zh_Hans" if provider == ALIYUN else language):
        params = {**words, "time": clock.to_school_time(school, case.opened_at).strftime("%H:%M"),
                  "trigger": vocabulary.name(CaseTrigger(case.trigger))}
    today = clock.school_today(school)
    for phone in phones:
        with force_locale(language):
            page = _("Rollcall › Missing students")
            body = _("%(school)s: missing student %(student)s (%(class)s): %(why)s. "
                     "Follow the case: %(link)s", **words,
                     why=vocabulary.name(CaseTrigger(case.trigger)),
                     link=link_or_page(phone, link, page))
        text = queue_text(school, today, TextKind.MISSING_STUDENT, phone, language,
                          carrier_ready(body, phone, sign), params)
        case.texts.append(CaseText(text=text, to_e164=phone))
    return len(phones)


def open_case_of(student_id: int) -> MissingCase | None:
    """The student's open case, if any."""
    return db.session.scalar(db.select(MissingCase).where(
        MissingCase.student_id == student_id, MissingCase.closed_at.is_(None))
        .order_by(MissingCase.id).limit(1))


def on_absence_contact(contact: ContactLog, actor) -> MissingCase | None:
    """A family contact was logged for an absence. Trigger one: the family was reached and did
    not know where the student is. Trigger four: a student who left after the bag check at
    morning reading, whose family did not know or did not answer."""
    if contact.outcome not in (ContactOutcome.UNAWARE, ContactOutcome.NO_ANSWER):
        return None  # the family knows: nobody is missing
    if _left_after_bag(contact.student_id, contact.school_date):
        trigger = CaseTrigger.LEFT_AFTER_BAG
    elif contact.outcome == ContactOutcome.UNAWARE:
        trigger = CaseTrigger.FAMILY_UNAWARE
    else:
        return None  # an absent student's family not answering yet is not a missing student
    return raise_case(contact.student, contact.school_date, trigger, actor, note=contact.note)


def _left_after_bag(student_id: int, day: date) -> bool:
    """Attendance records the student as having left after the bag check that day."""
    return db.session.scalar(
        db.select(CheckEntry.id).join(Check)
        .where(CheckEntry.student_id == student_id, Check.school_date == day,
               Check.kind == CheckKind.ATTENDANCE,
               CheckEntry.status == AttendanceStatus.LEFT_AFTER_BAG).limit(1)) is not None


def on_check_saved(event) -> None:
    """A check was saved and committed (rollcall.checks.events): at the dismissal sweep a
    student not found is missing, and a 'not found' corrected is told to the open case."""
    if event.kind != CheckKind.DISMISSAL:
        return
    raise_for_sweep(event.check, event.actor, event.after)
    note_sweep_changes(event.check, event.before, event.after, event.actor)


def raise_for_sweep(check: Check, actor, rows: dict) -> list[MissingCase]:
    """Trigger two: students marked 'not found' at the dismissal sweep. rows: every row of
    the sweep as saved ({student_id: values}), so that its entries are not read again."""
    if check.kind != CheckKind.DISMISSAL:
        return []
    missing = [db.session.get(Student, student_id) for student_id, values in rows.items()
               if values["status"] == DismissalStatus.NOT_FOUND]
    opened = [raise_case(student, check.school_date, CaseTrigger.NOT_FOUND, actor,
                         **_sweep_times(check))
              for student in missing]
    return [case for case in opened if case is not None]


def _sweep_times(check: Check) -> dict:
    """When the sweep's save happened (the time of the tap, when plausible) and was received."""
    return {"at": check.updated_at, "received_at": check.received_at}


def note_sweep_changes(check: Check, before: dict, after: dict, actor) -> int:
    """A 'not found' row of the sweep changed (the student was found, or a mistake): the
    student's open case records it on its timeline, so it asks to be closed with an outcome
    (commits, audited). before/after: {student_id: values} as saved and as now saved.
    Returns how many cases were told."""
    told = 0
    for student_id, values in after.items():
        was = (before.get(student_id) or {}).get("status")
        now = values.get("status")
        if was != DismissalStatus.NOT_FOUND or now == DismissalStatus.NOT_FOUND:
            continue
        case = open_case_of(student_id)
        # Still open once the row is ours (a closing at the same moment goes first, or waits).
        if case is None or not compare_and_set(case, {"closed_at": None}, {"closed_at": None}):
            continue
        _event(case, CaseEventKind.SWEEP_CHANGED, actor, status=now, **_sweep_times(check))
        audit.record("case.sweep_changed", case, actor=actor, **_sweep_times(check),
                     before={"status": str(was)}, after={"status": str(now)})
        told += 1
    if told:
        db.session.commit()
    return told


def raise_unreached(school: School) -> int:
    """Trigger three, from the minute pass: at the school's set time, every absence of today
    with no absence text delivered and no family reached becomes a case."""
    day = clock.school_today(school)
    settings = case_settings(school)
    if clock.now() < clock.school_datetime(school, day, settings.unreached_by) \
            or not is_school_day(school, day):
        return 0
    absent = db.session.scalars(
        db.select(CheckEntry.student_id).join(Check)
        .where(Check.school_id == school.id, Check.school_date == day,
               Check.kind == CheckKind.ATTENDANCE,
               CheckEntry.status.in_(sorted(TEXTED_ABSENT)))).all()
    if not absent:
        return 0
    delivered = set(db.session.scalars(
        db.select(OutboxStudent.student_id).join(OutboxText)
        .where(OutboxStudent.student_id.in_(absent), OutboxStudent.school_date == day,
               OutboxStudent.kind.in_(sorted(ABSENCE_KINDS)),
               OutboxText.status == TextStatus.DELIVERED)))
    reached = set(db.session.scalars(
        db.select(ContactLog.student_id)
        .where(ContactLog.student_id.in_(absent), ContactLog.school_date == day,
               ContactLog.outcome.in_(REACHED))))
    raised = set(db.session.scalars(
        db.select(MissingCase.student_id)
        .where(MissingCase.student_id.in_(absent), MissingCase.school_date == day)))
    opened = 0
    for student_id in absent:
        if student_id in delivered | reached | raised:
            continue
        student = db.session.get(Student, student_id)
        opened += raise_case(student, day, CaseTrigger.UNREACHED) is not None
    return opened


# --- Following a case up -------------------------------------------------------------------

def add_note(case: MissingCase, note: str, actor) -> CaseEvent:
    """A dated line on the case's timeline (commits, audited). CaseInvalid when empty."""
    note = (note or "").strip()
    if not note:
        raise CaseInvalid({"note": _("Write what happened.")})
    if len(note) > NOTE_LIMIT:
        raise CaseInvalid({"note": _("At most %(count)d characters.", count=NOTE_LIMIT)})
    event = _event(case, CaseEventKind.NOTE, actor, note=note)
    db.session.flush()
    audit.record("case.note", case, actor=actor, after={"event_id": event.id})
    db.session.commit()
    return event


def close_case(case: MissingCase, outcome: str, note: str, actor) -> None:
    """End a case with where the student was and a note (both required; commits, audited).
    CaseInvalid writes nothing, nor does AlreadyChanged: someone else closed it, maybe a
    moment ago. A case is closed once, however many closings are sent at the same time."""
    if not case.is_open:
        raise already_closed(case)
    errors = {}
    outcome = enum_member(CaseOutcome, outcome, errors, "outcome",
                          _("Choose how the case ended."))
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Closing a case needs a note: where the student was, who saw them.")
    elif len(note) > NOTE_LIMIT:
        errors["note"] = _("At most %(count)d characters.", count=NOTE_LIMIT)
    if errors:
        raise CaseInvalid(errors)
    if not compare_and_set(case, {"closed_at": None}, {
            "outcome": outcome, "closed_at": clock.now(), "closed_by_id": actor.id}):
        db.session.rollback()
        raise already_closed(case)
    _event(case, CaseEventKind.CLOSED, actor, outcome=outcome, note=note)
    audit.record("case.close", case, actor=actor, before={"outcome": None},
                 after={"outcome": str(outcome)})
    db.session.commit()


def already_closed(case: MissingCase) -> AlreadyChanged:
    """What the one who was second is told: who closed the case, and how it ended."""
    who = case.closed_by.display_name if case.closed_by else _("Someone")
    return AlreadyChanged(_("%(name)s already closed this case: %(outcome)s. Your closing "
                            "was not recorded.", name=who,
                            outcome=vocabulary.name(CaseOutcome(case.outcome))))


# Built once: the office board and every Today ask them.
SCHOOLS_OPEN_CASES = (db.select(MissingCase)
                      .where(MissingCase.school_id == bindparam("school_id"),
                             MissingCase.closed_at.is_(None))
                      .order_by(MissingCase.opened_at, MissingCase.id)
                      # Both lists show each case's student and class: read with the case;
                      # its timeline in one more query, for a changed sweep (sweep_now).
                      .options(joinedload(MissingCase.student), joinedload(MissingCase.homeroom),
                               selectinload(MissingCase.events)))
CLASSES_OPEN_CASES = SCHOOLS_OPEN_CASES.where(
    MissingCase.homeroom_id.in_(bindparam("homeroom_ids", expanding=True)))


def open_cases(school_id: int, homeroom_ids=None) -> list[MissingCase]:
    """Every open case of the school (a teacher: of their classes), oldest first; open cases
    stay from one day to the next until someone closes them."""
    if homeroom_ids is None:
        return list(db.session.scalars(SCHOOLS_OPEN_CASES, {"school_id": school_id}))
    return list(db.session.scalars(CLASSES_OPEN_CASES, {
        "school_id": school_id, "homeroom_ids": list(homeroom_ids)}))


def recent_closed(school_id: int, homeroom_ids=None, limit: int = 10) -> list[MissingCase]:
    """The latest closed cases, newest first."""
    query = (db.select(MissingCase)
             .where(MissingCase.school_id == school_id, MissingCase.closed_at.is_not(None))
             .order_by(MissingCase.closed_at.desc(), MissingCase.id.desc()).limit(limit))
    if homeroom_ids is not None:
        query = query.where(MissingCase.homeroom_id.in_(list(homeroom_ids)))
    return list(db.session.scalars(query))
