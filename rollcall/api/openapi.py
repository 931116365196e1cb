"""The OpenAPI 3.1 document of API v1, built from the same enums the services validate with:
per check kind its own request and response entry, each choice a named enum."""

from flask_babel import force_locale

from rollcall import vocabulary
from rollcall.checks.models import (
    AttendanceStatus,
    BagStatus,
    CheckKind,
    DismissalReason,
    DismissalStatus,
    FindingAction,
    FindingCategory,
)
from rollcall.checks.validation import DETAILS, ENTRY_DETAIL_LIMIT


def _values(enum) -> list[str]:
    return [member.value for member in enum]


def _text(description: str) -> dict:
    return {"type": ["string", "null"], "maxLength": ENTRY_DETAIL_LIMIT, "description": description}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(name: str) -> dict:
    return {"anyOf": [_ref(name), {"type": "null"}]}


def _enum_schema(enum_class) -> dict:
    """A named enum with each code's English words (the vocabulary's) as its description."""
    with force_locale("en"):
        words = "; ".join(f"`{m.value}`: {vocabulary.name(m)}" for m in enum_class)
    return {"type": "string", "enum": _values(enum_class), "description": words}


def _required_when(status, *names) -> dict:
    return {"if": {"properties": {"status": {"const": str(status)}}, "required": ["status"]},
            "then": {"required": list(names)}}


ARRIVAL = {"anyOf": [{"type": "string", "format": "date-time"},
                     {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
                     {"type": "null"}],
           "description": "late: the arrival (ISO 8601, or HH:MM school time) on the check's "
                          "day. Left out: now on today's check, 'time not recorded' on "
                          "another day (never the time of the save)."}
# Per kind: (status enum, {field: schema}, the details each status requires).
KIND_FIELDS = {
    CheckKind.BAG: ("BagStatus", {
        "category": _nullable("FindingCategory") | {"description": "found: what (required)"},
        "description": _text("found: what was found"),
        "action": _nullable("FindingAction")
        | {"description": "found: where the item went (required)"},
    }, [_required_when(BagStatus.FOUND, "category", "action")]),
    CheckKind.ATTENDANCE: ("AttendanceStatus", {
        "arrived_at": ARRIVAL,
        "reason": _text("excused: the reason (required)"),
    }, [_required_when(AttendanceStatus.EXCUSED, "reason")]),
    CheckKind.DISMISSAL: ("DismissalStatus", {
        "location": _text("on_campus: where (required)"),
        "reason": _nullable("DismissalReason") | {"description": "on_campus: why (required)"},
        "action": _text("on_campus: what was done"),
    }, [_required_when(DismissalStatus.ON_CAMPUS, "location", "reason")]),
}
LEFT_AFTER_BAG_NOTE = (
    f". `{AttendanceStatus.LEFT_AFTER_BAG.value}` (left after morning reading) is accepted only "
    "for a student the day's bag check saw (`clear` or `found`; else 422), keeps the bag "
    "check's row, leaves the student out of the dismissal sweep, and texts the family at the "
    "next send pass")
TITLE = {CheckKind.BAG: "Bag", CheckKind.ATTENDANCE: "Attendance",
         CheckKind.DISMISSAL: "Dismissal"}


def _kind_schemas(kind: CheckKind) -> dict:
    """EntryIn, Entry, CheckIn and Check of one kind."""
    status, fields, rules = KIND_FIELDS[kind]
    name = TITLE[kind]
    entry = {"type": "object", "properties": {
        "student_number": {"type": "string"}, "name": {"type": "string"},
        "seat": {"type": ["integer", "null"]}, "status": _ref(status),
        "status_since": {"type": "string", "format": "date-time"},
        **{detail: fields.get(detail, {"type": "null"}) for detail in DETAILS}},
        "required": ["student_number", "status", *DETAILS]}
    entry["properties"]["arrived_at"] = (
        {"type": ["string", "null"], "format": "date-time"} if kind == CheckKind.ATTENDANCE
        else {"type": "null"})
    entry_in = {
        "type": "object", "required": ["student_number", "status"],
        "additionalProperties": False,
        "properties": {"student_number": {"type": "string", "minLength": 1},
                       "status": _ref(status), **fields,
                       "base": {"anyOf": [_ref(f"{name}Entry"), {"type": "null"}],
                                "description": "optional: the entry as you read it (null: "
                                               "none). Given on every entry, the save merges "
                                               "per row: your unchanged rows are left alone, "
                                               "rows nobody else changed are saved whatever "
                                               "the version, a row both changed is a 409 "
                                               "listing `conflicts`."}},
        "allOf": rules,
    }
    check_in = {
        "type": "object", "required": ["version", "entries"], "additionalProperties": False,
        "properties": {
            "version": {"type": ["integer", "null"], "minimum": 1, "maximum": 2**31 - 1,
                        "description": "null to create; else the version you read (not "
                                       "checked when every entry has its base)"},
            "entries": {"type": "array", "maxItems": 500, "items": _ref(f"{name}EntryIn"),
                        "description": "students left out keep their saved entry, or get "
                                       "the default on a new check"},
        } | ({"campus_checked": {"type": "boolean", "default": True,
                                 "description": "classroom and campus checked"}}
             if kind == CheckKind.DISMISSAL else {}),
    }
    check = {"type": "object", "required": ["kind", "date", "status", "version", "entries"],
             "properties": {
                 "kind": {"type": "string", "const": kind.value},
                 "date": {"type": "string", "format": "date"},
                 "status": {"type": "string", "enum": ["submitted", "not_started"]},
                 "version": {"type": ["integer", "null"]},
                 "submitted_at": {"type": ["string", "null"], "format": "date-time"},
                 "submitted_by": _ref("User"),
                 "updated_at": {"type": ["string", "null"], "format": "date-time"},
                 "updated_by": _ref("User"),
                 "campus_checked_at": {"type": ["string", "null"], "format": "date-time"},
                 # The last save: the phone's time of the tap as sent (the times above are
                 # that time when plausible) and when the server received it.
                 "recorded_on_phone_at": {"type": ["string", "null"], "format": "date-time"},
                 "received_at": {"type": ["string", "null"], "format": "date-time"},
                 "entries": {"type": "array", "items": _ref(f"{name}Entry")}}}
    return {f"{name}EntryIn": entry_in, f"{name}Entry": entry, f"{name}CheckIn": check_in,
            f"{name}Check": check}


ENUMS = (CheckKind, AttendanceStatus, BagStatus, DismissalStatus, FindingCategory,
         FindingAction, DismissalReason)


def _schemas() -> dict:
    schemas = {enum_class.__name__: _enum_schema(enum_class) for enum_class in ENUMS}
    schemas["AttendanceStatus"]["description"] += LEFT_AFTER_BAG_NOTE
    for kind in CheckKind:
        schemas |= _kind_schemas(kind)
    return schemas | {
        "Check": {"oneOf": [_ref(f"{TITLE[kind]}Check") for kind in CheckKind],
                  "discriminator": {"propertyName": "kind", "mapping": {
                      kind.value: f"#/components/schemas/{TITLE[kind]}Check"
                      for kind in CheckKind}}},
        "User": {"type": ["object", "null"], "properties": {
            "username": {"type": "string"}, "name": {"type": "string"}}},
        "Error": {"type": "object", "required": ["error", "message"], "properties": {
            "error": {"type": "string"}, "message": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {
                "field": {"type": "string"}, "message": {"type": "string"}}}},
            "current": {"anyOf": [_ref("Check"), {"type": "null"}]},
            "conflicts": {"type": "array", "items": {
                "type": "object", "required": ["student_number", "yours", "saved"],
                "properties": {"student_number": {"type": "string"},
                               "yours": {"type": "object"}, "saved": {"type": "object"},
                               "changed_by": {"type": "string"}}}}}},
    }


HOMEROOM_ID = {"name": "homeroom_id", "in": "path", "required": True,
               "schema": {"type": "integer"}}
DATE = {"name": "date", "in": "path", "required": True,
        "schema": {"type": "string", "format": "date"}}
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
} | {
    f"/homerooms/{{homeroom_id}}/checks/{{date}}/{kind.value}": {"put": {
        "summary": f"Save the {kind.value} check (create with version null, else the version "
                   "you read)",
        "operationId": f"put{TITLE[kind]}Check",
        "parameters": [HOMEROOM_ID, DATE],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": _ref(f"{TITLE[kind]}CheckIn")}}},
        "responses": _ok(_ref(f"{TITLE[kind]}Check"), "saved (or unchanged)")
        | DENIED | {"403": _error("the day is closed for this user"),
                    "409": _error("stale version (`current` is what is saved), or rows "
                                  "changed by someone else (`conflicts`)"),
                    "422": _error("invalid body or entries; nothing was written")}}}
    for kind in CheckKind
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
                       "schemas": _schemas()},
        "paths": PATHS,
    }
