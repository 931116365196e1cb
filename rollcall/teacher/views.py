"""The teacher's day: Today, and the three check pages (bag check, attendance, dismissal)."""

import re
from datetime import date, datetime

from flask import (
    Blueprint,
    abort,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from rollcall import clock, page_forms, vocabulary
from rollcall.access import homeroom_or_404, roles_required, visible_homerooms
from rollcall.checks import services, summary
from rollcall.checks.models import NOT_IN_CLASS, CheckKind
from rollcall.checks.validation import DETAILS, CheckInvalid, UnknownStudents
from rollcall.checks.window import NotEditable, edit_refusal
from rollcall.family import contacts
from rollcall.models import Role
from rollcall.teacher import phone_save, rows, saved_state, today_page
from rollcall.teacher.forms import (
    CheckForm,
    ContactForm,
    entries_from_form,
    posted_student_ids,
)

bp = Blueprint("checks", __name__)
EVERYONE = (Role.TEACHER, Role.OFFICE, Role.ADMIN)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(text: str) -> date:
    """A YYYY-MM-DD path segment as a date, or 404."""
    try:
        return date.fromisoformat(text) if _DAY.match(text) else abort(404)
    except ValueError:
        abort(404)


def parse_kind(text: str) -> CheckKind:
    """A check kind path segment, or 404."""
    try:
        return CheckKind(text)
    except ValueError:
        abort(404)


@bp.get("/today")
@roles_required(*EVERYONE)
def today():
    """Today for the user's homeroom, or a picker when there are several."""
    homerooms = visible_homerooms(current_user)
    if len(homerooms) == 1:
        return redirect(url_for("checks.homeroom_today", homeroom_id=homerooms[0].id))
    return render_template("checks/picker.html", homerooms=homerooms)


@bp.get("/homerooms/<int:homeroom_id>/today")
@roles_required(*EVERYONE)
def homeroom_today(homeroom_id):
    """The three checks of today in order: not started, done (when, by whom), or overdue."""
    homeroom = today_page.homeroom_for_today(current_user, homeroom_id)
    return render_template("checks/today.html",
                           **today_page.today_context(current_user, homeroom))


@bp.route("/homerooms/<int:homeroom_id>/checks/<day>/<kind>", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def check_page(homeroom_id, day, kind):
    """Show a check (saved values, else the defaults) and save it."""
    homeroom = homeroom_or_404(current_user, homeroom_id)
    day, kind = parse_day(day), parse_kind(kind)
    refusal = edit_refusal(current_user, homeroom.school, day)
    if refusal is not None and refusal.future:
        abort(404)
    if request.method == "GET":
        return _render_check(homeroom, day, kind, CheckForm(), refusal=refusal)
    if request.is_json:  # a save sent by checks.js: only the rows changed
        return _phone_save(homeroom, day, kind, refusal)
    return _form_save(homeroom, day, kind, refusal)


def _form_save(homeroom, day: date, kind: CheckKind, refusal):
    """A save posted as the page's whole form (without JavaScript, or an older checks.js)."""
    form = CheckForm()
    students, entries = _posted_rows(homeroom, form)
    contact, refused = _typed_contact(homeroom, day, kind, refusal, form, students, entries)
    if refused:
        return refused
    before = _before_save(homeroom, day, kind, refusal, form.version_value(), students)
    try:
        check = services.save_check(homeroom, day, kind, entries, form.version_value(),
                                    current_user, tapped_at=ms_time(request.form, "tapped_at"),
                                    loaded_at=ms_time(request.form, "loaded_at"))
    except NotEditable as error:
        flash(str(error.message), "error")
        return _render_check(homeroom, day, kind, form), 403
    except (CheckInvalid, UnknownStudents) as error:
        flash(_("Some rows need attention; nothing was saved."), "error")
        return _render_check(homeroom, day, kind, form, submitted=entries,
                             errors=getattr(error, "errors", [])), 422
    except services.RowConflicts as error:
        flash(_("Someone else changed the same rows while you worked; nothing was saved. "
                "Those rows now show what is saved: tap them again if you still mean your "
                "value, then save. Your other changes are still on the screen."), "warning")
        clashing = {row.student.student_number for row in error.rows}
        return _render_check(homeroom, day, kind, CheckForm(formdata=None), submitted=[
            entry for entry in entries if entry["student_number"] not in clashing],
            conflicts=error.rows), 409
    except services.CheckConflict as error:
        _flash_conflict(error.current)
        # Against a saved check, list where the screen differed; a vanished one has no "now".
        unsaved = entries if error.current is not None else ()
        return _render_check(homeroom, day, kind, CheckForm(formdata=None), unsaved=unsaved), 409
    if contact is not None:  # after the save: its reactions read the attendance just saved
        _log_contact(homeroom, day, contact)
    flash(before.saved, "success")
    if request.accept_mimetypes.best == "application/json":  # checks.js before JSON bodies
        return _phone_answer(homeroom.id, day, kind, check, before, contact is not None)
    return redirect(before.page)


def _before_save(homeroom, day: date, kind: CheckKind, refusal, version,
                 students) -> saved_state.BeforeSave:
    """What the answer needs, gathered before the save (the message in the user's language,
    the class's names): the answer reads none of it again."""
    return saved_state.BeforeSave(
        page=url_for("checks.check_page", homeroom_id=homeroom.id, day=day.isoformat(),
                     kind=kind.value),
        saved=_("%(check)s saved.", check=vocabulary.name(kind)),
        school=homeroom.school, refusal=refusal,
        is_today=day == clock.school_today(homeroom.school), version=version,
        students={s.id: s for s in students})


def _phone_save(homeroom, day: date, kind: CheckKind, refusal):
    """A save sent by checks.js as JSON (teacher/phone_save.py): only the rows changed. A save
    that cannot go through is answered with why, as JSON, and nothing is written; the phone
    then posts the page as a plain form, which shows the page with the reasons."""
    students = [s for s in homeroom.students if s.active]
    try:
        posted = phone_save.read(request, students)
    except phone_save.BadSave as error:
        return error.answer()
    contact = None
    if kind == CheckKind.ATTENDANCE and refusal is None and posted.contact is not None:
        contact = _contact_form(students, posted.contact)
        if not page_forms.typed(contact):
            contact = None
        elif not contact.validate():
            return {"saved": False, "error": "contact", "fields": sorted(contact.errors)}, 422
    before = _before_save(homeroom, day, kind, refusal, posted.version, students)
    try:
        check = services.save_check(homeroom, day, kind, posted.entries, posted.version,
                                    current_user, tapped_at=posted.tapped_at,
                                    loaded_at=posted.loaded_at,
                                    reading=saved_state.reading(day, kind, before,
                                                                contact is not None))
    except NotEditable:
        return {"saved": False, "error": "read_only"}, 403
    except (CheckInvalid, UnknownStudents) as error:
        return {"saved": False, "error": "rows",
                "fields": [e.field for e in getattr(error, "errors", [])]}, 422
    except services.RowConflicts as error:
        return {"saved": False, "error": "row_conflicts",
                "students": [row.student.id for row in error.rows]}, 409
    except services.CheckConflict:
        return {"saved": False, "error": "conflict"}, 409
    said = [("success", before.saved)]
    if contact is not None:  # after the save: its reactions read the attendance just saved
        said.insert(0, ("success", _log_contact(homeroom, day, contact, say=False)))
    return _phone_answer(homeroom.id, day, kind, check, before, contact is not None, said)


def _posted_rows(homeroom, form) -> tuple[list, list[dict]]:
    """(the class's active students, the rows posted for them); 400 without a valid form,
    404 for a row of a student not in the class."""
    if not form.validate_on_submit():
        abort(400)
    students = [s for s in homeroom.students if s.active]
    if posted_student_ids(request.form) - {s.id for s in students}:
        abort(404)
    return students, entries_from_form(request.form, students)


def ms_time(formdata, name: str) -> datetime | None:
    """A time posted as ms since the epoch: the phone's time of the tap that checks.js sends
    with a save (tapped_at), when the page was loaded (loaded_at). A value that is not one is
    left out, and the save is recorded when it is received."""
    text = formdata.get(name, "")
    if not (text.isascii() and text.isdigit() and len(text) <= 15):
        return None
    return phone_save.from_ms(int(text))


def _phone_answer(homeroom_id: int, day: date, kind: CheckKind, check,
                  before: saved_state.BeforeSave, contact_logged: bool = False,
                  said=()) -> dict:
    """The answer to a save sent by checks.js: where to go next when the phone must move on,
    else what it needs to show the save in place without loading the page again, drawn from
    what the save wrote (check.written).

    said: (category, message) pairs not flashed yet: drawn in the answer when it is shown in
    place (the session, and its cookie, are then left as they were), else flashed for the
    page the phone goes to. Messages already waiting in the session go first."""
    if session.get("_flashes"):
        for category, message in said:
            flash(message, category)
        said = ()
    written = check.written
    saved = written.kinds if before.is_today else set()
    onward = _after_save(homeroom_id, day, kind, written, saved, before.students)
    if onward is None and saved_state.overtaken(written, before):
        onward = before.page
    if onward is not None:  # the messages go along to the page the phone goes to
        for category, message in said:
            flash(message, category)
        return {"saved": True, "version": written.version, "next": onward}
    context, bases = saved_state.answer_context(
        homeroom_id, day, kind, check, before,
        next_open_check(kind, saved) if before.is_today else None, contact_logged)
    context["messages"] = [*get_flashed_messages(with_categories=True), *said]
    return {"saved": True, "version": written.version, "bases": bases,
            "html": render_template("checks/_saved_state.html", **context),
            # The submit button's words once the check is saved (check.html's).
            "submit": _("Save changes") if kind != CheckKind.DISMISSAL
            else _("Classroom and campus checked: save changes")}


def _after_save(homeroom_id: int, day: date, kind: CheckKind, written,
                today_saved: set[CheckKind], students: dict) -> str | None:
    """Where a phone goes after saving: from the bag check at morning reading straight on to
    attendance, when it is still to do (the office's flag goes along as a message).

    today_saved: the kinds saved that day when it is today, else nothing. students: the
    class's students by id, gathered before the save, so as not to read them again."""
    if kind != CheckKind.BAG or not today_saved or CheckKind.ATTENDANCE in today_saved:
        return None
    for student_id, values in written.values.items():
        if values["status"] == "found" and summary.is_dangerous(values):
            student = students.get(student_id) or services.students_in_order([student_id])[0]
            flash(_("Flagged to the office") + _(": ") + student.name + " · "
                  + vocabulary.detail_name(kind, "category", values["category"]), "error")
    return url_for("checks.check_page", homeroom_id=homeroom_id, day=day.isoformat(),
                   kind=CheckKind.ATTENDANCE.value)


def next_open_check(kind: CheckKind, saved) -> CheckKind | None:
    """The first of today's later checks not saved yet: one tap away once this one is saved.
    saved: the kinds saved today (or the day's checks by kind)."""
    later = list(CheckKind)[list(CheckKind).index(kind) + 1:]
    return next((k for k in later if k not in saved), None)


def _flash_conflict(current) -> None:
    if current is None:
        flash(_("This check was removed or never saved. Review it and save again."), "warning")
        return
    who = current.updated_by.display_name if current.updated_by else "?"
    flash(_("%(name)s changed this check at %(time)s after you opened it. Below is what is "
            "saved now: review it and save again if needed.", name=who,
            time=summary.wall_time(current.homeroom.school, current.updated_at)), "warning")


# _render_check's refusal when its caller has not looked it up.
_LOOK_UP = object()


def _render_check(homeroom, day, kind, form, submitted=None, errors=(), unsaved=(),
                  conflicts=(), contact_form=None, refusal=_LOOK_UP):
    """The check page. refusal: edit_refusal of this user and day, when the caller has it."""
    checks = services.page_checks(homeroom.id, day)
    check, values = services.current_entries(homeroom, day, kind, checks)
    students = services.roster(homeroom, day, kind, checks)
    known = {s.id for s in students}
    entries = services.entries_of(checks, kind)
    kept = _kept_students(homeroom, [e.student_id for e in entries if e.student_id not in known])
    students += kept
    # Each student's columns read once (an ORM attribute is a Python call: 45 rows, a dozen
    # lookups each, were a tenth of the page).
    columns = [(s.id, s.student_number, s.name, s.seat) for s in students]
    by_number = {number: sid for sid, number, _name, _seat in columns}
    posted_bases = {}
    for entry in submitted or ():
        sid = by_number[entry["student_number"]]
        values[sid] = dict.fromkeys(DETAILS) | entry
        if "base" in entry:  # the row keeps the base it was loaded with, to merge next time
            posted_bases[sid] = entry["base"]
    if check is not None:
        form.version.data = str(check.version)
    if not form.loaded_at.data:  # a page shown again keeps when its taps' page was loaded
        form.loaded_at.data = str(int(clock.now().timestamp() * 1000))
    if refusal is _LOOK_UP:
        refusal = edit_refusal(current_user, homeroom.school, day)
    # What each row was loaded with: as saved, else as shown; the shown values are the saved
    # ones unless rows were posted back.
    saved = values if check is None or not submitted else \
        {e.student_id: services.entry_values(e) for e in entries}
    loaded = services.fingerprints({sid: saved.get(sid) for sid, *_rest in columns}) \
        | posted_bases
    errors = {(e.student_number, e.field.rsplit(".", 1)[-1]): e.message for e in errors}
    words = rows.row_words(kind)
    context = {"homeroom": homeroom, "homeroom_id": homeroom.id, "loaded": loaded,
               "is_today": day == clock.school_today(homeroom.school),
               "yesterday": today_page.correctable_yesterday(current_user, homeroom, day),
               "next_kind": next_open_check(kind, checks)
               if check is not None and day == clock.school_today(homeroom.school) else None,
               "day": day, "kind": kind, "form": form,
               "check": check, "students": students, "values": values,
               "tally": rows.tally(values),
               "seats": [seat for *_rest, seat in columns if seat],
               "refusal": refusal,
               "read_only": {s.id: _read_only_note(homeroom, s) for s in kept},
               "history": summary.check_history(check) if check else [],
               "flagged": saved_state.flagged(saved) if check else [],
               "unsaved": summary.unsaved_rows(homeroom.school, kind, students, values, unsaved),
               "conflicts": conflicts, "row_words": words,
               "draw_rows": rows.RowDrawer(kind, words, errors, homeroom.school,
                                           saved_state.offered_statuses(kind, checks)),
               "names": {number: name for _sid, number, name, _seat in columns},
               "names_by_id": {sid: name for sid, _number, name, _seat in columns},
               "school": homeroom.school, "wall_time": summary.wall_time,
               "iso_wall_time": summary.iso_wall_time,
               "is_dangerous": summary.is_dangerous}
    if kind == CheckKind.DISMISSAL:
        context |= saved_state.sweep_alarm(homeroom.id, day, values)
    if kind == CheckKind.ATTENDANCE:
        absent = [s for s in students
                  if values.get(s.id, {}).get("status") in NOT_IN_CLASS]
        context |= saved_state.contacts_context(homeroom.school, day, values, absent,
                                                taken=check is not None,
                                                posted=contact_form)
        context |= saved_state.left_alarm(homeroom.id, day, values)
    return render_template("checks/check.html", **context)


def _kept_students(homeroom, ids: list[int]) -> list:
    """The students of saved rows the check no longer covers, in the order of ids: those
    still in the class from its roster, already read; the others (moved away) in one query."""
    in_class = {s.id: s for s in homeroom.students}  # read by services.roster
    away = {s.id: s for s in services.students_in_order(i for i in ids if i not in in_class)}
    return [in_class.get(sid) or away[sid] for sid in ids if sid in in_class or sid in away]


def _read_only_note(homeroom, student) -> str:
    """Why a saved row is shown but can no longer be changed here."""
    if student.active and student.homeroom_id == homeroom.id:
        return _("Marked absent at attendance after this was saved; shown as saved.")
    return _("No longer in this class; shown as saved.")


@bp.post("/homerooms/<int:homeroom_id>/checks/<day>/attendance/contacts")
@roles_required(*EVERYONE)
def log_contact(homeroom_id, day):
    """Record how an absent student's family was reached."""
    homeroom = homeroom_or_404(current_user, homeroom_id)
    day = parse_day(day)
    back = url_for("checks.check_page", homeroom_id=homeroom.id, day=day.isoformat(),
                   kind=CheckKind.ATTENDANCE.value) + "#contacts"
    refusal = edit_refusal(current_user, homeroom.school, day)
    if refusal is not None:
        abort(404 if refusal.future else 403)
    students = [s for s in homeroom.students if s.active]
    form = _contact_form(students)
    entries = entries_from_form(request.form, students)
    # The page is one form (page_forms): taps not saved yet are not silently dropped.
    if page_forms.held_back("contact", {"attendance": _taps_changed(homeroom, day, entries)}):
        page_forms.say_kept([vocabulary.name(CheckKind.ATTENDANCE)])
        return _render_check(homeroom, day, CheckKind.ATTENDANCE, CheckForm(), submitted=entries,
                             contact_form=form), 409
    if not form.validate_on_submit():
        if request.form.get("student_id", "").isdigit() and \
                int(request.form["student_id"]) not in {s.id for s in students}:
            abort(404)
        # Refused: the page comes back with what was typed and why, nothing is lost.
        flash(_("The family contact needs attention; nothing was saved."), "error")
        return _render_check(homeroom, day, CheckKind.ATTENDANCE, CheckForm(),
                             submitted=entries or None, contact_form=form), 422
    _log_contact(homeroom, day, form)
    return redirect(back)


def _typed_contact(homeroom, day: date, kind, refusal, form, students, entries):
    """The page is one form (page_forms): a family contact typed below an attendance that may
    be changed is logged once the attendance is saved. (its form or None, None); or (None, the
    page back as typed) when it is incomplete, before anything is saved."""
    if kind != CheckKind.ATTENDANCE or refusal is not None:
        return None, None
    contact_form = _contact_form(students)
    if not page_forms.typed(contact_form):
        return None, None
    if not contact_form.validate():
        flash(_("The family contact needs attention; nothing was saved."), "error")
        return None, (_render_check(homeroom, day, CheckKind.ATTENDANCE, form,
                                    submitted=entries, contact_form=contact_form), 422)
    return contact_form, None


def _contact_form(students, formdata=None) -> ContactForm:
    """The family-contact part of the attendance page, as posted (formdata: its fields from
    a save sent as JSON, whose CSRF token came in its header)."""
    form = ContactForm() if formdata is None else ContactForm(formdata=formdata,
                                                              meta={"csrf": False})
    form.student_id.choices = [SelectChoice(s.id, f"{s.seat or ''} {s.name}") for s in students]
    return form


def _log_contact(homeroom, day: date, form: ContactForm, say: bool = True) -> str:
    """Log the contact typed in form; flash that it was logged, or (say=False) return the
    words for the caller to show."""
    student = next(s for s in homeroom.students if s.id == form.student_id.data)
    contacted_at = clock.school_datetime(homeroom.school, day, form.contacted_at.data)
    contacts.log_contact(student, day, current_user, person=form.person.data,
                         method=form.method.data, outcome=form.outcome.data,
                         contacted_at=contacted_at, note=form.note.data)
    logged = _("Contact logged.")
    if say:
        flash(logged, "success")
    return logged


def _taps_changed(homeroom, day: date, entries) -> bool:
    """The posted attendance rows differ from what the page showed (taps not saved yet)."""
    _check, shown = services.current_entries(homeroom, day, CheckKind.ATTENDANCE)
    return bool(summary.unsaved_rows(homeroom.school, CheckKind.ATTENDANCE,
                                     homeroom.students, shown, entries))
