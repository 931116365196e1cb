"""The landing page after sign-in, the language switch, and the health check."""

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import refresh
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from rollcall import page_forms
from rollcall.access import visible_homerooms
from rollcall.extensions import db
from rollcall.i18n import SUPPORTED_LOCALES
from rollcall.notify.health import current_scheduler
from rollcall.urls import local_path

bp = Blueprint("main", __name__)

# Each role's start page, provided by its area's blueprint.
START_PAGES = {"teacher": "checks.today", "office": "office.board", "admin": "admin.index"}


@bp.get("/")
@login_required
def home():
    """Where each role starts its day."""
    endpoint = START_PAGES.get(current_user.role)
    if endpoint in current_app.view_functions:
        return redirect(url_for(endpoint))
    return render_template("main/home.html", homerooms=visible_homerooms(current_user))


@bp.post("/language")
def set_language():
    """Remember the chosen interface language (for the session, and on the account).

    Pressed as a button of a page's form (page_forms: locale, next and form in the query), it
    brings that page back as typed, in the new language, when something is typed on it."""
    menu = request.args if "form" in request.args else request.form
    locale = menu.get("locale", "")
    if locale not in SUPPORTED_LOCALES:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        current_user.locale = locale
        db.session.commit()
    refresh()  # the page drawn again below speaks the new language
    next_page = local_path(menu.get("next"))
    kept = page_forms.kept_for_language(next_page, request.args.get("form"))
    return kept or redirect(next_page or url_for("main.home"))


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the site's root so that it may serve every page (scope /)."""
    script = Path(current_app.static_folder, "js", "sw.js").read_bytes()
    return current_app.response_class(script, mimetype="text/javascript", headers={
        "Service-Worker-Allowed": "/", "Cache-Control": "no-cache"})


@bp.get("/healthz")
def healthz():
    """200 with a JSON body when the database answers and a scheduler runs; 503 when the
    database does not answer or no scheduler has ticked within the limit."""
    try:
        db.session.execute(db.select(1))
        scheduler = current_scheduler()
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable", scheduler="unknown"), 503
    last_tick = scheduler.last_tick.isoformat() if scheduler.last_tick else None
    if scheduler.stale:
        return jsonify(status="error", database="ok", scheduler="stale",
                       last_tick=last_tick), 503
    return jsonify(status="ok", database="ok", scheduler="ok", last_tick=last_tick)
