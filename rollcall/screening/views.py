"""The weekly screening page of a homeroom, and one conflict's page."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rollcall import clock, page_forms
from rollcall.access import homeroom_or_404, roles_required, scoped_or_404
from rollcall.extensions import db
from rollcall.field_errors import show_errors
from rollcall.models import Homeroom, Role, Student, seat_order
from rollcall.screening import services
from rollcall.screening.forms import ConflictForm, CutoffForm, NoConflictsForm, UpdateForm
from rollcall.screening.models import Conflict
from rollcall.state_change import AlreadyChanged

bp = Blueprint("screening", __name__)
EVERYONE = (Role.TEACHER, Role.OFFICE, Role.ADMIN)


def _school_students(school_id: int) -> list[Student]:
    return list(db.session.scalars(
        db.select(Student).join(Homeroom, Student.homeroom_id == Homeroom.id)
        .where(Student.school_id == school_id, Student.active.is_(True),
               Homeroom.active.is_(True))
        .order_by(Homeroom.grade, Homeroom.name, *seat_order())))



def _page(homeroom, form=None, status=200):
    monday = services.week_start(clock.school_today(homeroom.school))
    if form is None:
        form = ConflictForm(formdata=None, students=_school_students(homeroom.school_id))
        form.student_ids.data = []
    return render_template(
        "screening/week.html", homeroom=homeroom, state=services.week_state(homeroom, monday),
        carried=services.carried_over(homeroom, monday),
        found=services.found_in_week(homeroom, monday), form=form,
        none_form=NoConflictsForm(formdata=None),
        reminded_at=services.reminded_at(homeroom.id, monday)), status


@bp.get("/homerooms/<int:homeroom_id>/screening")
@roles_required(*EVERYONE)
def week(homeroom_id):
    """This week's conflict screening: done or due, carried-over conflicts, new ones."""
    return _page(homeroom_or_404(current_user, homeroom_id))


@bp.post("/homerooms/<int:homeroom_id>/screening/none")
@roles_required(*EVERYONE)
def no_conflicts(homeroom_id):
    """Record 'no conflicts found' for this week."""
    homeroom = homeroom_or_404(current_user, homeroom_id)
    if not NoConflictsForm().validate_on_submit():
        abort(400)
    # The page is one form (page_forms): a conflict typed below is not silently dropped. What
    # counts as typed is its text, so the school's students are read only to show it again.
    if page_forms.held_back("none", {"conflict": ConflictForm()}):
        page_forms.say_kept([_("Record a conflict")])
        return _page(homeroom, ConflictForm(students=_school_students(homeroom.school_id)), 409)
    monday = services.week_start(clock.school_today(homeroom.school))
    services.record_no_conflicts(homeroom, monday, current_user)
    flash(_("This week's screening is recorded."), "success")
    return redirect(url_for("screening.week", homeroom_id=homeroom.id))


@bp.post("/homerooms/<int:homeroom_id>/screening/conflicts")
@roles_required(*EVERYONE)
def add_conflict(homeroom_id):
    """Record a conflict this week's screening found."""
    homeroom = homeroom_or_404(current_user, homeroom_id)
    form = ConflictForm(students=_school_students(homeroom.school_id))
    if not form.validate_on_submit():
        return _page(homeroom, form, 422)
    monday = services.week_start(clock.school_today(homeroom.school))
    try:
        services.record_conflict(homeroom, monday, current_user,
                                 student_ids=form.student_ids.data, about=form.about.data,
                                 severity=form.severity.data, action=form.action.data,
                                 state=form.state.data)
    except services.ScreeningInvalid as error:
        show_errors(form, error)
        return _page(homeroom, form, 422)
    flash(_("Conflict recorded."), "success")
    return redirect(url_for("screening.week", homeroom_id=homeroom.id))


def conflict_or_404(conflict_id: int) -> Conflict:
    """The conflict, for the teachers of the class that recorded it, the office and admin."""
    return scoped_or_404(current_user, Conflict, conflict_id, homeroom_of=lambda c: c.homeroom)


def _conflict_page(conflict, form=None, status=200):
    if form is None:
        form = UpdateForm(formdata=None)
        form.state.data = conflict.state
    return render_template("screening/conflict.html", conflict=conflict, form=form), status


@bp.get("/conflicts/<int:conflict_id>")
@roles_required(*EVERYONE)
def conflict_page(conflict_id):
    """A conflict: who, what, how serious, and each thing done since."""
    return _conflict_page(conflict_or_404(conflict_id))


@bp.post("/conflicts/<int:conflict_id>/update")
@roles_required(*EVERYONE)
def update(conflict_id):
    """A new state and what was done; the office may take the conflict over."""
    conflict = conflict_or_404(conflict_id)
    form = UpdateForm()
    if not form.validate_on_submit():
        return _conflict_page(conflict, form, 422)
    take_over = bool(form.take_over.data) and current_user.role in (Role.OFFICE, Role.ADMIN)
    try:
        services.update_conflict(conflict, current_user, state=form.state.data,
                                 note=form.note.data, take_over=take_over)
    except services.ScreeningInvalid as error:
        show_errors(form, error)
        return _conflict_page(conflict, form, 422)
    except AlreadyChanged as error:  # the page as it is now, saying who was first
        flash(error.message, "error")
        return _conflict_page(conflict, status=409)
    flash(_("Conflict updated."), "success")
    return redirect(url_for("screening.conflict_page", conflict_id=conflict.id))


@bp.route("/admin/screening", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings():
    """When each week's conflict screening is due (the board marks it overdue from then)."""
    school = current_user.school
    weekday, wall = services.cutoff(school)
    form = CutoffForm(data={"weekday": weekday, "time": wall})
    if form.validate_on_submit():
        services.save_cutoff(school, form.weekday.data, form.time.data, current_user)
        flash(_("Saved."), "success")
        return redirect(url_for("screening.settings"))
    return render_template("screening/settings.html", form=form), 422 if form.errors else 200
