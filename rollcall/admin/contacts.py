"""Guardian contacts outside the admin pages: the office fixes phones and the absence-text
switch (they take the calls when a number is wrong); a teacher reads their class's list."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from rollcall.access import homeroom_or_404, roles_required
from rollcall.admin import services
from rollcall.admin.forms import ContactForm
from rollcall.admin.guardians import flash_phone_warning
from rollcall.admin.helpers import guardian_search_page, own_or_404, refused
from rollcall.models import Guardian, Role

bp = Blueprint("contacts", __name__)


@bp.get("/contacts/")
@roles_required(Role.OFFICE, Role.ADMIN)
def guardians():
    """Find a guardian by name or phone to correct their contact details."""
    page = guardian_search_page(current_user.school_id)
    return render_template("contacts/guardians.html", page=page)


@bp.route("/contacts/guardians/<int:guardian_id>", methods=["GET", "POST"])
@roles_required(Role.OFFICE, Role.ADMIN)
def guardian_edit(guardian_id):
    """Correct a guardian's phone, or switch their absence texts on or off."""
    guardian = own_or_404(Guardian, guardian_id)
    form = ContactForm(obj=guardian, school=current_user.school, editing=guardian)
    status = 200
    if form.validate_on_submit():
        values = {"absence_texts": form.absence_texts.data,
                  **services.phone_values(form.phone.data, form.parsed_phone)}
        status = refused(form, lambda: services.update(
            guardian, values, actor=current_user, action="contacts.guardian.update",
            loaded=form.loaded.data))
        if status is None:
            flash_phone_warning(form)
            return redirect(url_for("contacts.guardians"))
    return render_template("admin/form.html", form=form, title=guardian.shown_name,
                           back=url_for("contacts.guardians"),
                           students=[link.student for link in guardian.student_links]), status


@bp.get("/homerooms/<int:homeroom_id>/contacts")
@login_required
def homeroom_contacts(homeroom_id):
    """A class's guardians and phones, read-only (teachers: their own classes only)."""
    homeroom = homeroom_or_404(current_user, homeroom_id)
    students = [student for student in homeroom.students if student.active]
    return render_template("contacts/homeroom.html", homeroom=homeroom, students=students,
                           can_edit=current_user.role in (Role.OFFICE, Role.ADMIN))
