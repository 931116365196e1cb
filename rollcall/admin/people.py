"""Admin pages for homerooms (with their teachers) and students (including moves)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rollcall.admin import services
from rollcall.admin.forms import ContactOrderForm, HomeroomForm, StudentForm
from rollcall.admin.helpers import (
    homeroom_choices,
    own_or_404,
    paginate,
    rows_by_ids,
    search,
    teacher_choices,
)
from rollcall.admin.views import bp
from rollcall.extensions import db
from rollcall.models import Homeroom, Student, User


@bp.get("/homerooms")
def homerooms():
    """All homerooms, searchable by name."""
    query = search(db.select(Homeroom).where(Homeroom.school_id == current_user.school_id)
                   .order_by(Homeroom.active.desc(), Homeroom.grade, Homeroom.name),
                   Homeroom.name)
    return render_template("admin/homerooms.html", page=paginate(query))


@bp.route("/homerooms/new", methods=["GET", "POST"], defaults={"homeroom_id": None})
@bp.route("/homerooms/<int:homeroom_id>", methods=["GET", "POST"])
def homeroom_edit(homeroom_id):
    """Add or edit a homeroom, assign its teachers, or deactivate it."""
    homeroom = own_or_404(Homeroom, homeroom_id) if homeroom_id else None
    form = HomeroomForm(obj=homeroom, school=current_user.school, editing=homeroom)
    form.teachers.choices = teacher_choices(current_user.school_id)
    if request.method == "GET" and homeroom:
        form.teachers.data = [teacher.id for teacher in homeroom.teachers]
    if form.validate_on_submit():
        values = {"name": form.name.data.strip(), "grade": form.grade.data,
                  "graduating": form.graduating.data, "active": form.active.data,
                  "teachers": rows_by_ids(User, form.teachers.data, current_user.school_id)}
        homeroom = services.save(homeroom or Homeroom(school_id=current_user.school_id), values,
                               actor=current_user, action="admin.homeroom")
        flash(_("Saved."), "success")
        return redirect(url_for("admin.homerooms"))
    return render_template("admin/form.html", form=form, back=url_for("admin.homerooms"),
                           title=homeroom.name if homeroom else _("New homeroom"))


@bp.get("/students")
def students():
    """Students, searchable by name or number, optionally of one homeroom."""
    query = db.select(Student).where(Student.school_id == current_user.school_id)
    homeroom_id = request.args.get("homeroom", type=int)
    if homeroom_id:
        query = query.where(Student.homeroom_id == homeroom_id)
    if not request.args.get("all"):
        query = query.where(Student.active.is_(True))
    query = search(query.order_by(Student.homeroom_id, Student.seat, Student.student_number),
                   Student.name, Student.student_number)
    return render_template("admin/students.html", page=paginate(query),
                           homerooms=homeroom_choices(current_user.school_id))


@bp.route("/students/new", methods=["GET", "POST"], defaults={"student_id": None})
@bp.route("/students/<int:student_id>", methods=["GET", "POST"])
def student_edit(student_id):
    """Add or edit a student; moving to another homeroom keeps the student's history."""
    student = own_or_404(Student, student_id) if student_id else None
    form = StudentForm(obj=student, school=current_user.school, editing=student)
    form.homeroom_id.choices = homeroom_choices(current_user.school_id)
    if form.validate_on_submit():
        values = {"student_number": form.student_number.data.strip(),
                  "name": form.name.data.strip(), "seat": form.seat.data,
                  "homeroom_id": form.homeroom_id.data, "active": form.active.data}
        student = services.save(student or Student(school_id=current_user.school_id), values,
                              actor=current_user, action="admin.student")
        flash(_("Saved."), "success")
        return redirect(url_for("admin.student_edit", student_id=student.id))
    return render_template("admin/student.html", form=form, student=student,
                           order_form=ContactOrderForm())
