"""The audit trail: every change is written here with who, when, from where, before and after."""

from flask import has_request_context, request
from sqlalchemy import insert

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import AuditLog, AuditRule


def record(action: str, obj=None, *, actor=None, school_id=None, before=None, after=None,
           object_type: str | None = None, object_id=None,
           rule: AuditRule | None = None, at=None, received_at=None) -> AuditLog:
    """Add an audit row to the current transaction (the caller commits with its change).

    at, received_at: as for `insert_rows`; without `at` the change happened now."""
    [values] = _times([row(action, obj, actor=actor, school_id=school_id, before=before,
                           after=after, object_type=object_type, object_id=object_id,
                           rule=rule)], at, received_at)
    entry = AuditLog(**values)
    db.session.add(entry)
    return entry


def row(action: str, obj=None, *, actor=None, school_id=None, before=None, after=None,
        object_type: str | None = None, object_id=None, rule: AuditRule | None = None) -> dict:
    """The columns of the audit row `record` would add, for `insert_rows` to write in bulk.

    rule: the change is that rule's, not the actor's (whose save set the rule off)."""
    return dict(
        action=action,
        actor_id=getattr(actor, "id", None),
        rule=None if rule is None else AuditRule(rule).value,
        school_id=school_id if school_id is not None else _school_of(obj, actor),
        object_type=object_type or (type(obj).__name__ if obj is not None else "none"),
        object_id=str(object_id if object_id is not None else getattr(obj, "id", "") or "")
        or None,
        before=before,
        after=after,
        ip=request.remote_addr if has_request_context() else None,
        created_at=clock.now(),
    )


def insert_rows(rows: list[dict], at=None, received_at=None) -> None:
    """Write audit rows (from `row`) in the current transaction, in order, as one statement:
    a save of many entries pays for one INSERT, not for the ORM's unit of work per row.

    at, received_at: the change happened at `at` (a check saved from a phone: the time of the
    tap) and reached the server at received_at; the rows carry both."""
    rows = _times(rows, at, received_at)
    if rows:
        db.session.execute(insert(AuditLog.__table__), rows)


def _times(rows: list[dict], at, received_at) -> list[dict]:
    """The rows with the change's own times, when it has them (else `row`'s now)."""
    if at is None:
        return rows
    return [r | {"created_at": at, "received_at": received_at} for r in rows]


def _school_of(obj, actor):
    for candidate in (obj, actor):
        school_id = getattr(candidate, "school_id", None)
        if school_id is not None:
            return school_id
    return None
