"""Property: whatever malformed body is PUT, the API answers 4xx and writes nothing."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollcall.api import tokens
from rollcall.checks.models import Check, CheckEntry
from rollcall.extensions import db
from rollcall.models import AuditLog
from tests.checks_support import numbers, school_time, user

NUMBERS = ["0", "1", "2", "3", "4"]  # indexes into the class, replaced by real numbers
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30))
anything = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12)
KEYS = ["student_number", "status", "arrived_at", "reason", "category", "description",
        "action", "location", "seat"]
VALUES = ["present", "late", "absent", "excused", "clear", "found", "not_checked", "left",
          "on_campus", "knife", "fire", "lingering", "other", "08:15", "25:00",
          "2027-03-02T08:15:00+08:00", "2027-03-03T08:15:00", "", "x" * 250]
entry = st.dictionaries(st.sampled_from(KEYS), st.one_of(st.sampled_from(VALUES + NUMBERS),
                                                         scalars), max_size=6)
# At least one entry is broken for sure: a status no check has.
broken = st.fixed_dictionaries({"student_number": st.sampled_from(NUMBERS),
                                "status": st.text(max_size=12).filter(
                                    lambda s: s not in VALUES)})
bodies = st.one_of(
    anything,
    st.fixed_dictionaries({"version": st.one_of(st.none(), st.integers(-3, 3), scalars),
                           "entries": st.lists(entry, max_size=5).flatmap(
                               lambda good: st.lists(broken, min_size=1, max_size=2).map(
                                   lambda bad: good + bad))}),
)


@pytest.fixture
def token(app, school):
    with app.app_context():
        made = tokens.create_token(user(school, "teacher"))
        db.session.commit()
        return made, numbers(school)


def _resolve(value, real):
    if isinstance(value, dict):
        return {k: (real[int(v)] if k == "student_number" and v in NUMBERS else
                    _resolve(v, real)) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, real) for v in value]
    return value


def _counts():
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(model))
                 for model in (Check, CheckEntry, AuditLog))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, kind=st.sampled_from(["bag", "attendance", "dismissal"]))
def test_malformed_bodies_get_4xx_and_write_nothing(app, school, token, body, kind):
    secret, real = token
    client = app.test_client()
    with app.app_context():
        before = _counts()
    with school_time(8, 30):
        response = client.put(
            f"/api/v1/homerooms/{school.homeroom_ids['room1']}/checks/2027-03-02/{kind}",
            data=json.dumps(_resolve(body, real)),
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, (response.status_code, body)
    assert response.is_json and "error" in response.json
    with app.app_context():
        assert _counts() == before
