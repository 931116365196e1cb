"""What a check page shows of the saved state, gathered for a phone's save answered in place:
the parts of the page that depend on what is saved (templates/checks/_saved_state.html), the
new version and each row's new base, drawn without the rows. The family-contacts section's
context is built here for the full page too, so both draw it alike."""

from datetime import date
from typing import NamedTuple

from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from rollcall import clock
from rollcall.cases.models import CaseTrigger, MissingCase
from rollcall.checks import left_after_bag, services, summary
from rollcall.checks.models import NOT_IN_CLASS, CheckKind, DismissalStatus
from rollcall.extensions import db
from rollcall.family import contacts
from rollcall.teacher.forms import ContactForm


class BeforeSave(NamedTuple):
    """What a save's answer needs of the class, the user and the page, gathered before the
    save: the save's COMMIT keeps them loaded (checks.services), so the answer reads none of
    them again."""

    page: str  # the check page's URL
    saved: str  # the message that says the check is saved, in the user's language
    school: object
    refusal: object
    is_today: bool
    version: int | None  # the version the page was loaded with
    # The class's students by id, in seat order (kept through the COMMIT:
    # checks.services.save_check): their names and numbers are read from them.
    students: dict


def overtaken(written, before: BeforeSave) -> bool:
    """Someone else saved between this page's load and its save: rows this phone did not
    touch may now hold their values, which only the page drawn again shows. written: what
    the save wrote (checks.services.Written)."""
    return written.version > (before.version or 0) + 1


def answer_context(homeroom_id: int, day: date, kind: CheckKind, check, before: BeforeSave,
                   next_kind: CheckKind | None, contact_logged: bool = False
                   ) -> tuple[dict, dict]:
    """(the partial's context, {"b<id>": base} of every saved row), from what the save wrote
    (check.written). The family contacts are drawn again only when they may have changed
    (who is not in class, or a contact logged with the save). Only students who have left the
    class since their row was saved are read again. What the save read for it in its own
    transaction (reading, below) is not read again."""
    written = check.written
    values = written.values
    read = written.read or {}
    order, contacts_changed, absent = _shown(kind, written, before, contact_logged)
    others = [before.students[sid] for sid in absent if sid in before.students]
    others += read["others"] if "others" in read else _left_class(order, before)
    known = before.students | {s.id: s for s in others}
    names = {sid: student.name for sid, student in known.items()}
    history = written.history if written.history is not None else \
        read["history"] if "history" in read else summary.check_history(check)
    context = {"homeroom_id": homeroom_id, "day": day, "kind": kind, "check": check,
               "refusal": before.refusal, "school": before.school, "next_kind": next_kind,
               "history": history, "flagged": flagged(values),
               "names": {s.student_number: s.name for s in known.values()},
               "names_by_id": names, "is_dangerous": summary.is_dangerous,
               "describe_audit_values": summary.describe_audit_values,
               "contacts_changed": contacts_changed}
    if contacts_changed:
        context |= contacts_context(before.school, day, values,
                                    [s for s in others if s.id in absent], read=read)
        context |= left_alarm(homeroom_id, day, values)
    context |= sweep_alarm(homeroom_id, day, values)
    bases = {f"b{sid}": base for sid, base in services.fingerprints(values).items()}
    return context, bases


def reading(day: date, kind: CheckKind, before: BeforeSave, contact_logged: bool = False):
    """What answer_context reads of the database, as a save's `reading`
    (checks.services.save_check): read in the save's transaction before its COMMIT, so the
    answer takes no second connection. It is what the COMMIT makes true: the save's own
    history and the families' phones and contacts. A contact logged with the save is logged
    after it: the day's contacts are then read once it is."""
    def read(check, written) -> dict:
        order, contacts_changed, absent = _shown(kind, written, before, contact_logged)
        found = {"others": _left_class(order, before)}
        if written.history is None:
            found["history"] = summary.check_history(check)
        if absent:
            found["phones"] = contacts.family_phones(absent)
            if not contact_logged:
                found["contacts"] = contacts.contacts_for(absent, day)
        return found
    return read


def _shown(kind: CheckKind, written, before: BeforeSave, contact_logged: bool):
    """(the rows' ids in the page's order, whether the family contacts are drawn again, the
    ids of the students not in class they then list)."""
    values = written.values
    order = list(before.students) + [sid for sid in values if sid not in before.students]
    contacts_changed = kind == CheckKind.ATTENDANCE and (
        written.new or contact_logged or _not_in_class(written.before) != _not_in_class(values))
    absent = [sid for sid in order
              if values.get(sid, {}).get("status") in NOT_IN_CLASS] if contacts_changed else []
    return order, contacts_changed, absent


def _left_class(order: list, before: BeforeSave) -> list:
    """The students of saved rows who have left the class since (read, in order)."""
    return services.students_in_order(sid for sid in order if sid not in before.students)


def _not_in_class(values: dict) -> dict:
    """{student_id: status} of the rows not in class: what the family contacts show."""
    return {sid: str(row["status"]) for sid, row in values.items()
            if row and row.get("status") in NOT_IN_CLASS}


def flagged(values: dict) -> list[tuple[int, str]]:
    """(student id, category) of the dangerous findings among a check's rows, flagged to the
    office: the saved state says so at the top of the page."""
    return [(sid, row["category"]) for sid, row in values.items()
            if row and row.get("status") == "found" and summary.is_dangerous(row)]


def contacts_context(school, day: date, values: dict, absent, *, taken: bool = True,
                     posted=None, read=None) -> dict:
    """The family-contacts section: the absent students (in the page's order), their families'
    phones and the contacts logged today for them. values: {student_id: values} of every row; taken:
    the attendance is saved (before, the page does not say that nobody is absent); posted: the
    contact form as typed, when the page comes back without saving it; read: the phones and
    contacts a save read already (reading), those not read are read here."""
    if not absent:  # the page only says that nobody is absent, or that it is not taken yet
        return {"absent": absent, "taken": taken}
    # Its CSRF token is the check form's (the section's fields post with it): none of its own.
    form = posted or ContactForm(formdata=None, meta={"csrf": False})
    form.student_id.choices = [SelectChoice(s.id, f"{s.seat or ''} {s.name}") for s in absent]
    if posted is None:
        form.contacted_at.data = clock.school_now(school).time().replace(second=0,
                                                                         microsecond=0)
    reported = {sid for sid, row in values.items() if contacts.family_reported(row.get("status"))}
    left = {sid for sid, row in values.items() if row.get("status") == left_after_bag.LEFT}
    ids = [s.id for s in absent]
    read = read or {}
    return {"absent": absent, "contact_form": form, "taken": taken, "reported": reported,
            "left": left,
            "phones": read["phones"] if "phones" in read else contacts.family_phones(ids),
            "contacts": read["contacts"] if "contacts" in read
            else contacts.contacts_for(ids, day)}


def sweep_alarm(homeroom_id: int, day: date, values: dict) -> dict:
    """After a sweep that did not find a student: the open missing-student cases it raised,
    with the on-duty phones each one texted (none when no on-duty phone is set), for the panel
    the teacher sees at once. Nothing is read when no row says "not found"."""
    if not any(v and v.get("status") == DismissalStatus.NOT_FOUND for v in values.values()):
        return {}
    return {"sweep_cases": _open_cases(homeroom_id, day, CaseTrigger.NOT_FOUND)}


def _open_cases(homeroom_id: int, day: date, trigger: CaseTrigger) -> list[MissingCase]:
    """The class's open missing-student cases of the day raised by trigger, with their texts
    and students."""
    return db.session.scalars(
        db.select(MissingCase)
        .where(MissingCase.homeroom_id == homeroom_id, MissingCase.school_date == day,
               MissingCase.trigger == trigger, MissingCase.closed_at.is_(None))
        .options(selectinload(MissingCase.texts), selectinload(MissingCase.student))
        .order_by(MissingCase.id)).all()


def offered_statuses(kind: CheckKind, checks: dict) -> dict:
    """{status: student ids} of the statuses only some rows offer: attendance's "left after
    morning reading" on the rows of the students the day's bag check saw."""
    if kind != CheckKind.ATTENDANCE:
        return {}
    return {str(left_after_bag.LEFT): left_after_bag.seen_at_bag_check(checks)}


def left_alarm(homeroom_id: int, day: date, values: dict) -> dict:
    """After attendance records a student as having left after morning reading: the open
    missing-student cases that raised (the family did not know, or nobody answered), for the
    same panel the sweep's "not found" shows, drawn in the family-contacts section where the
    contact was logged. Nothing is read when no row says so."""
    if not any(v and v.get("status") == left_after_bag.LEFT for v in values.values()):
        return {}
    return {"left_cases": _open_cases(homeroom_id, day, CaseTrigger.LEFT_AFTER_BAG)}
