"""Looking back: a student's history, a class's weekly work log, the charts, the audit trail."""

from datetime import timedelta

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from rollcall import clock
from rollcall.access import homeroom_or_404, roles_required, student_or_404
from rollcall.checks.models import FindingCategory
from rollcall.extensions import db
from rollcall.models import User
from rollcall.office import (
    alerts,
    audit_sentences,
    audit_trail,
    charts,
    history,
    services,
    week_routine,
    weekly,
)
from rollcall.office.forms import AuditFilterForm
from rollcall.office.views import OFFICE_ROLES, bp
from rollcall.vocabulary import named, weekday_name
from rollcall.watch import services as watch


@bp.get("/students/<int:student_id>")
@login_required
def student(student_id: int):
    """Everything about one student this term (teachers: students of their own class)."""
    pupil = student_or_404(current_user, student_id)
    school = current_user.school
    found = history.student_history(school, pupil, clock.school_today(school))
    return render_template("office/student.html", history=found, student=pupil,
                           marks=history.DAY_MARKS,
                           watch_entries=watch.entries_for_student(current_user, pupil),
                           routine=week_routine.student_routine(pupil))


@bp.get("/homerooms/<int:homeroom_id>/week")
@login_required
def this_week(homeroom_id: int):
    """The work log of the current week."""
    homeroom = homeroom_or_404(current_user, homeroom_id)
    today = clock.school_today(current_user.school)
    monday = today - timedelta(days=today.weekday())
    return redirect(url_for("office.week", homeroom_id=homeroom.id,
                            week=weekly.week_label(monday)))


@bp.get("/homerooms/<int:homeroom_id>/week/<week>")
@login_required
def week(homeroom_id: int, week: str):
    """The printable class work log (班主任工作手册) for one ISO week."""
    homeroom = homeroom_or_404(current_user, homeroom_id)
    monday = weekly.parse_week(week)
    if monday is None:
        abort(404)
    return render_template(
        "office/week.html", homeroom=homeroom, monday=monday, week=week,
        days=weekly.week_log(homeroom, monday),
        routine=week_routine.week_routine(current_user, homeroom, monday),
        previous_week=weekly.week_label(monday - timedelta(weeks=1)),
        next_week=weekly.week_label(monday + timedelta(weeks=1)))


@bp.get("/office/charts")
@roles_required(*OFFICE_ROLES)
def chart_page():
    """Attendance by class, absences by weekday, findings by week, each with its table."""
    school = current_user.school
    today = clock.school_today(school)
    rates = charts.attendance_rate_by_class(school, today)
    weekdays = [(weekday_name(weekday), count) for weekday, count in
                charts.absences_by_weekday(school, alerts.term_start(school, today), today)]
    mondays, categories, counts = charts.findings_per_week(school, today)
    series = [(code, named(FindingCategory, code)) for code in categories]
    columns = [(monday, monday.strftime("%m-%d")) for monday in mondays]
    return render_template(
        "office/charts.html", rates=rates, weekdays=weekdays,
        weekday_max=max([count for _name, count in weekdays] + [1]),
        columns=columns, series=series, counts=counts, charts=charts)


@bp.get("/office/audit")
@roles_required(*OFFICE_ROLES)
def audit():
    """Every change in the school: who, when, from where, before and after. Read-only."""
    school = current_user.school
    form = AuditFilterForm(request.args)
    people = db.session.scalars(db.select(User).where(User.school_id == school.id)
                                .order_by(User.display_name))
    form.set_choices(people, services.active_homerooms(school.id))
    if not form.validate():
        return render_template("office/audit.html", form=form, pagination=None), 400
    filters = audit_trail.AuditFilter(
        actor_id=form.person.data, homeroom_id=form.homeroom.data,
        student=(form.student.data or "").strip(), date_from=form.date_from.data,
        date_to=form.date_to.data)
    pagination = audit_trail.audit_page(school, filters, form.page.data or 1)
    return render_template("office/audit.html", form=form, pagination=pagination,
                           cards=audit_sentences.audit_cards(list(pagination.items)))
