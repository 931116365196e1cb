"""Hostile and oversized input: a clear 4xx (JSON under /api/, the app's page elsewhere),
never a 500, and nothing written."""

import io
import json
from urllib.parse import urlencode

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from rollcall.api import tokens
from rollcall.checks.models import Check
from rollcall.extensions import db
from tests.checks_support import DAY, numbers, school_time, user
from tests.factories import PASSWORD

BIG = str(2**31)
HUGE = str(10**30)


@pytest.fixture
def bearer(app, school):
    with app.app_context():
        token = tokens.create_token(user(school, "teacher"))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def checks_stored(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Check))


def put_attendance(client, school, headers, body=None, data=None):
    path = f"/api/v1/homerooms/{school.homeroom_ids['room1']}/checks/{DAY}/attendance"
    if data is not None:
        return client.put(path, data=data, headers={**headers,
                                                    "Content-Type": "application/json"})
    return client.put(path, json=body, headers=headers)


@pytest.mark.parametrize("status", [["absent"], {"a": 1}, 7, None])
def test_a_status_that_is_not_a_string_gets_422(app, client, school, bearer, status):
    with app.app_context():
        number = numbers(school)[0]
    with school_time(8, 20):
        response = put_attendance(client, school, bearer, {
            "version": None, "entries": [{"student_number": number, "status": status}]})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "entries[0].status"
    assert checks_stored(app) == 0


@pytest.mark.parametrize("value", ["看\x00病", {"text": "看病"}, ["看病"]])
def test_a_nul_byte_or_a_structure_in_a_text_field_gets_422(app, client, school, bearer,
                                                            value):
    with app.app_context():
        number = numbers(school)[0]
    with school_time(8, 20):
        response = put_attendance(client, school, bearer, {
            "version": None,
            "entries": [{"student_number": number, "status": "excused", "reason": value}]})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "entries[0].reason"
    assert checks_stored(app) == 0


def test_json_nested_100000_deep_gets_a_json_4xx(app, client, school, bearer):
    with school_time(8, 20):
        response = put_attendance(client, school, bearer,
                                  data="[" * 100_000 + "]" * 100_000)
    assert response.status_code == 422
    assert response.json["error"] == "invalid"
    assert checks_stored(app) == 0


@pytest.mark.parametrize("path", [
    f"/api/v1/homerooms/{BIG}/students", f"/api/v1/homerooms/{HUGE}/checks/{DAY}",
    f"/api/v1/homerooms/{BIG}/checks/{DAY}", "/api/v1/no-such-thing", "/api/nope",
])
def test_api_paths_beyond_the_id_range_or_matching_nothing_get_json_404(client, bearer, path):
    response = client.get(path, headers=bearer)
    assert response.status_code == 404
    assert response.is_json and response.json["error"] == "not_found"


def test_a_wrong_method_on_the_api_gets_json_405_with_allow(client, bearer):
    response = client.post("/api/v1/homerooms", headers=bearer)
    assert response.status_code == 405 and response.is_json
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_a_wrong_method_on_a_page_gets_the_apps_page_with_allow(client, school):
    response = client.put("/login")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert "<html" in response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "path"), [
    ("office", f"/office/students/{BIG}"),
    ("office", f"/office/homerooms/{HUGE}/week"),
    ("office", "/office/homerooms/{room1}/week/9999-W52"),
    ("office", "/office/homerooms/{room1}/week/0001-W01"),
    ("admin", f"/admin/homerooms/{BIG}"),
])
def test_pages_beyond_range_get_the_apps_404(login_as, school, role, path):
    response = login_as(role).get(path.format(room1=school.homeroom_ids["room1"]))
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", [f"page={HUGE}", f"homeroom={BIG}", f"homeroom={HUGE}",
                                   f"page={BIG}&homeroom={BIG}"])
def test_query_numbers_beyond_range_never_give_500(login_as, query):
    client = login_as("admin")
    for path in ("/admin/students", "/admin/homerooms", "/admin/guardians"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, response.status_code)


@pytest.mark.parametrize("query", [f"page={HUGE}", f"homeroom={BIG}", f"homeroom={HUGE}"])
def test_office_log_numbers_beyond_range_never_give_500(login_as, query):
    response = login_as("office").get(f"/office/log?{query}")
    assert response.status_code in (200, 400)


def test_an_unauthenticated_3_gb_sign_in_gets_413_before_the_body_is_read(client):
    # Content-Length says 3 GB but only a few bytes follow: reading the body would fail.
    response = client.post("/login", data=b"username=x&password=y",
                           content_type="application/x-www-form-urlencoded",
                           environ_overrides={"CONTENT_LENGTH": str(3 * 1024**3)})
    assert response.status_code == 413
    assert "<html" in response.get_data(as_text=True)


def test_a_300_mib_json_body_gets_json_413_before_it_is_read(app, client, school, bearer):
    path = f"/api/v1/homerooms/{school.homeroom_ids['room1']}/checks/{DAY}/attendance"
    response = client.put(path, data=b"{}", content_type="application/json", headers=bearer,
                          environ_overrides={"CONTENT_LENGTH": str(300 * 1024**2)})
    assert response.status_code == 413 and response.json["error"] == "request_entity_too_large"
    assert checks_stored(app) == 0


def test_sign_in_takes_a_small_body_only(client, school):
    response = client.post("/login", data={"username": "t.wang", "password": "x" * 20_000})
    assert response.status_code == 413


def upload(client, content: bytes):
    """POST a roster file, the multipart body built in memory (the test client would spool
    a big one to a temporary file that a refused request never reads or closes)."""
    boundary, body = encode_multipart(MultiDict({
        "file": FileStorage(io.BytesIO(content), filename="roster.csv"), "dry_run": "y"}))
    return client.post("/admin/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_the_roster_upload_keeps_the_roster_limit(make_app, school):
    app = make_app(ROSTER_MAX_FILE_BYTES=3 * 1024 * 1024)
    client = app.test_client()
    client.post("/login", data={"username": school.usernames["admin"],
                                "password": PASSWORD})
    big = b"student_number,name\n" + b"x" * (2 * 1024 * 1024)  # over the default 1 MiB
    response = upload(client, big)
    assert response.status_code in (200, 422)  # read and judged, not refused for its size
    assert b"<html" in response.data
    assert upload(client, b"x" * (4 * 1024 * 1024)).status_code == 413


def test_a_post_to_an_ordinary_page_over_the_default_limit_gets_413(login_as):
    body = urlencode({"current_password": "x" * (2 * 1024 * 1024)}).encode()
    response = login_as("teacher").post("/account/password", data=body,
                                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413


def test_json_error_bodies_parse(client):
    response = client.get("/api/v1/homerooms")
    assert json.loads(response.get_data(as_text=True))["error"] == "unauthorized"


def test_version_1_0_is_the_integer_1_as_the_document_says(app, client, school, bearer):
    with app.app_context():
        number = numbers(school)[0]
    entries = [{"student_number": number, "status": "present"}]
    with school_time(8, 20):
        assert put_attendance(client, school, bearer,
                              {"version": None, "entries": entries}).status_code == 200
        entries[0]["status"] = "absent"
        response = put_attendance(client, school, bearer, {"version": 1.0, "entries": entries})
    assert response.status_code == 200 and response.json["version"] == 2


@pytest.mark.parametrize("version", [1.5, 2**31, True, "1"])
def test_a_version_that_is_no_integer_in_range_gets_422(app, client, school, bearer, version):
    with school_time(8, 20):
        response = put_attendance(client, school, bearer, {"version": version, "entries": []})
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["version"]


def test_an_empty_student_number_gets_422_as_the_document_says(app, client, school, bearer):
    from rollcall.api.openapi import openapi_document

    schemas = openapi_document()["components"]["schemas"]
    for kind in ("Bag", "Attendance", "Dismissal"):
        assert schemas[f"{kind}EntryIn"]["properties"]["student_number"]["minLength"] == 1
    with school_time(8, 20):
        response = put_attendance(client, school, bearer, {
            "version": None, "entries": [{"student_number": "", "status": "present"}]})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "entries[0].student_number"
    assert checks_stored(app) == 0


@pytest.fixture
def office_bearer(app, school):
    with app.app_context():
        token = tokens.create_token(user(school, "office"))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("day", ["1000-06-15", "1899-12-31", "1999-12-31"])
def test_the_office_cannot_record_checks_for_absurd_dates(app, client, school, office_bearer,
                                                         login_as, day):
    path = f"/api/v1/homerooms/{school.homeroom_ids['room1']}/checks/{day}/attendance"
    with school_time(8, 20):
        response = client.put(path, json={"version": None, "entries": []},
                              headers=office_bearer)
        page = login_as("office").get(
            f"/homerooms/{school.homeroom_ids['room1']}/checks/{day}/attendance")
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "date"
    assert page.status_code == 404
    assert checks_stored(app) == 0


def test_the_office_cannot_record_checks_before_the_schools_first_term(app, client, school,
                                                                      office_bearer):
    from rollcall.models import School

    with app.app_context():
        db.session.get(School, school.school_id).settings = {"first_term_start": "2026-09-01"}
        db.session.commit()
    room = school.homeroom_ids["room1"]
    with school_time(8, 20):
        before = client.put(f"/api/v1/homerooms/{room}/checks/2026-08-31/attendance",
                            json={"version": None, "entries": []}, headers=office_bearer)
        first = client.put(f"/api/v1/homerooms/{room}/checks/2026-09-01/attendance",
                           json={"version": None, "entries": []}, headers=office_bearer)
    assert before.status_code == 422 and "2026-09-01" in before.json["message"]
    assert first.status_code == 200
    assert checks_stored(app) == 1


def test_a_nul_byte_in_a_form_field_gets_400_and_writes_nothing(app, login_as):
    from rollcall.models import Homeroom

    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Homeroom))
    response = login_as("admin").post("/admin/homerooms/new",
                                      data={"name": "九年级\x004班", "grade": "9"})
    assert response.status_code == 400 and "<html" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Homeroom)) == before


def test_a_nul_byte_in_a_query_gets_400(login_as):
    assert login_as("office").get("/office/log?student=%00x").status_code == 400
