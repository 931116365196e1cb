"""Confiscated items: the list of what is still held, and one item's custody trail."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rollcall import clock
from rollcall.access import roles_required, scoped_or_404
from rollcall.custody import services
from rollcall.custody.forms import MoveForm
from rollcall.custody.models import ConfiscatedItem, CustodyState
from rollcall.extensions import db
from rollcall.field_errors import show_errors
from rollcall.models import Role, User
from rollcall.state_change import AlreadyChanged

bp = Blueprint("custody", __name__)
EVERYONE = (Role.TEACHER, Role.OFFICE, Role.ADMIN)


def item_or_404(item_id: int) -> ConfiscatedItem:
    """The item, for the teachers of its class, the office and the admin of its school."""
    return scoped_or_404(current_user, ConfiscatedItem, item_id,
                         homeroom_of=lambda item: item.check.homeroom)


def _form(item, formdata=None):
    office_people = db.session.scalars(db.select(User).where(
        User.school_id == item.school_id, User.role.in_([Role.OFFICE, Role.ADMIN]),
        User.active.is_(True)).order_by(User.display_name)).all()
    form = MoveForm(formdata=formdata, moves=services.MOVES.get(CustodyState(item.state), ()),
                    office_people=office_people,
                    guardians=[link.guardian for link in item.student.guardian_links])
    if formdata is None:
        form.at.data = clock.form_now(item.check.homeroom.school)
        if current_user.role in (Role.OFFICE, Role.ADMIN):
            form.received_by_id.data = current_user.id
    return form


def _page(item, form=None, status=200):
    return render_template("custody/item.html", item=item, form=form or _form(item)), status


def _too_late(item, error: AlreadyChanged):
    """The item page as it is now, saying who moved it first (409)."""
    flash(error.message, "error")
    return _page(item, status=409)


@bp.get("/items/")
@roles_required(*EVERYONE)
def held():
    """Every item not yet returned or disposed of, oldest first (a teacher: their classes')."""
    school = current_user.school
    homerooms = [h.id for h in current_user.homerooms] \
        if current_user.role == Role.TEACHER else None
    return render_template("custody/list.html", items=services.held_items(school, homerooms),
                           flag_days=services.flag_days(school))


@bp.get("/items/<int:item_id>")
@roles_required(*EVERYONE)
def item_page(item_id):
    """An item: what, whose, and each change of hands."""
    return _page(item_or_404(item_id))


@bp.post("/items/<int:item_id>/move")
@roles_required(*EVERYONE)
def move(item_id):
    """Record a change of hands."""
    item = item_or_404(item_id)
    if not item.held:  # someone moved it since this page was loaded
        return _too_late(item, services.already_moved(item))
    form = _form(item, request.form)
    if not form.validate_on_submit():
        return _page(item, form, 422)
    try:
        services.move(item, form.to.data, current_user,
                      at=clock.from_form(item.check.homeroom.school, form.at.data),
                      received_by_id=form.received_by_id.data or None,
                      guardian_id=form.guardian_id.data or None,
                      disposed_by=form.disposed_by.data, how=form.how.data)
    except services.CustodyInvalid as error:
        show_errors(form, error)
        return _page(item, form, 422)
    except AlreadyChanged as error:
        return _too_late(item, error)
    flash(_("Custody recorded."), "success")
    return redirect(url_for("custody.item_page", item_id=item.id))
