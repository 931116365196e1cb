"""JSON API v1: tokens, the homerooms and students lists, reading and saving checks."""

import pytest

from rollcall.api import tokens
from rollcall.api.models import ApiToken
from rollcall.checks.models import Check, CheckEntry
from rollcall.extensions import db
from rollcall.models import AuditLog, User
from tests.checks_support import DAY, numbers, school_time, user

ROLES = ("teacher", "teacher2", "office", "admin", "other_office")


@pytest.fixture
def bearer(app, school):
    """Authorization headers for a role, through a real token."""
    made = {}

    def headers(role):
        if role not in made:
            with app.app_context():
                made[role] = tokens.create_token(user(school, role))
                db.session.commit()
        return {"Authorization": f"Bearer {made[role]}"}

    return headers


def url(school, tail="", key="room1"):
    return f"/api/v1/homerooms/{school.homeroom_ids[key]}{tail}"


def put(client, school, kind, body, headers, day=DAY, key="room1"):
    return client.put(url(school, f"/checks/{day.isoformat()}/{kind}", key), json=body,
                      headers=headers)


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_create_token_prints_a_token_and_stores_only_its_hash(app, runner, school):
    result = runner.invoke(args=["create-token", "t.wang"])
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("rc_")
    with app.app_context():
        row = db.session.scalar(db.select(ApiToken))
        assert token not in (row.token_hash, row.prefix) and len(row.token_hash) == 64
    assert app.test_client().get("/api/v1/homerooms", headers={
        "Authorization": f"Bearer {token}"}).status_code == 200


def test_create_token_for_an_unknown_user_fails_clearly(runner, school):
    result = runner.invoke(args=["create-token", "nobody"])
    assert result.exit_code == 1 and "no user named 'nobody'" in result.output


def test_revoked_tokens_stop_working(app, runner, client, school, bearer):
    headers = bearer("teacher")
    assert runner.invoke(args=["revoke-tokens", "t.wang"]).exit_code == 0
    assert client.get("/api/v1/homerooms", headers=headers).status_code == 401


def test_a_deactivated_users_token_stops_working(app, client, school, bearer):
    headers = bearer("teacher")
    with app.app_context():
        db.session.get(User, school.user_ids["teacher"]).active = False
        db.session.commit()
    assert client.get("/api/v1/homerooms", headers=headers).status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer rc_wrong", "Basic dTpw",
                                    "Bearer " + "x" * 300])
def test_requests_without_a_valid_token_get_401_json(client, school, header):
    response = client.get("/api/v1/homerooms",
                          headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_session_is_not_enough(login_as, school):
    assert login_as("teacher").get("/api/v1/homerooms").status_code == 401


def test_homerooms_lists_what_the_caller_may_see(client, school, bearer):
    mine = client.get("/api/v1/homerooms", headers=bearer("teacher")).json
    assert mine == [{"id": school.homeroom_ids["room1"], "name": "九年级1班", "grade": 9,
                     "students": 5}]
    office = client.get("/api/v1/homerooms", headers=bearer("office")).json
    assert [h["name"] for h in office] == ["九年级1班", "九年级2班"]


def test_students_in_seat_order(client, school, bearer):
    students = client.get(url(school, "/students"), headers=bearer("teacher")).json
    assert [s["seat"] for s in students] == [1, 2, 3, 4, 5]
    assert set(students[0]) == {"student_number", "name", "seat"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "tail"), [
    ("GET", "/students"), ("GET", "/checks/2027-03-02"), ("PUT", "/checks/2027-03-02/bag")])
def test_access_outside_the_callers_homerooms(app, client, school, bearer, role, method, tail):
    with school_time(7, 45):
        response = client.open(url(school, tail), method=method, headers=bearer(role),
                               json={"version": None, "entries": []})
    allowed = role in ("teacher", "office", "admin")
    assert response.status_code == (200 if allowed else 404), response.json
    with app.app_context():
        assert count(Check) == (1 if allowed and method == "PUT" else 0)


def test_every_status_of_every_check_round_trips(client, school, bearer, app):
    headers = bearer("teacher")
    with app.app_context():
        n = numbers(school)
    with school_time(17, 20):
        bag = put(client, school, "bag", {"version": None, "entries": [
            {"student_number": n[0], "status": "clear"},
            {"student_number": n[1], "status": "found", "category": "fire",
             "description": "打火机", "action": "kept_by_teacher"},
            {"student_number": n[2], "status": "not_checked"}]}, headers)
        attendance = put(client, school, "attendance", {"version": None, "entries": [
            {"student_number": n[0], "status": "present"},
            {"student_number": n[1], "status": "late", "arrived_at": "2027-03-02T08:15:00+08:00"},
            {"student_number": n[2], "status": "absent"},
            {"student_number": n[3], "status": "excused", "reason": "看病"}]}, headers)
        dismissal = put(client, school, "dismissal", {"version": None, "entries": [
            {"student_number": n[0], "status": "left"},
            {"student_number": n[1], "status": "on_campus", "location": "篮球场",
             "reason": "activity", "action": "校队训练"}]}, headers)
        day = client.get(url(school, "/checks/2027-03-02"), headers=headers).json
    assert [r.status_code for r in (bag, attendance, dismissal)] == [200, 200, 200]
    by_kind = {c["kind"]: {e["student_number"]: e for e in c["entries"]} for c in day["checks"]}
    assert by_kind["bag"][n[1]]["category"] == "fire"
    assert by_kind["bag"][n[2]]["status"] == "not_checked"
    assert by_kind["attendance"][n[1]]["arrived_at"] == "2027-03-02T00:15:00+00:00"
    assert by_kind["attendance"][n[3]]["reason"] == "看病"
    assert by_kind["dismissal"][n[1]]["location"] == "篮球场"
    assert n[2] not in by_kind["dismissal"] and n[3] not in by_kind["dismissal"]
    assert day["checks"][0]["submitted_by"] == {"username": "t.wang", "name": "王老师"}
    assert dismissal.json["campus_checked_at"] == "2027-03-02T09:20:00+00:00"


def test_checks_not_started_are_listed_as_such(client, school, bearer):
    day = client.get(url(school, "/checks/2027-03-02"), headers=bearer("teacher")).json
    assert [(c["kind"], c["status"], c["version"]) for c in day["checks"]] == [
        ("bag", "not_started", None), ("attendance", "not_started", None),
        ("dismissal", "not_started", None)]


def test_a_stale_version_gets_409_with_the_current_check(app, client, school, bearer):
    with app.app_context():
        n = numbers(school)
    with school_time(7, 50):
        first = put(client, school, "attendance", {"version": None, "entries": []},
                    bearer("teacher"))
        put(client, school, "attendance", {"version": 1, "entries": [
            {"student_number": n[0], "status": "absent"}]}, bearer("office"))
        stale = put(client, school, "attendance", {"version": first.json["version"], "entries": [
            {"student_number": n[1], "status": "absent"}]}, bearer("teacher"))
    assert stale.status_code == 409
    assert stale.json["current"]["version"] == 2
    assert stale.json["current"]["updated_by"]["username"] == "office.zhang"
    with app.app_context():
        absent = db.session.scalars(db.select(CheckEntry.status)).all()
        assert sorted(absent).count("absent") == 1


def test_identical_repeats_are_idempotent(app, client, school, bearer):
    with app.app_context():
        n = numbers(school)
    body = {"version": None, "entries": [{"student_number": n[0], "status": "late"}]}
    with school_time(8, 20):
        responses = [put(client, school, "attendance", body, bearer("teacher"))
                     for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert {r.json["version"] for r in responses} == {1}
    with app.app_context():
        assert count(Check) == 1 and count(CheckEntry) == 5
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog).where(
            AuditLog.action == "check.submit")) == 1


def test_changes_through_the_api_are_audited_per_entry(app, client, school, bearer):
    with app.app_context():
        n = numbers(school)
    with school_time(7, 55):
        put(client, school, "attendance", {"version": None, "entries": [
            {"student_number": n[0], "status": "absent"}]}, bearer("teacher"))
    with school_time(8, 40):
        saved = put(client, school, "attendance", {"version": 1, "entries": [
            {"student_number": n[0], "status": "late", "arrived_at": "08:40"}]},
            bearer("teacher"))
    assert saved.json["version"] == 2
    with app.app_context():
        change = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "check.entry"))
        assert change.before["status"] == "absent" and change.after["status"] == "late"
        assert change.actor.username == "t.wang" and change.object_type == "Check"


@pytest.mark.parametrize(("body", "field"), [
    ([], "body"),
    ({"entries": []}, "version"),
    ({"version": "1", "entries": []}, "version"),
    ({"version": True, "entries": []}, "version"),
    ({"version": None, "entries": {}}, "entries"),
    ({"version": None, "entries": [], "extra": 1}, "extra"),
    ({"version": None, "entries": [], "campus_checked": "yes"}, "campus_checked"),
    ({"version": None, "entries": ["x"]}, "entries[0]"),
    ({"version": None, "entries": [{"status": "present"}]}, "entries[0].student_number"),
    ({"version": None, "entries": [{"student_number": "N1", "status": "clear"}]},
     "entries[0].status"),
    ({"version": None, "entries": [{"student_number": "N1", "status": "late",
                                    "arrived_at": "soon"}]}, "entries[0].arrived_at"),
    ({"version": None, "entries": [{"student_number": "N1", "status": "present"},
                                   {"student_number": "N1", "status": "absent"}]},
     "entries[1].student_number"),
])
def test_invalid_bodies_get_422_with_field_errors_and_nothing_written(app, client, school,
                                                                      bearer, body, field):
    with app.app_context():
        first = numbers(school)[0]
    body = _replace(body, "N1", first)
    with school_time(8, 20):
        response = put(client, school, "attendance", body, bearer("teacher"))
    assert response.status_code == 422, response.json
    assert field in [e["field"] for e in response.json["errors"]]
    with app.app_context():
        assert count(Check) == 0 and count(AuditLog) == 1  # only the token's creation


def _replace(value, old, new):
    if isinstance(value, dict):
        return {k: _replace(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    return new if value == old else value


def test_a_body_that_is_not_json_gets_422(client, school, bearer):
    with school_time(8, 0):
        response = client.put(url(school, "/checks/2027-03-02/bag"), data="{not json",
                              headers=bearer("teacher") | {"Content-Type": "application/json"})
    assert response.status_code == 422


def test_a_student_of_another_class_gets_404_and_nothing_written(app, client, school, bearer):
    with app.app_context():
        other = numbers(school, "room2")[0]
    with school_time(8, 0):
        response = put(client, school, "attendance", {"version": None, "entries": [
            {"student_number": other, "status": "absent"}]}, bearer("teacher"))
    assert response.status_code == 404
    with app.app_context():
        assert count(Check) == 0


def test_a_future_date_gets_422_and_a_closed_day_403(client, school, bearer):
    with school_time(8, 0):
        future = put(client, school, "bag", {"version": None, "entries": []},
                     bearer("office"), day=DAY.replace(day=3))
        closed = put(client, school, "bag", {"version": None, "entries": []},
                     bearer("teacher"), day=DAY.replace(day=1, month=2))
    assert future.status_code == 422 and future.json["errors"][0]["field"] == "date"
    assert closed.status_code == 403


@pytest.mark.parametrize("tail", ["/checks/2027-02-30", "/checks/yesterday",
                                  "/checks/2027-03-02/lunch"])
def test_bad_dates_and_kinds_are_404_json(client, school, bearer, tail):
    response = client.open(url(school, tail), method="PUT" if tail.count("/") == 3 else "GET",
                           headers=bearer("teacher"), json={"version": None, "entries": []})
    assert response.status_code == 404 and "error" in response.json


def test_openapi_document_lists_every_enum(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    schemas = doc["components"]["schemas"]
    assert schemas["AttendanceStatus"]["enum"] == ["present", "late", "absent", "excused",
                                                  "left_after_bag"]
    assert schemas["BagStatus"]["enum"] == ["clear", "found", "not_checked"]
    assert schemas["DismissalStatus"]["enum"] == ["left", "on_campus", "not_found"]
    assert "knife" in schemas["FindingCategory"]["enum"]
    assert "handed_to_office" in schemas["FindingAction"]["enum"]
    assert "lingering" in schemas["DismissalReason"]["enum"]
    assert set(doc["paths"]) == {"/homerooms", "/homerooms/{homeroom_id}/students",
                                 "/homerooms/{homeroom_id}/checks/{date}",
                                 "/homerooms/{homeroom_id}/checks/{date}/bag",
                                 "/homerooms/{homeroom_id}/checks/{date}/attendance",
                                 "/homerooms/{homeroom_id}/checks/{date}/dismissal"}
    put_responses = doc["paths"]["/homerooms/{homeroom_id}/checks/{date}/bag"]["put"]
    assert {"200", "403", "404", "409", "422"} <= set(put_responses["responses"])
