"""Staff pages for texts: the office's list, a class's texts, and the school's text settings."""

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from rollcall import clock
from rollcall.access import homeroom_or_404, roles_required
from rollcall.exports import csv_download, wall_clock
from rollcall.models import Role
from rollcall.notify import carrier, settings_service, texts_csv
from rollcall.notify.forms import CODE_FIELDS, TextSettingsForm
from rollcall.notify.gateway import install_provider
from rollcall.notify.health import texts_stopped
from rollcall.notify.services import replies_for_day, status_callbacks_missing, texts_for_day
from rollcall.notify.settings import install_template_codes, segment_rule

bp = Blueprint("notify", __name__)


def _day_arg() -> date:
    text = request.args.get("day")
    if not text:
        return clock.school_today(current_user.school)
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(400)


@bp.get("/office/texts")
@roles_required(Role.OFFICE, Role.ADMIN)
def office_texts():
    """Every text of the school on a day, its status and any reply."""
    day = _day_arg()
    rows = texts_for_day(current_user.school_id, day)
    loose = [reply for reply in replies_for_day(current_user.school_id, day)
             if reply.text_id is None]
    return render_template("notify/texts.html", rows=rows, day=day, homeroom=None,
                           loose_replies=loose,
                           zone=clock.school_zone(current_user.school),
                           no_replies=carrier.text_gets_no_replies,
                           callbacks_missing=status_callbacks_missing(current_app.config),
                           can_switch_texts=True,
                           texts_stopped=texts_stopped(current_user.school, current_app.config))


@bp.get("/office/texts.csv")
@roles_required(Role.OFFICE, Role.ADMIN)
def office_texts_csv():
    """The day's texts as on the texts page, as a CSV file for a spreadsheet."""
    day, zone = _day_arg(), clock.school_zone(current_user.school)
    rows = texts_for_day(current_user.school_id, day)
    # Written before the response (a day's texts are few): the rows are ORM objects.
    return csv_download(list(texts_csv.texts_csv(rows, wall_clock(zone))),
                        f"rollcall-texts-{day.isoformat()}.csv")


@bp.get("/homerooms/<int:homeroom_id>/texts")
@roles_required(Role.TEACHER, Role.OFFICE, Role.ADMIN)
def homeroom_texts(homeroom_id):
    """The texts to the parents of one class on a day, and the parents' replies."""
    homeroom = homeroom_or_404(current_user, homeroom_id)
    day = _day_arg()
    rows = texts_for_day(current_user.school_id, day, homeroom_ids=[homeroom.id])
    return render_template("notify/texts.html", rows=rows, day=day, homeroom=homeroom,
                           loose_replies=[], no_replies=carrier.text_gets_no_replies,
                           zone=clock.school_zone(current_user.school))


@bp.route("/admin/text-settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def text_settings():
    """The school's delay, window, recipients and templates, with a live preview."""
    school = current_user.school
    form = TextSettingsForm(data=settings_service.form_data(school))
    form.install_provider = install_provider(current_app.config)
    form.install_codes = install_template_codes(current_app.config)
    if form.validate_on_submit():
        if "preview" not in request.form:
            settings_service.save_text_settings(school, form.data, actor=current_user)
            flash(_("Text settings saved."), "success")
            return redirect(url_for("notify.text_settings"))
    elif request.method == "POST":
        flash(_("Please correct the marked fields."), "error")
    previews = settings_service.previews(school, form.data)
    return render_template("notify/settings.html", form=form, previews=previews,
                           sample=settings_service.sample_values(school),
                           code_previews=settings_service.template_code_previews(
                               school, form.data),
                           code_fields=CODE_FIELDS, install_provider=form.install_provider,
                           segment_rule=segment_rule())
