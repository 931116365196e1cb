"""Access rules as a table: each row is an endpoint, each column a role, each cell a status.

Each area's test module lists its rows and calls `matrix_cases(rows)` in a parametrize; the
test signs in as the role, makes the request and compares the status.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anon", "teacher", "teacher2", "office", "admin", "other_office")
SIGNED_IN = ROLES[1:]


@dataclass(frozen=True)
class Row:
    method: str
    url: Callable  # school (tests.factories.SmallSchool) -> path
    expected: dict  # role -> status code
    data: dict = field(default_factory=dict)
    json: object = None
    headers: dict = field(default_factory=dict)

    def describe(self, school) -> str:
        return f"{self.method} {self.url(school)}"


def everyone(status: int, **exceptions: int) -> dict:
    """Every role gets status, except the roles named."""
    return {role: exceptions.get(role, status) for role in ROLES}


def signed_in(status: int, anon: int = 302, **exceptions: int) -> dict:
    """Anonymous visitors are sent to sign in; signed-in roles get status unless named."""
    return everyone(status, anon=anon, **exceptions)


def matrix_cases(rows: list[Row]):
    """(row, role) pairs for pytest.mark.parametrize, with readable ids."""
    import pytest

    return [
        pytest.param(row, role, id=f"{row.method}-{index}-{role}")
        for index, row in enumerate(rows) for role in ROLES
    ]


def assert_access(login_as, school, row: Row, role: str) -> None:
    client = login_as(role)
    response = client.open(row.url(school), method=row.method, data=row.data or None,
                           json=row.json, headers=row.headers)
    expected = row.expected[role]
    assert response.status_code == expected, (
        f"{row.describe(school)} as {role}: {response.status_code}, expected {expected}"
    )
    assert_security_headers(response, f"{row.describe(school)} as {role}",
                            for_a_person=role != "anon")


def assert_security_headers(response, where: str, for_a_person: bool) -> None:
    """Every answer of every endpoint (a page, a redirect, a refusal, JSON, a CSV) carries the
    headers that keep it out of frames, sniffing and other sites' referrers; a page shown to a
    signed-in person (or an API answer) is never cached."""
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, where
    assert "frame-ancestors 'none'" in csp, where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    if response.status_code == 200 and (for_a_person or "/api/" in response.request.path):
        assert headers.get("Cache-Control") == "no-store", where
