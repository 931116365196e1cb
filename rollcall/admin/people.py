"""Admin pages for homerooms (with their teachers) and students (including moves)."""

from typing import NamedTuple

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rollcall import page_forms
from rollcall.admin import services
from rollcall.admin.forms import ContactOrderForm, HomeroomForm, StudentForm
from rollcall.admin.helpers import (
    homeroom_choices,
    own_or_404,
    paginate,
    refused,
    rows_by_ids,
    search,
    teacher_choices,
)
from rollcall.admin.views import bp
from rollcall.extensions import db
from rollcall.models import Homeroom, Student, User, seat_order


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
    status = 200
    if request.method == "GET" and homeroom:
        form.teachers.data = [teacher.id for teacher in homeroom.teachers]
    if form.validate_on_submit():
        values = {"name": form.name.data.strip(), "grade": form.grade.data,
                  "graduating": form.graduating.data, "active": form.active.data,
                  "teachers": rows_by_ids(User, form.teachers.data, current_user.school_id)}
        record = homeroom or Homeroom(school_id=current_user.school_id)
        status = refused(form, lambda: services.save(record, values, actor=current_user,
                                                     action="admin.homeroom",
                                                     loaded=form.loaded.data))
        if status is None:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.homerooms"))
    return render_template("admin/form.html", form=form, back=url_for("admin.homerooms"),
                           title=homeroom.name if homeroom else _("New homeroom")), status


@bp.get("/students")
def students():
    """Students, searchable by name or number, optionally of one homeroom."""
    query = db.select(Student).where(Student.school_id == current_user.school_id)
    homeroom_id = request.args.get("homeroom", type=int)
    if homeroom_id:
        query = query.where(Student.homeroom_id == homeroom_id)
    if not request.args.get("all"):
        query = query.where(Student.active.is_(True))
    query = search(query.order_by(Student.homeroom_id, *seat_order()),
                   Student.name, Student.student_number)
    return render_template("admin/students.html", page=paginate(query),
                           homerooms=homeroom_choices(current_user.school_id))


@bp.route("/students/new", methods=["GET", "POST"], defaults={"student_id": None})
@bp.route("/students/<int:student_id>", methods=["GET", "POST"])
def student_edit(student_id):
    """Add or edit a student; moving to another homeroom keeps the student's history."""
    student = own_or_404(Student, student_id) if student_id else None
    page = student_page(student)
    status = 200
    if student is not None and request.method == "POST" and \
            (held := held_student_page(student, page, "student")):
        return held
    if page.form.validate_on_submit():
        form = page.form
        values = {"student_number": form.student_number.data.strip(),
                  "name": form.name.data.strip(), "seat": form.seat.data,
                  "homeroom_id": form.homeroom_id.data, "active": form.active.data}
        record = student or Student(school_id=current_user.school_id)
        status = refused(form, lambda: services.save(record, values, actor=current_user,
                                                     action="admin.student",
                                                     loaded=form.loaded.data))
        if status is None:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.student_edit", student_id=record.id))
    return render_template("admin/student.html", form=page.form, student=student,
                           order_forms=page.orders), status


class StudentPage(NamedTuple):
    """The forms of a student's page, as shown or posted: the page is one HTML form
    (page_forms), each guardian's contact order under its guardian's prefix."""

    form: StudentForm
    orders: dict[int, ContactOrderForm]  # guardian id → its contact order


def student_page(student: Student | None) -> StudentPage:
    """The page's forms, built once per request."""
    form = StudentForm(obj=student, school=current_user.school, editing=student)
    form.homeroom_id.choices = homeroom_choices(current_user.school_id)
    orders = {link.guardian_id: ContactOrderForm(prefix=f"order-{link.guardian_id}", obj=link,
                                                 meta={"csrf": False})
              for link in student.guardian_links} if student else {}
    return StudentPage(form, orders)


def held_student_page(student: Student, page: StudentPage, pressed: str):
    """The student's page as typed, when a part other than the pressed one (the student's
    fields, a guardian's contact order) holds typed text: nothing is saved (a response)."""
    parts = {"student": page.form} | {f"order-{gid}": order for gid, order in page.orders.items()}
    held = page_forms.held_back(pressed, parts)
    if not held:
        return None
    page_forms.say_kept(list(dict.fromkeys(student.name if name == "student"
                                           else _("Contact order") for name in held)))
    return render_template("admin/student.html", form=page.form, student=student,
                           order_forms=page.orders), 409
