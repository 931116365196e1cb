"""The OpenAPI document says exactly what the API accepts and returns: it is a valid OpenAPI
3.1 document, each kind has its own entry schemas with enums, and real responses fit it."""

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from rollcall.api import tokens
from rollcall.checks.models import DismissalReason, FindingAction, FindingCategory
from rollcall.extensions import db
from tests.checks_support import DAY, homeroom, school_time, user

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

DOC_URI = "urn:rollcall:openapi"


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def schema_validator(document, name: str) -> Draft202012Validator:
    """A JSON Schema validator for one named component, resolving the document's $refs."""
    registry = Registry().with_resource(
        DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"{DOC_URI}#/components/schemas/{name}"},
                                registry=registry)


def problems(document, name, instance) -> list[str]:
    return [error.message for error in schema_validator(document, name).iter_errors(instance)]


def test_the_document_is_valid_openapi_3_1(document):
    validate(document)  # raises on any problem
    assert document["openapi"] == "3.1.0"


def test_each_kind_has_its_own_entry_schema_with_enums(document):
    schemas = document["components"]["schemas"]
    bag = schemas["BagEntryIn"]["properties"]
    assert bag["status"] == {"$ref": "#/components/schemas/BagStatus"}
    assert schemas["FindingAction"]["enum"] == [a.value for a in FindingAction]
    assert {"$ref": "#/components/schemas/FindingAction"} in bag["action"]["anyOf"]
    assert {"$ref": "#/components/schemas/FindingCategory"} in bag["category"]["anyOf"]
    assert schemas["FindingCategory"]["enum"] == [c.value for c in FindingCategory]
    dismissal = schemas["DismissalEntryIn"]["properties"]
    assert {"$ref": "#/components/schemas/DismissalReason"} in dismissal["reason"]["anyOf"]
    assert schemas["DismissalReason"]["enum"] == [r.value for r in DismissalReason]
    assert set(schemas["AttendanceEntryIn"]["properties"]) == {
        "student_number", "status", "arrived_at", "reason", "base"}
    assert "`kept_by_teacher`: Kept by a teacher" in schemas["DismissalReason"]["description"]


@pytest.mark.parametrize(("name", "entry", "fits"), [
    ("BagEntryIn", {"student_number": "1", "status": "found", "category": "knife",
                    "action": "handed_to_office"}, True),
    ("BagEntryIn", {"student_number": "1", "status": "found", "category": "knife",
                    "action": "threw it away"}, False),
    ("BagEntryIn", {"student_number": "1", "status": "found", "category": "knife"}, False),
    ("BagEntryIn", {"student_number": "1", "status": "late"}, False),
    ("AttendanceEntryIn", {"student_number": "1", "status": "late", "arrived_at": "08:05"},
     True),
    ("AttendanceEntryIn", {"student_number": "1", "status": "excused"}, False),
    ("AttendanceEntryIn", {"student_number": "1", "status": "absent", "category": "knife"},
     False),
    ("DismissalEntryIn", {"student_number": "1", "status": "on_campus", "location": "操场",
                          "reason": "kept_by_teacher"}, True),
    ("DismissalEntryIn", {"student_number": "1", "status": "on_campus", "location": "操场",
                          "reason": "handed_to_office"}, False),
])
def test_the_request_schemas_accept_what_the_api_accepts(app, school, client, document, name,
                                                         entry, fits):
    assert (problems(document, name, entry) == []) is fits
    kind = {"BagEntryIn": "bag", "AttendanceEntryIn": "attendance",
            "DismissalEntryIn": "dismissal"}[name]
    with app.app_context():
        number = homeroom(school).students[0].student_number
        token = tokens.create_token(user(school, "teacher"))
        db.session.commit()
    with school_time(17, 30):
        response = client.put(
            f"/api/v1/homerooms/{school.homeroom_ids['room1']}/checks/{DAY}/{kind}",
            json={"version": None, "entries": [entry | {"student_number": number}]},
            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == (200 if fits else 422), response.get_json()


def test_saved_responses_fit_the_document(app, school, client, document):
    with app.app_context():
        a, b = [s.student_number for s in homeroom(school).students[:2]]
        token = tokens.create_token(user(school, "teacher"))
        db.session.commit()
    base = f"/api/v1/homerooms/{school.homeroom_ids['room1']}/checks/{DAY}"
    headers = {"Authorization": f"Bearer {token}"}
    bodies = {
        "bag": {"version": None, "entries": [
            {"student_number": a, "status": "found", "category": "tobacco",
             "description": "香烟一包", "action": "kept_by_teacher"}]},
        "attendance": {"version": None, "entries": [
            {"student_number": b, "status": "late", "arrived_at": "07:55"}]},
        "dismissal": {"version": None, "campus_checked": True, "entries": [
            {"student_number": a, "status": "on_campus", "location": "操场",
             "reason": "activity", "action": "篮球训练"}]},
    }
    titles = {"bag": "Bag", "attendance": "Attendance", "dismissal": "Dismissal"}
    with school_time(17, 30):
        day = client.get(base, headers=headers).get_json()
        assert problems(document, "Check", day["checks"][0]) == []  # not started
        for kind, body in bodies.items():
            assert problems(document, f"{titles[kind]}CheckIn", body) == []
            response = client.put(f"{base}/{kind}", json=body, headers=headers)
            assert response.status_code == 200, response.get_json()
            assert problems(document, f"{titles[kind]}Check", response.get_json()) == []
        day = client.get(base, headers=headers).get_json()
        for check in day["checks"]:
            assert problems(document, "Check", check) == [], check["kind"]
        stale = client.put(f"{base}/bag", json={"version": None, "entries": [
            {"student_number": a, "status": "clear"}]}, headers=headers)
        invalid = client.put(f"{base}/bag", json={"version": 1, "entries": [
            {"student_number": a, "status": "found", "category": "gun", "action": "x"}]},
            headers=headers)
    assert stale.status_code == 409 and problems(document, "Error", stale.get_json()) == []
    assert invalid.status_code == 422 and problems(document, "Error", invalid.get_json()) == []
    # A schema that accepted anything would pass the above: this one does not.
    assert problems(document, "BagCheck", day["checks"][1]) != []
