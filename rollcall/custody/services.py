"""Custody of confiscated items: opened by the bag check, moved by hand-over, return or
disposal, listed for the office oldest first with the long-held ones flagged."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert

from rollcall import audit, clock, school_settings, vocabulary
from rollcall.checks.models import BagStatus, Check, CheckKind, FindingAction
from rollcall.custody.models import HELD, ConfiscatedItem, CustodyEvent, CustodyState
from rollcall.extensions import db
from rollcall.field_errors import FieldsInvalid, enum_member
from rollcall.models import Guardian, Role, School, User
from rollcall.state_change import AlreadyChanged, compare_and_set

CUSTODY_NOTE_LIMIT = 500  # how a confiscated item was handed over or returned
# What the bag check said happened to the item → who holds it then.
FIRST_HOLDER = {FindingAction.KEPT_BY_TEACHER: CustodyState.WITH_TEACHER,
                FindingAction.HANDED_TO_OFFICE: CustodyState.WITH_OFFICE}
# Allowed moves: from a state to the next ones.
MOVES = {CustodyState.WITH_TEACHER: (CustodyState.WITH_OFFICE, CustodyState.RETURNED,
                                     CustodyState.DISPOSED),
         CustodyState.WITH_OFFICE: (CustodyState.RETURNED, CustodyState.DISPOSED)}


def state_now(check_id, student_id):
    """Where what a bag check took from a student is now, by the custody trail: a correlated
    subquery of the item's current state (None: nothing was taken into custody). Every page
    and export that says "now" reads this, never what the bag check said at the time."""
    return (db.select(ConfiscatedItem.state)
            .where(ConfiscatedItem.check_id == check_id, ConfiscatedItem.student_id == student_id)
            .scalar_subquery())


class CustodyInvalid(FieldsInvalid):
    """A change of hands that cannot be recorded; nothing was written."""


def flag_days(school: School) -> int:
    """Items held longer than this many days are flagged (the school's, else 30)."""
    return school_settings.read(school, "custody")["flag_days"]


# Built once: a bag save with a finding runs them (building a statement costs more CPU than
# running it).
TAKEN_FROM = db.select(ConfiscatedItem.student_id).where(
    ConfiscatedItem.check_id == bindparam("check_id"))
INSERT_ITEM = insert(ConfiscatedItem.__table__).returning(ConfiscatedItem.__table__.c.id)
INSERT_EVENT = insert(CustodyEvent.__table__)


def on_check_saved(event) -> list[dict]:
    """A check was saved (rollcall.checks.events, in its transaction): what a bag check took
    gets its custody trail."""
    return track_findings(event.check, event.actor, event.after, new=event.new)


def track_findings(check: Check, actor, values: dict[int, dict], *, new: bool) -> list[dict]:
    """Open a custody trail for each item a bag check confiscated (kept by the teacher or
    handed to the office), given the check's saved values by student id (new: the check was
    just created, so no trail exists yet). Writes in the caller's transaction, which commits;
    returns the audit rows (rollcall.audit.row) for the caller to write with its own."""
    if check.kind != CheckKind.BAG:
        return []
    found = {sid: v for sid, v in values.items()
             if v["status"] == BagStatus.FOUND and FIRST_HOLDER.get(v["action"]) is not None}
    if not found:
        return []
    known = set() if new else set(db.session.scalars(TAKEN_FROM, {"check_id": check.id}))
    trail = []
    for student_id, entry in found.items():
        if student_id in known:
            continue
        # Taken when the check was recorded (a save sent later by a phone: the time of the
        # tap); written down now.
        state, now, taken = FIRST_HOLDER[entry["action"]], clock.now(), check.updated_at
        item_id = db.session.execute(INSERT_ITEM, {
            "school_id": check.school_id, "check_id": check.id, "student_id": student_id,
            "found_on": check.school_date, "category": entry["category"] or "",
            "description": entry["description"], "state": state, "taken_at": taken,
        }).scalar_one()
        db.session.execute(INSERT_EVENT, {"item_id": item_id, "state": state, "at": taken,
                                          "recorded_by_id": actor.id, "recorded_at": now})
        trail.append(audit.row("custody.open", actor=actor, school_id=check.school_id,
                               object_type="ConfiscatedItem", object_id=item_id, after={
                                   "student_id": student_id, "state": str(state)}))
    return trail


def move(item: ConfiscatedItem, to: str, actor: User, *, at: datetime | None,
         received_by_id=None, guardian_id=None, disposed_by=None, how=None) -> CustodyEvent:
    """Record a change of hands (commits, audited); CustodyInvalid writes nothing, and nor
    does AlreadyChanged: the item was returned or disposed of, maybe a moment ago, by someone
    else. Only one move from a state is ever recorded, however many are sent at once."""
    if not item.held:
        raise already_moved(item)
    errors = {}
    to = enum_member(CustodyState, to, errors, "to", _l("Choose what happened to the item."))
    if to is not None and to not in MOVES.get(CustodyState(item.state), ()):
        errors["to"] = _l("The item cannot go there from where it is.")
    if at is None:
        errors["at"] = _l("Give the date and time.")
    elif at > clock.now() + timedelta(minutes=5):
        errors["at"] = _l("The time cannot be in the future.")
    event = CustodyEvent(state=to, at=at, recorded_by=actor, recorded_at=clock.now())
    errors |= _who(item, to, event, received_by_id, guardian_id, disposed_by, how)
    if errors:
        raise CustodyInvalid(errors)
    before = item.state
    if not compare_and_set(item, {"state": before}, {"state": to}):
        db.session.rollback()
        raise already_moved(item)
    item.events.append(event)
    db.session.flush()
    audit.record("custody.move", item, actor=actor, before={"state": before}, after={
        "state": str(to), "at": at.isoformat(), "received_by_id": event.received_by_id,
        "guardian_id": event.guardian_id})
    db.session.commit()
    return event


def already_moved(item: ConfiscatedItem) -> AlreadyChanged:
    """What the one who was second is told: where the item went, and who recorded it."""
    last = db.session.scalars(db.select(CustodyEvent).where(CustodyEvent.item_id == item.id)
                              .order_by(CustodyEvent.recorded_at.desc(),
                                        CustodyEvent.id.desc()).limit(1)).first()
    who = last.recorded_by.display_name if last and last.recorded_by else _l("Someone")
    return AlreadyChanged(_l("%(name)s already recorded this item as: %(state)s. Your change "
                             "was not recorded.",
                             state=vocabulary.name(CustodyState(item.state)), name=who))


def _who(item, to, event, received_by_id, guardian_id, disposed_by, how) -> dict:
    """Fill in who took the item (office, guardian, disposer); the errors, by field."""
    errors = {}
    if to == CustodyState.WITH_OFFICE:
        receiver = db.session.get(User, received_by_id) if received_by_id else None
        if receiver is None or receiver.school_id != item.school_id or receiver.role not in (
                Role.OFFICE, Role.ADMIN):
            errors["received_by_id"] = _l("Choose who at the office received it.")
        event.received_by = receiver
    elif to == CustodyState.RETURNED:
        guardian = db.session.get(Guardian, guardian_id) if guardian_id else None
        if guardian is None or all(link.student_id != item.student_id
                                   for link in guardian.student_links):
            errors["guardian_id"] = _l("Only a guardian of this student can take the item.")
        event.guardian = guardian
    how = (how or "").strip()
    if len(how) > CUSTODY_NOTE_LIMIT:
        errors["how"] = _l("The note is too long.")
    if to == CustodyState.DISPOSED:
        disposed_by = (disposed_by or "").strip()
        if not disposed_by or len(disposed_by) > 64:
            errors["disposed_by"] = _l("Say who disposed of it.")
        if not how:
            errors["how"] = _l("Say how it was disposed of.")
        event.disposed_by = disposed_by
    event.how = how or None  # the note typed with the move, kept for every move
    return errors


def held_items(school: School, homeroom_ids=None) -> list[tuple[ConfiscatedItem, bool]]:
    """(item, flagged) for every item not returned or disposed of, oldest first; flagged when
    held longer than the school's number of days."""
    query = (db.select(ConfiscatedItem)
             .where(ConfiscatedItem.school_id == school.id, ConfiscatedItem.state.in_(HELD))
             .order_by(ConfiscatedItem.found_on, ConfiscatedItem.id))
    if homeroom_ids is not None:
        query = query.join(Check).where(Check.homeroom_id.in_(list(homeroom_ids)))
    today = clock.school_today(school)
    limit = flag_days(school)
    return [(item, (today - item.found_on).days > limit) for item in db.session.scalars(query)]
