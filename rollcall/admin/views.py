"""Admin start page, school settings, and the roster upload with its format page."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rollcall.access import roles_required
from rollcall.admin import services
from rollcall.admin.forms import ConfirmImportForm, ImportForm, SchoolForm
from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, Role, Student, User
from rollcall.roster import checks as roster_checks
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
    form = SchoolForm(obj=school, school=school)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in SCHOOL_FIELDS}
        values["phone"] = form.parsed_phone.e164 if form.parsed_phone else None
        values["timezone"] = values["timezone"].strip()
        values["sms_window"] = (values["sms_window"] or "").strip() or None
        services.update(school, values, actor=current_user, action="admin.school.update")
        flash(_("Saved."), "success")
        return redirect(url_for("admin.school_settings"))
    return render_template("admin/form.html", form=form, title=_("School settings"),
                           back=url_for("admin.index"))


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
            partial=form.partial.data, homerooms=form.homerooms.data,
            set_school=(form.set_school.data or "").strip() or None,
            options=form.field_wording())
    status = 422 if report and report.errors else 200
    return render_template("admin/import.html", form=form, report=report, check=check,
                           confirm=ConfirmImportForm(token=check.token) if check else None,
                           labels=roster_checks.column_labels()), status


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
    status = 422 if report.errors else 200
    return render_template("admin/import.html", form=ImportForm(), report=report, check=None,
                           confirm=None, labels=roster_checks.column_labels()), status


@bp.get("/import/format")
def import_format():
    """How to write the simple roster CSV, with the template to download."""
    return render_template("admin/format.html", columns=COLUMNS, labels=LABELS,
                           chinese=CHINESE_NAMES,
                           max_mb=roster_services.max_file_bytes() // (1024 * 1024),
                           template=current_app.url_for(
                               "static", filename="roster/simple-roster-template.csv"))


from rollcall.admin import accounts, calendar, guardians, people  # noqa: E402, F401  (routes on bp)
