"""Sign in, sign out, change one's password."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from rollcall.auth import services
from rollcall.auth.forms import ChangePasswordForm, LoginForm
from rollcall.urls import local_path

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign a user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(form.username.data, form.password.data,
                                       request.remote_addr)
        if result.user is not None:
            login_user(result.user, remember=form.remember.data)
            return redirect(local_path(request.args.get("next")) or url_for("main.home"))
        if result.refusal is None:
            flash(_("Wrong username or password."), "error")
        elif result.refusal.locked:
            minutes = max(1, (result.refusal.wait_seconds + 59) // 60)
            flash(_("Too many failed sign-ins. Try again in %(minutes)d minutes.",
                    minutes=minutes), "error")
            status = 429
        else:
            flash(_("Too many failed sign-ins. Wait %(seconds)d seconds and try again.",
                    seconds=result.refusal.wait_seconds), "error")
            status = 429
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Sign out on this device."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.change_password(current_user, form.current_password.data,
                                    form.new_password.data):
            login_user(current_user._get_current_object())  # keep this device signed in
            flash(_("Your password is changed. Other devices are signed out."), "info")
            return redirect(url_for("main.home"))
        form.current_password.errors.append(_("The current password is wrong."))
    return render_template("auth/password.html", form=form)
