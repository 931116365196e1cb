"""Property test over the OpenAPI document, as schemathesis runs it: requests generated from
each operation's documented parameters and body, sent with a teacher's and an office token;
no answer may be a 5xx, every status must be documented, every body must match its schema."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from rollcall.api import tokens
from rollcall.api.openapi import openapi_document
from rollcall.extensions import db
from tests.checks_support import DAY, numbers, school_time, user

DOCUMENT = openapi_document()
COMPONENTS = DOCUMENT["components"]["schemas"]
OPERATIONS = [(path, method) for path, item in DOCUMENT["paths"].items() for method in item]
EXAMPLES_PER_OPERATION = 40  # per role: the whole run stays well under a minute
# Any JSON at all, for the requests that break the schema on purpose (as schemathesis's
# negative mode does): an object where a string goes, a list in `base`, a bare number.
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=3),
    max_leaves=8)


def inline(schema):
    """The schema with every #/components/schemas/ reference written out in place."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return inline(COMPONENTS[schema["$ref"].rsplit("/", 1)[1]])
        return {key: inline(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [inline(value) for value in schema]
    return schema


def from_schema(schema: dict):
    """Values a JSON schema (the subset the document uses) allows, edge cases included.

    hypothesis-jsonschema would do this, but its releases lag behind Hypothesis's internals.
    """
    for choice in ("oneOf", "anyOf"):
        if choice in schema:
            return st.one_of([from_schema(option) for option in schema[choice]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    types = schema.get("type", "object")
    if isinstance(types, list):
        return st.one_of([from_schema({**schema, "type": kind}) for kind in types])
    if types == "null":
        return st.none()
    if types == "boolean":
        return st.booleans()
    if types == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if types == "string":
        return _strings(schema)
    if types == "array":
        return st.lists(from_schema(schema.get("items", {})),
                        max_size=min(schema.get("maxItems", 5), 5))
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {name: from_schema(sub) for name, sub in properties.items() if name in required},
        optional={name: from_schema(sub) for name, sub in properties.items()
                  if name not in required})


def _strings(schema: dict):
    if schema.get("format") == "date":
        return st.dates().map(lambda day: day.isoformat())
    if schema.get("format") == "date-time":
        return st.datetimes(timezones=st.timezones()).map(lambda at: at.isoformat())
    return st.text(min_size=schema.get("minLength", 0),
                   max_size=min(schema.get("maxLength", 40), 40))


@pytest.fixture
def callers(app, school):
    """Bearer headers of a homeroom teacher and of the office, and the real ids to aim at."""
    with app.app_context():
        made = {role: {"Authorization": f"Bearer {tokens.create_token(user(school, role))}"}
                for role in ("teacher", "office")}
        db.session.commit()
        real = {"homeroom_id": list(school.homeroom_ids.values()),
                "student_number": numbers(school) + numbers(school, "room2")}
    return made, real


def _parameter(spec, real):
    """A documented path parameter: often a real one, else anything its schema allows."""
    generated = from_schema(inline(spec["schema"]))
    if spec["name"] == "homeroom_id":
        return st.one_of(st.sampled_from(real["homeroom_id"]), generated)
    if spec["name"] == "date":
        near = st.integers(-10, 3).map(lambda days: (DAY + timedelta(days=days)).isoformat())
        return st.one_of(near, generated)
    return generated


def _with_real_students(body, real, picks):
    """Point generated entries at real students now and then, so saves get through too."""
    if not isinstance(body, dict) or not isinstance(body.get("entries"), list):
        return body
    for entry, pick in zip(body["entries"], picks, strict=False):
        if isinstance(entry, dict) and pick is not None:
            entry["student_number"] = real["student_number"][pick % len(real["student_number"])]
    return body


@st.composite
def requests(draw, path, method, real):
    operation = DOCUMENT["paths"][path][method]
    url = path
    for spec in operation.get("parameters", []):
        value = draw(_parameter(spec, real))
        url = url.replace("{" + spec["name"] + "}", str(value))
    body = None
    if "requestBody" in operation:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        body = draw(from_schema(inline(schema)))
        picks = draw(st.lists(st.one_of(st.none(), st.integers(0, 50)), max_size=10))
        body = _with_real_students(body, real, picks)
        if draw(st.booleans()):
            body = draw(_broken(body, schema))
    return url, body


def _broken(body, schema):
    """The body with some of its values (or itself) replaced by any JSON: a field of the wrong
    type, an entry that is not an object, a property the schema does not name."""
    names = sorted(inline(schema).get("properties", {}))
    entry_names = sorted(inline(schema).get("properties", {}).get("entries", {})
                         .get("items", {}).get("properties", {}))

    @st.composite
    def broken(draw):
        if not isinstance(body, dict) or draw(st.integers(0, 9)) == 0:
            return draw(ANY_JSON)
        changed = dict(body)
        for name in draw(st.lists(st.sampled_from(names + ["unknown"]), max_size=2)):
            changed[name] = draw(ANY_JSON)
        entries = changed.get("entries")
        if isinstance(entries, list) and entries and entry_names:
            entries = [dict(entry) if isinstance(entry, dict) else entry for entry in entries]
            if draw(st.booleans()):  # a base on every entry: the save merges per row
                for entry in entries:
                    if isinstance(entry, dict):
                        entry.setdefault("base", draw(st.none() | ANY_JSON))
            target = entries[draw(st.integers(0, len(entries) - 1))]
            if isinstance(target, dict):
                # The key every row is found by is broken most often.
                for name in draw(st.lists(st.sampled_from(entry_names + ["student_number"] * 4),
                                          min_size=1, max_size=3)):
                    target[name] = draw(ANY_JSON)
            changed["entries"] = entries
        return changed

    return broken()


def check_response(path, method, response):
    documented = DOCUMENT["paths"][path][method]["responses"]
    assert response.status_code < 500, (response.status_code, response.get_data(as_text=True))
    assert str(response.status_code) in documented, (
        f"{method.upper()} {path}: undocumented {response.status_code} {response.json}")
    assert response.is_json
    schema = documented[str(response.status_code)]["content"]["application/json"]["schema"]
    errors = sorted(Draft202012Validator(inline(schema)).iter_errors(response.json), key=str)
    assert not errors, (response.status_code, [error.message for error in errors][:3])


@pytest.mark.parametrize("role", ["teacher", "office"])
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_every_operation_answers_as_documented(app, callers, role, path, method):
    headers, real = callers
    client = app.test_client()
    prefix = DOCUMENT["servers"][0]["url"]

    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(request=requests(path, method, real))
    def run(request):
        url, body = request
        with school_time(17, 30):
            response = client.open(prefix + url, method=method.upper(), json=body,
                                   headers=headers[role])
        check_response(path, method, response)

    run()
