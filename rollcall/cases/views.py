"""Missing-student cases: the case page with its timeline, notes, closing; the admin's phones."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rollcall import page_forms
from rollcall.access import roles_required, scoped_or_404
from rollcall.cases import services
from rollcall.cases.forms import CaseSettingsForm, CloseForm, NoteForm, TestTextForm
from rollcall.cases.models import MissingCase
from rollcall.field_errors import show_errors
from rollcall.models import Role
from rollcall.notify import test_texts
from rollcall.state_change import AlreadyChanged

bp = Blueprint("cases", __name__)
EVERYONE = (Role.TEACHER, Role.OFFICE, Role.ADMIN)


def case_or_404(case_id: int) -> MissingCase:
    """The case, if the user may see it: the office and admin of its school, and the
    homeroom teachers of the student's class."""
    return scoped_or_404(current_user, MissingCase, case_id, homeroom_of=lambda c: c.homeroom)


def _page(case, note_form=None, close_form=None, status=200):
    return render_template("cases/case.html", case=case, note_form=note_form or NoteForm(
        formdata=None), close_form=close_form or CloseForm(formdata=None, prefix="close")
        ), status


def _posted_forms():
    """The case page's two parts as posted: it is one HTML form (page_forms)."""
    return NoteForm(), CloseForm(prefix="close")


def _too_late(case, error: AlreadyChanged):
    """The case page as it is now, saying who closed it first (409)."""
    flash(error.message, "error")
    return _page(case, status=409)


@bp.get("/cases/")
@roles_required(*EVERYONE)
def case_list():
    """Open cases first (oldest first), then the latest closed ones."""
    homerooms = None
    if current_user.role == Role.TEACHER:
        homerooms = [h.id for h in current_user.homerooms]
    return render_template(
        "cases/list.html",
        open_cases=services.open_cases(current_user.school_id, homerooms),
        closed=services.recent_closed(current_user.school_id, homerooms))


@bp.get("/cases/<int:case_id>")
@roles_required(*EVERYONE)
def case_page(case_id):
    """A case: the student, what raised it, its timeline, the texts, and its outcome."""
    return _page(case_or_404(case_id))


@bp.post("/cases/<int:case_id>/notes")
@roles_required(*EVERYONE)
def add_note(case_id):
    """Add a line to the timeline."""
    case = case_or_404(case_id)
    form, close_form = _posted_forms()
    if page_forms.held_back("note", {"close": close_form}):
        page_forms.say_kept([_("Close the case")])
        return _page(case, note_form=form, close_form=close_form, status=409)
    if not form.validate_on_submit():
        return _page(case, note_form=form, status=422)
    try:
        services.add_note(case, form.note.data, current_user)
    except services.CaseInvalid as error:
        show_errors(form, error)
        return _page(case, note_form=form, status=422)
    flash(_("Note added."), "success")
    return redirect(url_for("cases.case_page", case_id=case.id))


@bp.post("/cases/<int:case_id>/close")
@roles_required(*EVERYONE)
def close(case_id):
    """Close the case with its outcome and a note (both required)."""
    case = case_or_404(case_id)
    note_form, form = _posted_forms()
    if not case.is_open:  # someone closed it since this page was loaded
        return _too_late(case, services.already_closed(case))
    note_typed = page_forms.typed(note_form)  # a note typed too joins the timeline first
    if not form.validate_on_submit() or (note_typed and not note_form.validate()):
        return _page(case, note_form=note_form if note_typed else None, close_form=form,
                     status=422)
    if note_typed:
        try:
            services.add_note(case, note_form.note.data, current_user)
        except services.CaseInvalid as error:
            show_errors(note_form, error)
            return _page(case, note_form=note_form, close_form=form, status=422)
    try:
        services.close_case(case, form.outcome.data, form.note.data, current_user)
    except services.CaseInvalid as error:
        show_errors(form, error)
        return _page(case, close_form=form, status=422)
    except AlreadyChanged as error:
        return _too_late(case, error)
    flash(_("Case closed."), "success")
    return redirect(url_for("cases.case_page", case_id=case.id))


@bp.route("/admin/missing-students", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings():
    """The on-duty office phones told of every missing student, and the 'reached by' time."""
    school = current_user.school
    current = services.case_settings(school)
    form, test_form = _settings_forms(school, current)
    if form.validate_on_submit():
        services.save_case_settings(school, form.parsed_phones, form.unreached_by.data,
                                    current_user)
        flash(_("Saved."), "success")
        return redirect(url_for("cases.settings", **_test_phone_kept(test_form,
                                                                     form.parsed_phones)))
    if request.method == "GET":
        test_form.phone.data = _test_phone_shown(current.duty_phones)
    return _settings_page(school, form, test_form, 422 if form.errors else 200)


def _settings_forms(school, current, posted: bool = True):
    """The page's two parts, as posted (or, posted=False, as drawn from what is saved): the
    settings and the test text's phone. The page is one form (page_forms)."""
    kept = {} if posted else {"formdata": None}
    return (CaseSettingsForm(region=school.phone_region, **kept, data={
                "duty_phones": "\n".join(current.duty_phones),
                "unreached_by": current.unreached_by}),
            TestTextForm(duty_phones=current.duty_phones, **kept))


def _settings_page(school, form, test_form, status: int = 200):
    return render_template("cases/settings.html", form=form, test_form=test_form,
                           test_texts=test_texts.latest_test_texts(school)), status


def _test_phone_kept(test_form, phones: list[str]) -> dict:
    """The test text's phone chosen as the settings were saved, for the page drawn next: its
    place among the phones saved (a phone number is never written in an address)."""
    chosen = test_form.phone.data
    return {"test_phone": phones.index(chosen) + 1} if chosen in phones[1:] else {}


def _test_phone_shown(phones: list[str]) -> str | None:
    place = request.args.get("test_phone", type=int)
    return phones[place - 1] if place and 0 < place <= len(phones) else None


@bp.post("/admin/missing-students/test-text")
@roles_required(Role.ADMIN)
def send_test_text():
    """Queue a test text to one on-duty phone; the settings page then shows how it goes. It
    is a button of the settings' form: with settings typed and not saved, nothing is sent
    and the page comes back as typed."""
    school = current_user.school
    current = services.case_settings(school)
    phones = current.duty_phones
    settings_form, form = _settings_forms(school, current)
    drawn, _test_form = _settings_forms(school, current, posted=False)
    if page_forms.held_back("test", {"settings": page_forms.typed(settings_form, drawn)}):
        page_forms.say_kept([_("Missing students")])
        return _settings_page(school, settings_form, form, 409)
    if not form.validate_on_submit():
        flash(_("Choose one of the on-duty phones."), "error")
        return redirect(url_for("cases.settings"))
    try:
        test_texts.send_test_text(school, form.phone.data, phones, current_user)
    except test_texts.TestTextRefused as refused:
        if refused.reason == "not_on_duty":
            abort(400)  # the form offers only the on-duty phones
        flash(_("%(count)d test texts were sent in the last hour: wait before sending another.",
                count=test_texts.TEST_TEXTS_PER_WINDOW), "error")
        return redirect(url_for("cases.settings"))
    flash(_("Test text queued: it goes with the next send pass. Its state is shown below."),
          "success")
    return redirect(url_for("cases.settings") + "#test-text")
