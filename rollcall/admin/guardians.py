"""Admin pages for guardians: list, add to a student, edit, and the contact order."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rollcall.admin import people, services
from rollcall.admin.forms import ContactOrderForm, GuardianForm
from rollcall.admin.helpers import guardian_search_page, own_or_404, refused
from rollcall.admin.views import bp
from rollcall.extensions import db
from rollcall.models import Guardian, Student, StudentGuardian
from rollcall.roster.problems import phone_warning_text


def guardian_values(form) -> dict:
    """What a guardian form saves (the phone as E.164 plus the text typed)."""
    return {"name": form.name.data.strip(),
            "relationship_label": form.relationship_label.data.strip() or None,
            "language": form.language.data, "absence_texts": form.absence_texts.data,
            **services.phone_values(form.phone.data, form.parsed_phone)}


def flash_phone_warning(form) -> None:
    if form.parsed_phone and form.parsed_phone.warning:
        flash(_("Saved, but this number cannot receive texts (%(why)s).",
                why=phone_warning_text(form.parsed_phone.warning)), "warning")
    else:
        flash(_("Saved."), "success")


@bp.get("/guardians")
def guardians():
    """Guardians, searchable by name or phone."""
    page = guardian_search_page(current_user.school_id)
    return render_template("admin/guardians.html", page=page)


@bp.route("/guardians/<int:guardian_id>", methods=["GET", "POST"])
def guardian_edit(guardian_id):
    """Edit a guardian: name, relationship, phone, language, absence texts on/off."""
    guardian = own_or_404(Guardian, guardian_id)
    form = GuardianForm(obj=guardian, school=current_user.school, editing=guardian)
    status = 200
    if form.validate_on_submit():
        status = refused(form, lambda: services.update(
            guardian, guardian_values(form), actor=current_user, action="admin.guardian.update",
            loaded=form.loaded.data))
        if status is None:
            flash_phone_warning(form)
            return redirect(url_for("admin.guardian_edit", guardian_id=guardian.id))
    return render_template("admin/form.html", form=form, title=guardian.shown_name,
                           back=url_for("admin.guardians"), students=[
                               link.student for link in guardian.student_links]), status


@bp.route("/students/<int:student_id>/guardians/new", methods=["GET", "POST"])
def guardian_add(student_id):
    """Add a guardian to a student, last in the contact order."""
    student = own_or_404(Student, student_id)
    form = GuardianForm(school=current_user.school, absence_texts=True,
                        language=current_user.school.locale)
    if form.validate_on_submit():
        services.add_guardian(student, guardian_values(form), actor=current_user)
        flash_phone_warning(form)
        return redirect(url_for("admin.student_edit", student_id=student.id))
    return render_template("admin/form.html", form=form, title=_("New guardian"),
                           back=url_for("admin.student_edit", student_id=student.id))


def _link_or_404(student_id: int, guardian_id: int) -> StudentGuardian:
    """The student-guardian link, for a student of the admin's school; else 404."""
    student = own_or_404(Student, student_id)
    link = db.session.get(StudentGuardian, (student.id, guardian_id))
    if link is None:
        abort(404)
    return link


@bp.post("/students/<int:student_id>/guardians/<int:guardian_id>/order")
def contact_order(student_id, guardian_id):
    """Set who is contacted first, second, ... about this student."""
    link = _link_or_404(student_id, guardian_id)
    pressed = f"order-{guardian_id}"
    if f"{pressed}-contact_order" not in request.form:  # posted alone, not from the page
        form = ContactOrderForm()
    else:
        page = people.student_page(link.student)
        if held := people.held_student_page(link.student, page, pressed):
            return held
        form = page.orders[guardian_id]
    if form.validate_on_submit():
        services.set_contact_order(link, form.contact_order.data, actor=current_user)
        flash(_("Saved."), "success")
    else:
        flash(_("The contact order must be a number from 1 to 9."), "error")
    return redirect(url_for("admin.student_edit", student_id=link.student_id))


@bp.post("/students/<int:student_id>/guardians/<int:guardian_id>/unlink")
def guardian_unlink(student_id, guardian_id):
    """Take a guardian off a student's contacts (the guardian's other children keep them)."""
    link = _link_or_404(student_id, guardian_id)
    if held := people.held_student_page(link.student, people.student_page(link.student),
                                        "unlink"):
        return held
    services.unlink_guardian(link, actor=current_user)
    flash(_("The guardian is no longer a contact for this student."), "success")
    return redirect(url_for("admin.student_edit", student_id=student_id))
