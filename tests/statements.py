"""Counting the SQL statements a request sends, for the query-count tests' budgets."""

from contextlib import contextmanager

from sqlalchemy import event

from rollcall.extensions import db


@contextmanager
def counted(app, tally: list):
    """Count the SQL statements sent inside the block into tally."""
    with app.app_context():
        engine = db.engine

    def count(*args):
        tally.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", count)
