"""JSON API v1: homerooms, students and the three checks, with bearer-token auth.

The same services as the web pages (`rollcall.checks.services.save_check`): same rules, same
audit. Errors are JSON: {"error": code, "message": ..., "errors": [{"field", "message"}]}.
"""

from flask import Blueprint, abort, g, jsonify, request

from rollcall.access import can_see_homeroom, visible_homerooms
from rollcall.api import tokens
from rollcall.api.openapi import openapi_document
from rollcall.api.serialize import check_json, empty_check_json, row_conflict_json
from rollcall.checks import services
from rollcall.checks.models import CheckKind
from rollcall.checks.summary import DAY_ORDER
from rollcall.checks.validation import CheckInvalid, FieldError, UnknownStudents
from rollcall.checks.window import NotEditable
from rollcall.errors import MAX_ID
from rollcall.extensions import db
from rollcall.models import Homeroom
from rollcall.school_days import calendar_entry, school_day_by
from rollcall.teacher.views import parse_day

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUT_KEYS = {"version", "entries", "campus_checked"}
MAX_ENTRIES = 500


def error(status: int, code: str, message: str, errors=None, **extra):
    """A JSON error response."""
    body = {"error": code, "message": message} | extra
    if errors is not None:
        body["errors"] = errors
    return jsonify(body), status


# Errors raised here (abort(404, …)) become JSON in rollcall.errors, like every /api/ error.


@bp.before_request
def authenticate():
    """Every endpoint but the OpenAPI document needs `Authorization: Bearer <token>`."""
    if request.endpoint == "api.openapi":
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = tokens.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        response, status = error(401, "unauthorized", "a valid bearer token is needed")
        response.headers["WWW-Authenticate"] = 'Bearer realm="rollcall"'
        return response, status
    g.api_user = user
    return None


def _homeroom(homeroom_id: int) -> Homeroom:
    homeroom = db.session.get(Homeroom, homeroom_id)
    if not can_see_homeroom(g.api_user, homeroom):
        abort(404, "no such homeroom among yours")
    return homeroom


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document())


@bp.get("/homerooms")
def homerooms():
    """The homerooms the caller may see."""
    return jsonify([
        {"id": h.id, "name": h.name, "grade": h.grade,
         "students": sum(1 for s in h.students if s.active)}
        for h in visible_homerooms(g.api_user)])


@bp.get("/homerooms/<int:homeroom_id>/students")
def students(homeroom_id):
    """The active students of a homeroom in seat order."""
    homeroom = _homeroom(homeroom_id)
    return jsonify([{"student_number": s.student_number, "name": s.name, "seat": s.seat}
                    for s in homeroom.students if s.active])


@bp.get("/homerooms/<int:homeroom_id>/checks/<day>")
def day_checks(homeroom_id, day):
    """The three checks of a date with their entries (status not_started when not saved)."""
    homeroom = _homeroom(homeroom_id)
    day = parse_day(day)
    checks = []
    for kind in DAY_ORDER:
        check = services.find_check(homeroom.id, day, kind)
        checks.append(check_json(check) if check else empty_check_json(day, kind))
    entry = calendar_entry(homeroom.school, day)
    return jsonify({"homeroom_id": homeroom.id, "date": day.isoformat(),
                    "school_day": school_day_by(entry, day),
                    "calendar_name": entry.name if entry else None, "checks": checks})


@bp.put("/homerooms/<int:homeroom_id>/checks/<day>/<kind>")
def put_check(homeroom_id, day, kind):
    """Save one check; 409 on a stale version, 422 with field errors (nothing written)."""
    homeroom = _homeroom(homeroom_id)
    day = parse_day(day)
    if kind not in {k.value for k in CheckKind}:
        abort(404, "kind must be bag, attendance or dismissal")
    body = request.get_json(silent=True)
    problems = _body_problems(body)
    if problems:
        return error(422, "invalid", "the body is not valid", [p.as_dict() for p in problems])
    try:
        check = services.save_check(homeroom, day, kind, body["entries"], body.get("version"),
                                    g.api_user, campus_checked=body.get("campus_checked", True))
    except NotEditable as exc:
        if exc.future:
            return error(422, "invalid", str(exc.message),
                         [{"field": "date", "message": str(exc.message)}])
        return error(403, "forbidden", str(exc.message))
    except UnknownStudents as exc:
        return error(404, "unknown_students", "students not in this homeroom",
                     [{"field": "student_number", "message": n} for n in exc.numbers])
    except CheckInvalid as exc:
        return error(422, "invalid", "some entries are not valid",
                     [e.as_dict() for e in exc.errors])
    except services.RowConflicts as exc:
        return error(409, "conflict", "rows were changed by someone else since your read",
                     current=check_json(exc.check) if exc.check else None,
                     conflicts=[row_conflict_json(row) for row in exc.rows])
    except services.CheckConflict as exc:
        return error(409, "conflict", "the check was changed since your version",
                     current=check_json(exc.current) if exc.current else None)
    return jsonify(check_json(check))


def _body_problems(body) -> list[FieldError]:
    if not isinstance(body, dict):
        return [FieldError("body", "must be a JSON object")]
    problems = [FieldError(key, "unknown field") for key in body if key not in PUT_KEYS]
    version = body.get("version")
    if isinstance(version, float) and version.is_integer():
        body["version"] = version = int(version)  # JSON's 1.0 is the integer 1
    if version is not None and (type(version) is not int or not 1 <= version <= MAX_ID):
        problems.append(FieldError("version", "must be null or a positive integer"))
    if "version" not in body:
        problems.append(FieldError("version", "required (null for a new check)"))
    entries = body.get("entries")
    if not isinstance(entries, list):
        problems.append(FieldError("entries", "must be a list"))
    elif len(entries) > MAX_ENTRIES:
        problems.append(FieldError("entries", f"at most {MAX_ENTRIES} entries"))
    if type(body.get("campus_checked", True)) is not bool:
        problems.append(FieldError("campus_checked", "must be true or false"))
    return problems
