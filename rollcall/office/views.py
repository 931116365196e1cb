"""The office's desk: today's board (and its self-refreshing fragment) and the searchable log."""

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from rollcall import clock
from rollcall.access import roles_required
from rollcall.cases import services as cases
from rollcall.exports import csv_download, wall_clock
from rollcall.models import Role
from rollcall.notify.health import texts_stopped
from rollcall.office import alerts, logs, services, weekly
from rollcall.office.forms import LogFilterForm
from rollcall.screening import services as screening

bp = Blueprint("office", __name__)
OFFICE_ROLES = (Role.OFFICE, Role.ADMIN)


def week_label(day: date) -> str:
    """The work log's URL segment (YYYY-Www) of the week holding day."""
    return weekly.week_label(day - timedelta(days=day.weekday()))


def check_url(homeroom_id: int, day: date, kind: str) -> str:
    """The check page of the checks area."""
    return url_for("checks.check_page", homeroom_id=homeroom_id, day=day.isoformat(), kind=kind)


def _board_context() -> dict:
    school = current_user.school
    board = services.build_board(school)
    standing = alerts.with_students(alerts.school_alerts(school, board.day))
    figure_links = {figure: url_for("office.log", **logs.figure_filters(figure, board.day))
                    for figure in logs.FIGURE_FILTERS}
    return {"board": board, "alerts": standing, "school": school, "figure_links": figure_links,
            "texts_stopped": texts_stopped(school, current_app.config),
            "open_cases": cases.open_cases(school.id),
            "office_conflicts": screening.for_the_office(school.id),
            "screening_week": screening.school_week(school, screening.week_start(board.day),
                                                    [homeroom for homeroom, _cells in board.rows]),
            "refreshed_at": clock.now(),
            "refresh_seconds": current_app.config.get("OFFICE_BOARD_REFRESH_SECONDS", 60)}


@bp.get("/office/")
@roles_required(*OFFICE_ROLES)
def board():
    """Today's board: which class has done which check, who is missing, what was found."""
    return render_template("office/board.html", **_board_context())


@bp.get("/office/board.fragment")
@roles_required(*OFFICE_ROLES)
def board_fragment():
    """The board's content alone, fetched every minute by office.js."""
    response = Response(render_template("office/_board.html", **_board_context()))
    response.headers["Cache-Control"] = "no-store"
    return response


def _log_form() -> tuple[LogFilterForm, logs.LogFilter | None]:
    form = LogFilterForm(request.args)
    form.set_homerooms(services.active_homerooms(current_user.school_id))
    if not form.validate():
        return form, None
    return form, logs.LogFilter(
        date_from=form.date_from.data, date_to=form.date_to.data,
        homeroom_id=form.homeroom.data, student=(form.student.data or "").strip(),
        kind=form.kind.data or "", status=form.status.data or "",
        category=form.category.data or "", dangerous=form.dangerous.data,
        everything=form.show.data == "all")


@bp.get("/office/log")
@roles_required(*OFFICE_ROLES)
def log():
    """The recorded entries, exceptions first (or everything), filtered, a page at a time."""
    form, filters = _log_form()
    if filters is None:
        return render_template("office/log.html", form=form, result=None), 400
    result = logs.log_page(current_user.school_id, filters, form.page.data or 1)
    return render_template("office/log.html", form=form, filters=filters, result=result)


@bp.get("/office/log.csv")
@roles_required(*OFFICE_ROLES)
def log_csv():
    """The log as on screen (same filters, same exceptions-or-everything view) as a CSV file for
    Excel (UTF-8 with BOM), streamed row batch by batch."""
    _form, filters = _log_form()
    if filters is None:
        abort(400)
    headers = [str(column) for column in logs.CSV_COLUMNS]
    zone = clock.school_zone(current_user.school)
    chunks = logs.csv_chunks(current_user.school_id, filters, headers, wall_clock(zone))
    return csv_download(
        chunks, f"rollcall-log-{clock.school_today(current_user.school).isoformat()}.csv")
