"""The demo school carries weeks of the rest of the routine, so a new user sees it filled in."""

from datetime import UTC, timedelta

import pytest

from rollcall import clock
from rollcall.custody.models import ConfiscatedItem
from rollcall.extensions import UTCDateTime, db
from rollcall.family.models import ContactLog, ParentMeeting
from rollcall.screening.models import Conflict, Screening
from rollcall.watch.models import WatchEntry
from tests.checks_support import DAY, at


def count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def test_the_demo_school_carries_the_routine(app, runner):
    with clock.frozen(at(6, 0)):  # the demo is built around the day it is loaded
        assert runner.invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        weeks = db.session.scalars(db.select(Screening.week_start).distinct()).all()
        assert len(weeks) >= 2 and count(Screening) == 3 * len(weeks)
        assert count(Conflict, Conflict.state == "mediating") == 1
        assert count(ContactLog, ContactLog.reason != "absence") >= 3
        assert count(ParentMeeting) == 1
        assert count(WatchEntry, WatchEntry.closed_at.is_(None)) == 1
        assert count(ConfiscatedItem, ConfiscatedItem.state == "with_office") == 1
    client = app.test_client()
    with clock.frozen(at(7, 30)):
        client.post("/login", data={"username": "office1", "password": "rollcall-demo"})
        watch = client.get("/watch/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        items = client.get("/items/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Truancy" in watch and "打火机一个" in items


@pytest.mark.parametrize("today", [at(6, 0), at(6, 0, day=DAY - timedelta(days=1)),
                                   at(6, 0, day=DAY + timedelta(days=3))],
                         ids=["tuesday", "monday", "friday"])
def test_nothing_in_the_demo_is_dated_after_it_was_loaded(app, runner, today):
    """Every instant the demo stores (checks, screenings, conflicts and their updates, contacts,
    custody, texts, audit) is before the moment it was loaded, whatever the weekday."""
    with clock.frozen(today):
        assert runner.invoke(args=["demo-data"]).exit_code == 0
    ahead = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, UTCDateTime):
                    latest = db.session.scalar(db.select(db.func.max(column)))
                    if latest is not None and latest.replace(tzinfo=UTC) > today:
                        ahead.append(f"{table.name}.{column.name}: {latest}")
    assert ahead == []
