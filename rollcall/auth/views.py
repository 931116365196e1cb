"""Sign in, sign out, change one's password."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.utils import encode_cookie
from wtforms.widgets import PasswordInput

from rollcall import page_forms
from rollcall.auth import devices, services
from rollcall.auth.forms import ChangePasswordForm, LoginForm
from rollcall.auth.models import UserSession, digest
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
        secret, device_cookie = current_app.config["SECRET_KEY"], request.cookies.get(
            devices.COOKIE)
        result = services.authenticate(
            form.username.data, form.password.data, request.remote_addr,
            devices.known_device(secret, device_cookie, form.username.data))
        if result.user is not None:
            remembered = bool(form.remember.data)
            until = services.remember_until(result.user) if remembered else None
            services.start_session(result.user, current_app.config["REMEMBER_COOKIE_DURATION"],
                                   remembered=remembered, expires_at=until,
                                   user_agent=request.headers.get("User-Agent"))
            login_user(result.user)
            response = redirect(local_path(request.args.get("next")) or url_for("main.home"))
            if remembered:
                _set_remember_cookie(response, result.user, until)
            response.set_cookie(
                devices.COOKIE, devices.signed_in_here(secret, device_cookie, form.username.data),
                max_age=int(devices.LIFETIME.total_seconds()), httponly=True, samesite="Lax",
                secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
            return response
        if result.refusal is None:
            flash(_("Wrong username or password."), "error")
        else:
            flash(_refusal_message(result.refusal), "error")
            status = 429
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


def _set_remember_cookie(response, user, until) -> None:
    """The remember cookie, expiring at the end of the term (on Rollcall's clock, which tests
    can freeze; Flask-Login would count from the real time)."""
    config = current_app.config
    response.set_cookie(
        config.get("REMEMBER_COOKIE_NAME", "remember_token"), encode_cookie(str(user.get_id())),
        expires=until, path=config.get("REMEMBER_COOKIE_PATH", "/"),
        domain=config.get("REMEMBER_COOKIE_DOMAIN"),
        secure=config.get("REMEMBER_COOKIE_SECURE", False),
        httponly=config.get("REMEMBER_COOKIE_HTTPONLY", True),
        samesite=config.get("REMEMBER_COOKIE_SAMESITE"))


def _refusal_message(refusal) -> str:
    if refusal.locked:
        minutes = max(1, (refusal.wait_seconds + 59) // 60)
        return _("Too many failed sign-ins. Try again in %(minutes)d minutes.", minutes=minutes)
    return _("Too many failed sign-ins. Wait %(seconds)d seconds and try again.",
             seconds=refusal.wait_seconds)


@bp.post("/logout")
@login_required
def logout():
    """Sign out on this device: the session ends on the server too, with its remember cookie.

    Pressed as a button of a page's form (page_forms: next and form in the query) while
    something is typed on it, it signs nobody out: the page comes back as typed, saying so,
    with a button that signs out anyway."""
    kept = page_forms.kept_for_sign_out(local_path(request.args.get("next")),
                                        request.args.get("form"))
    if kept is not None:
        return kept
    services.end_session(current_user.login_token)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        result = services.change_password(user, form.current_password.data,
                                          form.new_password.data)
        if result.changed:
            services.start_session(user, current_app.config["REMEMBER_COOKIE_DURATION"],
                                   user_agent=request.headers.get("User-Agent"))
            login_user(user)  # keep this device signed in, on a new session
            flash(_("Your password is changed. Other devices are signed out and your API "
                    "tokens stop working."), "info")
            return redirect(url_for("main.home"))
        if result.refusal is not None:
            form.current_password.errors.append(_refusal_message(result.refusal))
            status = 429
        else:
            form.current_password.errors.append(_("The current password is wrong."))
    return _password_page(form, status)


def _password_page(form, status=200, as_typed=False):
    if as_typed:  # held back by another button: the passwords stay as typed
        for password in form:
            if isinstance(password.widget, PasswordInput):
                password.widget = PasswordInput(hide_value=False)
    return render_template("auth/password.html", form=form, sessions=services.sessions_of(
        current_user), current_token=current_user.login_token), status


def _password_held():
    """The page is one HTML form (page_forms): a sign-out button pressed while a password is
    typed above signs nobody out and brings the page back as typed (a response)."""
    form = ChangePasswordForm()
    if not page_forms.held_back("sessions", {"password": form}):
        return None
    page_forms.say_kept([_("Change password")])
    return _password_page(form, 409, as_typed=True)


@bp.post("/account/sessions/<handle>/end")
@login_required
def end_session(handle):
    """Sign out one of one's own phones or browsers; another user's session is not found."""
    if (held := _password_held()) is not None:
        return held
    user = current_user._get_current_object()
    if not services.end_sessions(user, {handle}, actor=user):
        abort(404)
    if handle == _handle(user.login_token):
        logout_user()
        return redirect(url_for("auth.login"))
    flash(_("That phone is signed out."), "info")
    return redirect(url_for("auth.change_password"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    """Sign out every other phone and browser; this one stays signed in."""
    if (held := _password_held()) is not None:
        return held
    user = current_user._get_current_object()
    services.end_sessions(user, None, actor=user, keep_token=user.login_token)
    flash(_("Every other phone and browser is signed out."), "info")
    return redirect(url_for("auth.change_password"))


def _handle(token: str | None) -> str | None:
    return UserSession(token=digest(token)).handle if token else None
