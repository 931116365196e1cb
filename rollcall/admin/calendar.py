"""The school calendar: holidays and make-up school days (调休) the checks and reminders follow."""

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from rollcall import clock, page_forms, school_days
from rollcall.admin.forms import CalendarForm
from rollcall.admin.helpers import own_or_404
from rollcall.admin.views import bp
from rollcall.extensions import db
from rollcall.models import CalendarDay

# The page lists the recent past too, so a holiday just gone can still be checked.
SHOWN_PAST_DAYS = 60


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    """Mark a holiday or make-up school days; list the school's calendar from recent days on."""
    school = current_user.school
    form = CalendarForm(school=school)
    if form.validate_on_submit():
        first, last = form.span
        count = school_days.mark_days(school, first, last, form.school_day.data == "yes",
                                      form.name.data.strip(), current_user)
        flash(ngettext("Saved: %(num)d day.", "Saved: %(num)d days.", count), "success")
        return redirect(url_for("admin.calendar"))
    return _page(school, form)


def _page(school, form, status=200):
    since = clock.school_today(school) - timedelta(days=SHOWN_PAST_DAYS)
    entries = db.session.scalars(db.select(CalendarDay).where(
        CalendarDay.school_id == school.id, CalendarDay.day >= since)
        .order_by(CalendarDay.day)).all()
    return render_template("admin/calendar.html", form=form, entries=entries), status


@bp.post("/calendar/<int:entry_id>/delete")
def calendar_delete(entry_id):
    """Give a day back to the Monday-to-Friday rule."""
    entry = own_or_404(CalendarDay, entry_id)  # CSRF is checked for every POST app-wide
    # The page is one form (page_forms): days typed above are not silently dropped.
    typed = CalendarForm(school=current_user.school)
    if page_forms.held_back("remove", {"mark": typed}):
        page_forms.say_kept([_("School calendar")])
        return _page(current_user.school, typed, 409)
    day = entry.day
    school_days.unmark_day(entry, current_user)
    flash(_("Removed: %(day)s.", day=day.isoformat()), "success")
    return redirect(url_for("admin.calendar"))
