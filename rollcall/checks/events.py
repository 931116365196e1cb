"""What a check save publishes, and who reacts to it.

save_check does not call other areas by name: it publishes a CheckSaved, and the areas that
react (custody's trail of what a bag check took, missing-student cases from the dismissal
sweep) are subscribed in order by rollcall/reactions.py. A new reaction (a leave request
used, another missing-student trigger) is added there, without touching the save.
"""

from collections.abc import Callable
from dataclasses import dataclass

from rollcall.checks.models import Check, CheckKind


@dataclass(frozen=True)
class CheckSaved:
    check: Check  # after the commit, expired: read kind below, not check.kind (a SELECT)
    kind: CheckKind
    actor: object  # the User who saved it
    before: dict  # {student_id: values} as saved before this save ({} for a new check)
    after: dict  # {student_id: values}: every entry the check now has
    new: bool  # the check was created by this save


# Reactions inside the save's transaction, before its commit: each returns the audit rows
# (rollcall.audit.row) to be written with the check's own, so all of it commits or none.
IN_SAVE: list[Callable[[CheckSaved], list[dict]]] = []
# Reactions once the save has committed, in order; each commits its own writes.
AFTER_SAVE: list[Callable[[CheckSaved], object]] = []


def subscribe(handlers: list, handler: Callable) -> None:
    """Add a reaction to IN_SAVE or AFTER_SAVE once (an app built twice subscribes once)."""
    if handler not in handlers:
        handlers.append(handler)


def publish_in_save(event: CheckSaved) -> list[dict]:
    """Run the in-transaction reactions in order; their audit rows, together."""
    rows = []
    for handler in IN_SAVE:
        rows += handler(event)
    return rows


def publish_after_save(event: CheckSaved) -> None:
    """Run the reactions to a committed save, in order."""
    for handler in AFTER_SAVE:
        handler(event)
