"""Admin start page, school settings, and the roster upload with its format page."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rollcall.access import roles_required
from rollcall.admin import services
from rollcall.admin.forms import (
    CHOOSE_GROUPS,
    ConfirmImportForm,
    GroupsForm,
    ImportForm,
    SchoolForm,
)
from rollcall.admin.helpers import refused
from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, Role, Student, User
from rollcall.roster import checks as roster_checks
from rollcall.roster import groups as roster_groups_service
from rollcall.roster import services as roster_services
from rollcall.roster.simple import CHINESE_NAMES, COLUMNS, LABELS

bp = Blueprint("admin", __name__, url_prefix="/admin")
SCHOOL_FIELDS = ("phone", "timezone", "locale", "bag_check_cutoff", "attendance_cutoff",
                 "dismissal_cutoff", "alert_delay_minutes", "sms_window")


@bp.before_request
@roles_required(Role.ADMIN)
def only_admins():
    """Every page here is for the school's administrators."""


@bp.get("/")
def index():
    """Counts of what the school holds, and the way to each list."""
    def count(model):
        return db.session.scalar(db.select(db.func.count(model.id)).where(
            model.school_id == current_user.school_id))
    counts = {"homerooms": count(Homeroom), "students": count(Student),
              "guardians": count(Guardian), "users": count(User)}
    return render_template("admin/index.html", counts=counts)


@bp.route("/school", methods=["GET", "POST"])
def school_settings():
    """The school's cut-off times, text settings, time zone, language and phone."""
    school = current_user.school
    form = SchoolForm(obj=school, school=school, editing=school)
    status = 200
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in SCHOOL_FIELDS}
        values["phone"] = form.parsed_phone.e164 if form.parsed_phone else None
        values["timezone"] = values["timezone"].strip()
        values["sms_window"] = (values["sms_window"] or "").strip() or None
        status = refused(form, lambda: services.update(
            school, values, actor=current_user, action="admin.school.update",
            loaded=form.loaded.data))
        if status is None:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.school_settings"))
    return render_template("admin/form.html", form=form, title=_("School settings"),
                           back=url_for("admin.index")), status


@bp.route("/import", methods=["GET", "POST"])
def import_roster():
    """Upload a roster to check it: every problem, or every change, is listed; nothing is
    written until the admin confirms the check."""
    form = ImportForm()
    report = check = None
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or "roster.csv"
        report, check = roster_checks.check_upload(
            name, upload.stream, current_user.school, current_user,
            partial=form.partial.data,
            set_school=(form.set_school.data or "").strip() or None,
            options=form.field_wording())
    return _checked(form, report, check)


def _checked(form, report, check):
    """The check's page: its problems or its changes, the confirm button when it has no
    errors, and a OneRoster set's roll-call groups with the way to choose others."""
    status = 422 if report and report.errors else 200
    confirm = ConfirmImportForm(token=check.token) if check and not report.errors else None
    return render_template("admin/import.html", form=form, report=report, check=check,
                           confirm=confirm, labels=roster_checks.column_labels(),
                           choose_groups=CHOOSE_GROUPS), status


@bp.route("/import/<token>/groups", methods=["GET", "POST"])
def roster_groups(token):
    """A checked OneRoster set's classes, to choose its roll-call groups; who the choice
    leaves in no group or puts in two is shown before the set is checked with it."""
    school = current_user.school
    try:
        check = roster_checks.kept_check(token, school, current_user)
    except roster_checks.CheckGone:
        flash(_("This check is no longer available: upload the file again."), "error")
        return redirect(url_for("admin.import_roster"))
    source = roster_checks.kept_source(check)
    classes = roster_checks.kept_classes(check, source, school)
    if classes is None:
        abort(404)
    form = GroupsForm(classes, check.homerooms)
    choice = check.homerooms
    if form.validate_on_submit():
        choice = form.choice()
        if form.use.data:
            report, kept = roster_checks.check_again(check, source, school, current_user,
                                                     choice,
                                                     options=ImportForm().field_wording())
            return _checked(ImportForm(formdata=None), report, kept)
    unplaced, doubled = classes.coverage(choice)
    chosen = {c.sourced_id for c in classes.chosen(choice)}
    return render_template("admin/import_groups.html", form=form, classes=classes,
                           chosen=chosen, unplaced=unplaced, doubled=doubled, check=check,
                           described=roster_groups_service.describe(choice))


@bp.post("/import/confirm")
def confirm_import():
    """Apply the checked file, unless the school's roster changed since the check."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        flash(_("This check is no longer available: upload the file again."), "error")
        return redirect(url_for("admin.import_roster"))
    try:
        report = roster_checks.confirm(form.token.data, current_user.school, current_user)
    except roster_checks.CheckGone:
        flash(_("This check is no longer available: upload the file again."), "error")
        return redirect(url_for("admin.import_roster"))
    except roster_checks.RosterChanged:
        flash(_("The school's roster changed after this file was checked, so nothing was "
                "imported: upload the file again to check it against the roster as it is "
                "now."), "error")
        return redirect(url_for("admin.import_roster"))
    return _checked(ImportForm(), report, None)


@bp.get("/import/format")
def import_format():
    """How to write the simple roster CSV, with the template to download."""
    return render_template("admin/format.html", columns=COLUMNS, labels=LABELS,
                           chinese=CHINESE_NAMES,
                           max_mb=roster_services.max_file_bytes() // (1024 * 1024),
                           template=current_app.url_for(
                               "static", filename="roster/simple-roster-template.csv"))


from rollcall.admin import accounts, calendar, guardians, people  # noqa: E402, F401  (routes on bp)
