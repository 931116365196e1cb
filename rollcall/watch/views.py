"""The watch list's pages: the list, adding a student, one student's entry with its notes."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rollcall import clock, page_forms
from rollcall.access import roles_required, scoped_or_404, visible_homerooms
from rollcall.extensions import db
from rollcall.field_errors import show_errors
from rollcall.models import Role, Student, seat_key
from rollcall.state_change import AlreadyChanged
from rollcall.watch import services
from rollcall.watch.forms import AddForm, CloseForm, NoteForm
from rollcall.watch.models import WatchEntry, WatchReason

bp = Blueprint("watch", __name__)
EVERYONE = (Role.TEACHER, Role.OFFICE, Role.ADMIN)


def entry_or_404(entry_id: int) -> WatchEntry:
    """The entry, if the user may see its student (else 404: existence is not revealed)."""
    return scoped_or_404(current_user, WatchEntry, entry_id,
                         homeroom_of=lambda entry: entry.student.homeroom)


def _students():
    return [s for homeroom in visible_homerooms(current_user)
            for s in sorted(homeroom.students, key=seat_key) if s.active]



@bp.get("/watch/")
@roles_required(*EVERYONE)
def watch_list():
    """The students on the watch list this user may see, soonest review first."""
    return render_template("watch/list.html", entries=services.watch_list(current_user),
                           today=clock.school_today(current_user.school))


@bp.route("/watch/new", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def add():
    """Put a student on the watch list (from an office alert: filled in)."""
    students = _students()
    form = AddForm(students=students)
    if request.method == "GET":
        wanted = request.args.get("student", type=int)
        if wanted is not None:
            if wanted not in {s.id for s in students}:
                abort(404)
            form.student_id.data = wanted
        if request.args.get("reason") in {r.value for r in WatchReason}:
            form.reason.data = request.args["reason"]
        return render_template("watch/add.html", form=form)
    if not form.validate_on_submit():
        if request.form.get("student_id", "").isdigit() and \
                int(request.form["student_id"]) not in {s.id for s in students}:
            abort(404)
        return render_template("watch/add.html", form=form), 422
    student = db.session.get(Student, form.student_id.data)
    try:
        entry = services.add_to_watch(student, form.reason.data, form.review_on.data,
                                      form.details.data, current_user)
    except services.WatchInvalid as error:
        show_errors(form, error)
        return render_template("watch/add.html", form=form), 422
    flash(_("%(name)s is on the watch list.", name=student.name), "success")
    return redirect(url_for("watch.entry_page", entry_id=entry.id))


def _page(entry, note_form=None, close_form=None, status=200):
    if note_form is None:
        note_form = NoteForm(formdata=None)
        note_form.day.data = clock.school_today(entry.student.school)
    return render_template("watch/entry.html", entry=entry, note_form=note_form,
                           close_form=close_form or CloseForm(formdata=None, prefix="close")
                           ), status


def _posted_forms():
    """The entry page's two parts as posted: it is one HTML form (page_forms)."""
    return NoteForm(), CloseForm(prefix="close")


def _too_late(entry, error: AlreadyChanged):
    """The entry as it is now, saying who took the student off first (409)."""
    flash(error.message, "error")
    return _page(entry, status=409)


@bp.get("/watch/<int:entry_id>")
@roles_required(*EVERYONE)
def entry_page(entry_id):
    """A watched student: why, until when, the notes, and the closing."""
    return _page(entry_or_404(entry_id))


@bp.post("/watch/<int:entry_id>/notes")
@roles_required(*EVERYONE)
def add_note(entry_id):
    """A dated note (and perhaps the next review date)."""
    entry = entry_or_404(entry_id)
    form, close_form = _posted_forms()
    if page_forms.held_back("note", {"close": close_form}):
        page_forms.say_kept([_("Take off the watch list")])
        return _page(entry, note_form=form, close_form=close_form, status=409)
    if not form.validate_on_submit():
        return _page(entry, note_form=form, status=422)
    try:
        services.add_note(entry, form.day.data, form.note.data, form.review_on.data,
                          current_user)
    except services.WatchInvalid as error:
        show_errors(form, error)
        return _page(entry, note_form=form, status=422)
    flash(_("Note added."), "success")
    return redirect(url_for("watch.entry_page", entry_id=entry.id))


@bp.post("/watch/<int:entry_id>/close")
@roles_required(*EVERYONE)
def close(entry_id):
    """Take the student off the list with a closing note."""
    entry = entry_or_404(entry_id)
    note_form, form = _posted_forms()
    if not entry.is_open:  # someone took the student off since this page was loaded
        return _too_late(entry, services.already_taken_off(entry))
    note_typed = page_forms.typed(note_form)  # a note typed too is saved with the closing
    if not form.validate_on_submit() or (note_typed and not note_form.validate()):
        return _page(entry, note_form=note_form if note_typed else None, close_form=form,
                     status=422)
    if note_typed:
        try:
            services.add_note(entry, note_form.day.data, note_form.note.data,
                              note_form.review_on.data, current_user)
        except services.WatchInvalid as error:
            show_errors(note_form, error)
            return _page(entry, note_form=note_form, close_form=form, status=422)
    try:
        services.take_off(entry, form.note.data, current_user)
    except services.WatchInvalid as error:
        show_errors(form, error)
        return _page(entry, close_form=form, status=422)
    except AlreadyChanged as error:
        return _too_late(entry, error)
    flash(_("%(name)s is off the watch list.", name=entry.student.name), "success")
    return redirect(url_for("watch.entry_page", entry_id=entry.id))
