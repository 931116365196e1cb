"""At each school's attendance cut-off: text the teachers of every class without attendance."""

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from rollcall import clock
from rollcall.checks.models import Check, CheckKind
from rollcall.extensions import db
from rollcall.models import Homeroom, School
from rollcall.notify.carrier import carrier_ready, link_or_page, signature
from rollcall.notify.models import TeacherReminder, TextKind
from rollcall.notify.settings import render, text_settings
from rollcall.notify.staff_texts import public_link, queue_text, save_once, teachers_to_text
from rollcall.school_days import is_school_day

# Reminders go from the cut-off for this long (a scheduler restarted late still catches up),
# not all day: "attendance is not in yet" at 15:00 helps no one.
REMIND_GRACE = timedelta(hours=1)


def remind_overdue_teachers(school: School) -> int:
    """At the attendance cut-off: remind the teachers of every class without attendance."""
    day = clock.school_today(school)
    cutoff = clock.school_datetime(school, day, school.attendance_cutoff)
    if not cutoff <= clock.now() < cutoff + REMIND_GRACE or not is_school_day(school, day):
        return 0
    done = set(db.session.scalars(db.select(Check.homeroom_id).where(
        Check.school_id == school.id, Check.school_date == day,
        Check.kind == CheckKind.ATTENDANCE)))
    done |= set(db.session.scalars(db.select(TeacherReminder.homeroom_id).where(
        TeacherReminder.school_id == school.id, TeacherReminder.school_date == day)))
    homerooms = db.session.scalars(db.select(Homeroom).where(
        Homeroom.school_id == school.id, Homeroom.active.is_(True))).all()
    reminded = 0
    for homeroom in (h for h in homerooms if h.id not in done):
        reminded += _remind(school, homeroom, day)
    return reminded


def attendance_page(homeroom, language: str) -> str:
    """Where a teacher fills in attendance, in words (for texts that may not carry a link)."""
    with force_locale(language):
        return _("Rollcall › Today › %(name)s › Attendance", name=homeroom.name)


def _remind(school, homeroom, day) -> int:
    settings = text_settings(school)
    link = public_link(f"/homerooms/{homeroom.id}/checks/{day.isoformat()}/attendance")
    reminder = TeacherReminder(school_id=school.id, homeroom_id=homeroom.id, school_date=day,
                               created_at=clock.now(), texts_queued=0)
    for teacher, language in teachers_to_text(homeroom, school):
        values = {"school": school.name, "class": homeroom.name,
                  "page": attendance_page(homeroom, language)}
        shown = link_or_page(teacher.phone_e164, link, values["page"])
        body = carrier_ready(render(settings.templates["teacher_reminder"][language],
                                    {**values, "link": shown}), teacher.phone_e164,
                             signature(school, settings.provider, current_app.config))
        queue_text(school, day, TextKind.TEACHER_REMINDER, teacher.phone_e164, language, body,
                   values, user=teacher)
        reminder.texts_queued += 1
    return save_once(reminder)  # 0: reminded already today
