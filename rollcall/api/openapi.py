"""The OpenAPI 3 document of API v1, built from the same enums the services validate with."""

from rollcall.checks.models import (
    AttendanceStatus,
    BagStatus,
    CheckKind,
    DismissalReason,
    DismissalStatus,
    FindingAction,
    FindingCategory,
)
from rollcall.checks.validation import TEXT_LIMIT


def _values(enum) -> list[str]:
    return [member.value for member in enum]


def _text(description: str) -> dict:
    return {"type": ["string", "null"], "maxLength": TEXT_LIMIT, "description": description}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


ENTRY_IN = {
    "type": "object", "required": ["student_number", "status"], "additionalProperties": False,
    "properties": {
        "student_number": {"type": "string", "minLength": 1},
        "status": {"type": "string", "enum": [
            *_values(AttendanceStatus), *_values(BagStatus), *_values(DismissalStatus)],
            "description": "attendance: " + "|".join(_values(AttendanceStatus))
            + "; bag: " + "|".join(_values(BagStatus))
            + "; dismissal: " + "|".join(_values(DismissalStatus))},
        "arrived_at": {"type": ["string", "null"], "format": "date-time",
                       "description": "attendance late: arrival (ISO 8601, or HH:MM school "
                                      "time); default now"},
        "reason": {"type": ["string", "null"], "maxLength": TEXT_LIMIT,
                   "description": "attendance excused: the reason (required); dismissal "
                                  "on_campus: one of " + ", ".join(_values(DismissalReason))},
        "category": {"type": ["string", "null"], "enum": [*_values(FindingCategory), None],
                     "description": "bag found (required)"},
        "description": _text("bag found: what was found"),
        "action": {"type": ["string", "null"], "maxLength": TEXT_LIMIT,
                   "description": "bag found: one of " + ", ".join(_values(FindingAction))
                   + " (required); dismissal on_campus: what was done (free text)"},
        "location": _text("dismissal on_campus: where (required)"),
    },
}
SCHEMAS = {
    "CheckKind": {"type": "string", "enum": _values(CheckKind)},
    "AttendanceStatus": {"type": "string", "enum": _values(AttendanceStatus)},
    "BagStatus": {"type": "string", "enum": _values(BagStatus)},
    "DismissalStatus": {"type": "string", "enum": _values(DismissalStatus)},
    "FindingCategory": {"type": "string", "enum": _values(FindingCategory)},
    "FindingAction": {"type": "string", "enum": _values(FindingAction)},
    "DismissalReason": {"type": "string", "enum": _values(DismissalReason)},
    "EntryIn": ENTRY_IN,
    "CheckIn": {
        "type": "object", "required": ["version", "entries"], "additionalProperties": False,
        "properties": {
            "version": {"type": ["integer", "null"], "minimum": 1, "maximum": 2**31 - 1,
                        "description": "null to create; else the version you read"},
            "entries": {"type": "array", "maxItems": 500,
                        "items": {"$ref": "#/components/schemas/EntryIn"},
                        "description": "students left out keep their saved entry, or get "
                                       "the default on a new check"},
            "campus_checked": {"type": "boolean", "default": True,
                               "description": "dismissal: classroom and campus checked"},
        },
    },
    "User": {"type": ["object", "null"],
             "properties": {"username": {"type": "string"}, "name": {"type": "string"}}},
    "EntryOut": {"type": "object", "properties": {
        "student_number": {"type": "string"}, "name": {"type": "string"},
        "seat": {"type": ["integer", "null"]}, "status": {"type": "string"},
        "status_since": {"type": "string", "format": "date-time"},
        **{key: ENTRY_IN["properties"][key] for key in
           ("arrived_at", "reason", "category", "description", "action", "location")}}},
    "Check": {"type": "object", "properties": {
        "kind": {"$ref": "#/components/schemas/CheckKind"},
        "date": {"type": "string", "format": "date"},
        "status": {"type": "string", "enum": ["submitted", "not_started"]},
        "version": {"type": ["integer", "null"]},
        "submitted_at": {"type": ["string", "null"], "format": "date-time"},
        "submitted_by": {"$ref": "#/components/schemas/User"},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
        "updated_by": {"$ref": "#/components/schemas/User"},
        "campus_checked_at": {"type": ["string", "null"], "format": "date-time"},
        "entries": {"type": "array", "items": {"$ref": "#/components/schemas/EntryOut"}}}},
    "Error": {"type": "object", "required": ["error", "message"], "properties": {
        "error": {"type": "string"}, "message": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}}}},
        "current": {"oneOf": [{"$ref": "#/components/schemas/Check"}, {"type": "null"}]}}},
}
HOMEROOM_ID = {"name": "homeroom_id", "in": "path", "required": True,
               "schema": {"type": "integer"}}
DATE = {"name": "date", "in": "path", "required": True,
        "schema": {"type": "string", "format": "date"}}
KIND = {"name": "kind", "in": "path", "required": True,
        "schema": {"$ref": "#/components/schemas/CheckKind"}}
DENIED = {"401": _error("no valid bearer token"),
          "404": _error("not one of the caller's homerooms")}


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"200": {"description": description,
                    "content": {"application/json": {"schema": schema}}}}


PATHS = {
    "/homerooms": {"get": {"summary": "The homerooms visible to the caller", "responses": _ok(
        {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"},
            "grade": {"type": ["integer", "null"]}, "students": {"type": "integer"}}}})
        | {"401": DENIED["401"]}}},
    "/homerooms/{homeroom_id}/students": {"get": {
        "summary": "A homeroom's students in seat order", "parameters": [HOMEROOM_ID],
        "responses": _ok({"type": "array", "items": {"type": "object", "properties": {
            "student_number": {"type": "string"}, "name": {"type": "string"},
            "seat": {"type": ["integer", "null"]}}}}) | DENIED}},
    "/homerooms/{homeroom_id}/checks/{date}": {"get": {
        "summary": "The three checks of a date", "parameters": [HOMEROOM_ID, DATE],
        "responses": _ok({"type": "object", "properties": {
            "homeroom_id": {"type": "integer"}, "date": {"type": "string", "format": "date"},
            "school_day": {"type": "boolean", "description":
                           "Checks are due: Monday to Friday unless the school calendar says "
                           "otherwise (a holiday, or a make-up school day)"},
            "calendar_name": {"type": ["string", "null"],
                              "description": "The holiday or make-up day, if the calendar "
                                             "marks this date"},
            "checks": {"type": "array", "items": {"$ref": "#/components/schemas/Check"}}}})
        | DENIED}},
    "/homerooms/{homeroom_id}/checks/{date}/{kind}": {"put": {
        "summary": "Save one check (create with version null, else the version you read)",
        "parameters": [HOMEROOM_ID, DATE, KIND],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/CheckIn"}}}},
        "responses": _ok({"$ref": "#/components/schemas/Check"}, "saved (or unchanged)")
        | DENIED | {"403": _error("the day is closed for this user"),
                    "409": _error("stale version; `current` is what is saved"),
                    "422": _error("invalid body or entries; nothing was written")}}},
}


def openapi_document() -> dict:
    """The whole document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Rollcall API", "version": "1",
                 "description": "The teacher's three daily checks. Send "
                                "`Authorization: Bearer <token>` (flask --app rollcall "
                                "create-token USERNAME)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": SCHEMAS},
        "paths": PATHS,
    }
