"""Is a scheduler running? Each scheduler process writes a heartbeat row; pages and /healthz
read them, so a stopped scheduler (killed, crashed, or stopped on purpose) shows within
SCHEDULER_STALE_AFTER_SECONDS instead of silently leaving texts and reminders unsent."""

import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from rollcall import clock
from rollcall.extensions import db
from rollcall.notify.models import SchedulerHeartbeat

RUNNING = "running"  # holds the lock: ticks and sends
WAITING = "waiting"  # a standby waiting for the lock
STARTED_KEY = "rollcall.started_monotonic"
FORGET_AFTER = timedelta(days=30)  # a process that has not beaten for this long is gone


@dataclass(frozen=True)
class SchedulerState:
    stale: bool
    last_tick: datetime | None  # the last tick of a running scheduler (None: never ran)

    @property
    def name(self) -> str:
        return "stale" if self.stale else "ok"


def init_app(app: Flask) -> None:
    # A real clock, not rollcall.clock: "since the app started" must not move when tests
    # freeze the school's time.
    app.extensions[STARTED_KEY] = time.monotonic()


def beat(state: str, send_pass: bool = False) -> None:
    """Write this process's heartbeat (commits its own small transaction)."""
    now, host, pid = clock.now(), socket.gethostname()[:255], os.getpid()
    values = {"state": state, "last_tick_at": now}
    if send_pass:
        values["last_send_pass_at"] = now
    changed = db.session.execute(
        update(SchedulerHeartbeat).where(SchedulerHeartbeat.host == host,
                                         SchedulerHeartbeat.pid == pid).values(**values))
    if changed.rowcount == 0:  # a new process: forget the ones long gone
        db.session.execute(delete(SchedulerHeartbeat).where(
            SchedulerHeartbeat.last_tick_at < now - FORGET_AFTER))
        db.session.add(SchedulerHeartbeat(host=host, pid=pid, started_at=now, **values))
    try:
        db.session.commit()
    except IntegrityError:  # written at the same moment by this process's other thread
        db.session.rollback()


# The last tick of a running scheduler, as a column another page's statement can carry (Today
# reads it with the homeroom): built once.
LAST_TICK = (db.select(db.func.max(SchedulerHeartbeat.last_tick_at))
             .where(SchedulerHeartbeat.state == RUNNING).scalar_subquery())


def scheduler_state(app: Flask) -> SchedulerState:
    """Stale when no running scheduler has ticked within the limit; an install where none
    ever ran is stale once the limit has passed since this app started."""
    return state_at(app, db.session.scalar(db.select(LAST_TICK)))


def state_at(app: Flask, last: datetime | None) -> SchedulerState:
    """The scheduler's state given its last tick (LAST_TICK, read along with something else)."""
    limit = timedelta(seconds=float(app.config["SCHEDULER_STALE_AFTER_SECONDS"]))
    if last is None:
        started = app.extensions.get(STARTED_KEY, time.monotonic())
        return SchedulerState(time.monotonic() - started > limit.total_seconds(), None)
    return SchedulerState(clock.now() - last > limit, last)


def heartbeats() -> list[SchedulerHeartbeat]:
    """Every scheduler that ever wrote, the latest first (for /healthz and operators)."""
    return list(db.session.scalars(db.select(SchedulerHeartbeat).order_by(
        SchedulerHeartbeat.last_tick_at.desc())))
