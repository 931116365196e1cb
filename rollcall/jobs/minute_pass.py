"""The minute pass: what the scheduler and `send-alerts` run each minute, school by school."""

import logging

from flask import current_app

from rollcall.cases.services import raise_unreached
from rollcall.extensions import db
from rollcall.jobs.absence_texts import queue_due_texts
from rollcall.jobs.attendance_reminders import remind_overdue_teachers
from rollcall.models import School
from rollcall.notify.gateway import Gateways
from rollcall.notify.sender import SendStats, send_queued_texts
from rollcall.notify.services import poll_delivery_reports
from rollcall.screening.services import remind_overdue_screenings

log = logging.getLogger(__name__)


def send_due_absence_alerts(gateway=None, limit: int | None = None) -> tuple[int, SendStats]:
    """One pass: decide what is due in every school, then send what is due."""
    queued = 0
    for school in db.session.scalars(db.select(School).order_by(School.id)).all():
        queued += per_school(queue_due_texts, school)
    gateways = Gateways(current_app.config, fixed=gateway)
    stats = send_queued_texts(gateways, limit)
    poll_delivery_reports(gateways)
    return queued, stats


def send_pass(gateway=None, limit: int | None = None) -> tuple[int, int, SendStats]:
    """What the scheduler and `send-alerts` run each minute: reminders, then parent texts."""
    reminded = 0
    for school in db.session.scalars(db.select(School).order_by(School.id)).all():
        reminded += per_school(remind_overdue_teachers, school)
        per_school(raise_unreached, school)  # missing-student cases: texted in this pass
        reminded += per_school(remind_overdue_screenings, school)
    queued, stats = send_due_absence_alerts(gateway, limit)
    return reminded, queued, stats


def per_school(function, school: School) -> int:
    """function(school), or 0 when the school's own settings are invalid (the others go on)."""
    try:
        return function(school)
    except ValueError as error:
        db.session.rollback()
        log.error("school %s skipped: invalid text settings (%s)", school.id,
                  mask_setting_error(error))
        return 0


def mask_setting_error(error: ValueError) -> str:
    """What was wrong, on one line, without the stored value (it could hold anything)."""
    message = str(error)
    if message in ("expected HH:MM-HH:MM", "the window must end after it starts"):
        return message
    if message.startswith(("time data", "unconverted data")):  # from strptime
        return "a time is not HH:MM"
    return type(error).__name__
