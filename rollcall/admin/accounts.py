"""Admin pages for user accounts: teachers, office staff, administrators."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.widgets import PasswordInput

from rollcall import page_forms
from rollcall.admin import services
from rollcall.admin.forms import UserForm
from rollcall.admin.helpers import (
    homeroom_choices,
    own_or_404,
    paginate,
    refused,
    rows_by_ids,
    search,
)
from rollcall.admin.views import bp
from rollcall.auth import services as auth_services
from rollcall.extensions import db
from rollcall.models import Homeroom, User


@bp.get("/users")
def users():
    """Accounts of the school, searchable by name or username."""
    query = search(db.select(User).where(User.school_id == current_user.school_id)
                   .order_by(User.active.desc(), User.role, User.display_name),
                   User.display_name, User.username)
    return render_template("admin/users.html", page=paginate(query))


@bp.route("/users/new", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id):
    """Add or edit an account: role, homerooms, active, and (optionally) a new password."""
    user = own_or_404(User, user_id) if user_id else None
    form = _user_form(user)
    if form.validate_on_submit():
        values = {"display_name": form.display_name.data.strip(), "role": form.role.data,
                  "active": form.active.data,
                  "homerooms": rows_by_ids(Homeroom, form.homerooms.data, current_user.school_id),
                  "phone_e164": form.parsed_phone.e164 if form.parsed_phone else None}

        def write():
            if user is None:
                new = User(school_id=current_user.school_id, username=form.username.data.strip())
                new.set_password(form.password.data)
                services.create(new, values, actor=current_user, action="admin.user.create")
                return
            if form.password.data:  # one transaction with the other changes
                services.set_password(user, form.password.data, actor=current_user)
            services.update(user, values, actor=current_user, action="admin.user.update",
                            loaded=form.loaded.data)

        if (status := refused(form, write)) is not None:
            return _user_page(form, user, status)
        flash(_("Saved."), "success")
        return redirect(url_for("admin.users"))
    return _user_page(form, user)


def _user_form(user):
    """The account form, as posted or as stored (homerooms and phone from the user)."""
    form = UserForm(obj=user, school=current_user.school, editing=user, actor=current_user)
    form.homerooms.choices = homeroom_choices(current_user.school_id)
    if request.method == "GET" and user:
        form.homerooms.data = [homeroom.id for homeroom in user.homerooms]
        form.phone.data = user.phone_e164 or ""
    if user is not None:
        form.username.render_kw = {"readonly": True}
        form.phone.object_data = user.phone_e164 or ""  # as shown: not typed unless changed
    return form


def _user_page(form, user, status=200):
    if request.method == "POST":  # a page that comes back keeps a new password as typed
        form.password.widget = PasswordInput(hide_value=False)
    return render_template("admin/form.html", form=form, back=url_for("admin.users"),
                           title=user.display_name if user else _("New account"),
                           sessions_user=user, page_form="account-form",
                           page_url=url_for("admin.user_edit", user_id=user.id if user else None),
                           sessions=auth_services.sessions_of(user) if user else None), status


def _account_held(user):
    """The page is one HTML form (page_forms): a sign-out button pressed while the account's
    fields hold typed text signs nobody out and brings the page back as typed (a response)."""
    form = _user_form(user)
    if not page_forms.held_back("sessions", {"account": form}):
        return None
    page_forms.say_kept([_("Account")])
    return _user_page(form, user, 409)


@bp.post("/users/<int:user_id>/sessions/<handle>/end")
def user_session_end(user_id, handle):
    """Sign one of the user's phones or browsers out; a handle not theirs is not found."""
    user = own_or_404(User, user_id)
    if (held := _account_held(user)) is not None:
        return held
    if not auth_services.end_sessions(user, {handle}, actor=current_user):
        abort(404)
    flash(_("That phone is signed out."), "info")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.post("/users/<int:user_id>/sessions/end-all")
def user_sessions_end_all(user_id):
    """Sign every phone and browser of the user out (the admin's own stays, if it is theirs)."""
    user = own_or_404(User, user_id)
    if (held := _account_held(user)) is not None:
        return held
    auth_services.end_sessions(user, None, actor=current_user,
                               keep_token=current_user.login_token)
    flash(_("Every phone and browser of this account is signed out."), "info")
    return redirect(url_for("admin.user_edit", user_id=user.id))
