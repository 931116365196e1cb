"""Custody of confiscated items: opened by the bag check, moved by hand-over, return or
disposal, listed for the office oldest first with the long-held ones flagged."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from rollcall import audit, clock
from rollcall.checks.models import BagStatus, Check, CheckKind, FindingAction
from rollcall.custody.models import HELD, ConfiscatedItem, CustodyEvent, CustodyState
from rollcall.extensions import db
from rollcall.field_errors import FieldsInvalid, enum_member
from rollcall.models import Guardian, Role, School, User

DEFAULT_FLAG_DAYS = 30
TEXT_LIMIT = 500
# What the bag check said happened to the item → who holds it then.
FIRST_HOLDER = {FindingAction.KEPT_BY_TEACHER: CustodyState.WITH_TEACHER,
                FindingAction.HANDED_TO_OFFICE: CustodyState.WITH_OFFICE}
# Allowed moves: from a state to the next ones.
MOVES = {CustodyState.WITH_TEACHER: (CustodyState.WITH_OFFICE, CustodyState.RETURNED,
                                     CustodyState.DISPOSED),
         CustodyState.WITH_OFFICE: (CustodyState.RETURNED, CustodyState.DISPOSED)}


class CustodyInvalid(FieldsInvalid):
    """A change of hands that cannot be recorded; nothing was written."""


def flag_days(school: School) -> int:
    """Items held longer than this many days are flagged (the school's, else 30)."""
    value = (school.settings or {}).get("custody", {}).get("flag_days")
    return value if isinstance(value, int) and value > 0 else DEFAULT_FLAG_DAYS


def track_findings(check: Check, actor) -> int:
    """Open a custody trail for each item a bag check confiscated (kept by the teacher or
    handed to the office). Called after the check is saved; commits when it opens any."""
    if check.kind != CheckKind.BAG:
        return 0
    known = set(db.session.scalars(db.select(ConfiscatedItem.student_id).where(
        ConfiscatedItem.check_id == check.id)))
    opened = 0
    for entry in check.entries:
        if entry.status != BagStatus.FOUND or entry.student_id in known:
            continue
        state = FIRST_HOLDER.get(entry.action)
        if state is None:
            continue
        item = ConfiscatedItem(school_id=check.school_id, check_id=check.id,
                               student_id=entry.student_id, found_on=check.school_date,
                               category=entry.category or "", description=entry.description,
                               state=state, taken_at=clock.now())
        item.events.append(CustodyEvent(state=state, at=clock.now(), recorded_by=actor,
                                        recorded_at=clock.now()))
        db.session.add(item)
        db.session.flush()
        audit.record("custody.open", item, actor=actor, after={
            "student_id": entry.student_id, "state": str(state)})
        opened += 1
    if opened:
        db.session.commit()
    return opened


def move(item: ConfiscatedItem, to: str, actor: User, *, at: datetime | None,
         received_by_id=None, guardian_id=None, disposed_by=None, how=None) -> CustodyEvent:
    """Record a change of hands (commits, audited); CustodyInvalid writes nothing."""
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
    item.state = to
    item.events.append(event)
    db.session.flush()
    audit.record("custody.move", item, actor=actor, before={"state": before}, after={
        "state": str(to), "at": at.isoformat(), "received_by_id": event.received_by_id,
        "guardian_id": event.guardian_id})
    db.session.commit()
    return event


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
    elif to == CustodyState.DISPOSED:
        disposed_by, how = (disposed_by or "").strip(), (how or "").strip()
        if not disposed_by or len(disposed_by) > 64:
            errors["disposed_by"] = _l("Say who disposed of it.")
        if not how or len(how) > TEXT_LIMIT:
            errors["how"] = _l("Say how it was disposed of.")
        event.disposed_by, event.how = disposed_by, how
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
