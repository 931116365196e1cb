"""A student's family contacts (every reason) and a class's parent meetings."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rollcall import clock
from rollcall.access import homeroom_or_404, roles_required, student_or_404
from rollcall.family import services
from rollcall.family.forms import FamilyContactForm, MeetingForm
from rollcall.family.models import ContactReason
from rollcall.field_errors import show_errors
from rollcall.models import Role, seat_key

bp = Blueprint("family", __name__)
EVERYONE = (Role.TEACHER, Role.OFFICE, Role.ADMIN)



def _contact_page(student, form, status=200):
    return render_template("family/student.html", student=student, form=form,
                           contacts=services.contacts_of_student(student)), status


@bp.get("/students/<int:student_id>/family-contacts")
@roles_required(*EVERYONE)
def student_contacts(student_id):
    """A student's family contacts, newest first, and the form for a new one (filled in from
    a bag finding, a conflict or a watch-list note)."""
    student = student_or_404(current_user, student_id)
    form = FamilyContactForm(formdata=None)
    if request.args.get("reason") in {r.value for r in ContactReason}:
        form.reason.data = request.args["reason"]
    form.said.data = services.said_about(student, request.args.get("about"))
    form.contacted_at.data = clock.form_now(student.school)
    return _contact_page(student, form)


@bp.post("/students/<int:student_id>/family-contacts")
@roles_required(*EVERYONE)
def add_contact(student_id):
    """Record a contact with the student's family."""
    student = student_or_404(current_user, student_id)
    form = FamilyContactForm()
    if not form.validate_on_submit():
        return _contact_page(student, form, 422)
    try:
        services.record_contact(
            student, current_user, reason=form.reason.data, method=form.method.data,
            person=form.person.data, said=form.said.data, agreed=form.agreed.data,
            contacted_at=clock.from_form(student.school, form.contacted_at.data),
            follow_up_on=form.follow_up_on.data)
    except services.ContactInvalid as error:
        show_errors(form, error)
        return _contact_page(student, form, 422)
    flash(_("Contact logged."), "success")
    return redirect(url_for("family.student_contacts", student_id=student.id))


def _meeting_page(homeroom, form, status=200):
    return render_template("family/meetings.html", homeroom=homeroom, form=form,
                           meetings=[(m, services.attended(m))
                                     for m in services.meetings_of(homeroom)]), status


def _students(homeroom):
    return sorted((s for s in homeroom.students if s.active), key=seat_key)


@bp.get("/homerooms/<int:homeroom_id>/parent-meetings")
@roles_required(*EVERYONE)
def meetings(homeroom_id):
    """The class's parent meetings, and the form to record one."""
    homeroom = homeroom_or_404(current_user, homeroom_id)
    form = MeetingForm(formdata=None, students=_students(homeroom))
    form.held_at.data = clock.form_now(homeroom.school)
    return _meeting_page(homeroom, form)


@bp.post("/homerooms/<int:homeroom_id>/parent-meetings")
@roles_required(*EVERYONE)
def add_meeting(homeroom_id):
    """Record a class parent meeting once, with the families that attended."""
    homeroom = homeroom_or_404(current_user, homeroom_id)
    form = MeetingForm(students=_students(homeroom))
    if not form.validate_on_submit():
        return _meeting_page(homeroom, form, 422)
    try:
        services.record_meeting(homeroom, current_user,
                                held_at=clock.from_form(homeroom.school, form.held_at.data),
                                topic=form.topic.data, attended_ids=form.attended.data)
    except services.ContactInvalid as error:
        show_errors(form, error)
        return _meeting_page(homeroom, form, 422)
    flash(_("Parent meeting recorded."), "success")
    return redirect(url_for("family.meetings", homeroom_id=homeroom.id))
