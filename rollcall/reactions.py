"""Who reacts when a check is saved or an absence contact logged, in order, in one place.

Custody and cases depend on checks, never the other way round; a new reaction is one line
here and a handler in its own area.
"""

from rollcall.cases import services as cases
from rollcall.checks import events
from rollcall.custody import services as custody
from rollcall.family import contacts


def init_app(app) -> None:
    # In the save's transaction: a bag check's confiscated items get their custody trail.
    events.subscribe(events.IN_SAVE, custody.on_check_saved)
    # After it committed: students not found at the dismissal sweep become missing cases.
    events.subscribe(events.AFTER_SAVE, cases.on_check_saved)
    # A family reached who did not know their child was absent (or, for a student who left
    # after the bag check, did not answer): a missing student.
    events.subscribe(contacts.AFTER_CONTACT, cases.on_absence_contact)
