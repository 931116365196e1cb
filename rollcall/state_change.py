"""One way to change a record's state when two people may change it at the same moment: a
compare-and-set on the state the change was decided from. The database lets exactly one of them
through; the other is told who was first, and nothing of theirs is written. And one way to
take turns when both changes must go in: hold the row, then read and write."""

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from rollcall.extensions import db


class AlreadyChanged(Exception):
    """Someone changed the record first; nothing was written. message: what they did."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def compare_and_set(record, expected: dict, values: dict) -> bool:
    """In the caller's transaction, UPDATE the record's row with values only while each column
    named in expected still holds its value (None: still empty). True: this session changed it
    and the record holds the new values. False: someone changed it first (on PostgreSQL the
    UPDATE waited for their commit; on SQLite for the write lock); the caller rolls back."""
    model = type(record)
    still = [getattr(model, name).is_(None) if value is None else getattr(model, name) == value
             for name, value in expected.items()]
    result = db.session.execute(update(model).where(model.id == record.id, *still)
                                .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    for name, value in values.items():
        set_committed_value(record, name, value)
    return True


def hold(record) -> None:
    """Hold the record's row until the caller's transaction ends, so that what is read next
    stays true until the commit: an UPDATE that changes nothing takes the row's lock on
    PostgreSQL (another holder waits for this commit, then reads what it wrote) and SQLite's
    one write lock (whatever this transaction reads next is the latest commit). Flushes first:
    this session's own pending changes are kept."""
    model = type(record)
    db.session.flush()
    db.session.execute(update(model).where(model.id == record.id).values(id=model.id)
                       .execution_options(synchronize_session=False))
