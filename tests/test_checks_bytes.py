"""Byte budgets of the attendance page of a 50-student class, compressed as served: at most
15 KB on a first visit (the page, its stylesheet, scripts, icon, and a service worker if it
registered one) and 6 KB on a repeat visit, when only the page itself is fetched again (static
files are kept a year under their hashed URLs). Counted as bodies plus response headers, for
what a phone is sent over plain HTTP (gzip) and over HTTPS (br and zstd too)."""

import re

import pytest

from rollcall import clock
from tests import factories
from tests.checks_support import at

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

FIRST_VISIT = 15 * 1024
REPEAT_VISIT = 6 * 1024
YEAR = 365 * 24 * 3600
FETCHED = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="(/[^"]+)"')
WORKER = re.compile(r'data-sw="(/[^"]+)"')  # the service worker the page registers
# A phone with JavaScript reads <noscript> as text and fetches nothing inside it (noscript.css).
NOSCRIPT = re.compile(r"<noscript>.*?</noscript>", re.S)
ENCODINGS = {"http": "gzip, deflate", "https": "gzip, deflate, br, zstd"}


def transferred(response) -> int:
    """Body and headers as they go over the wire (HTTP/1.1 framing)."""
    body = response.get_data()
    response.close()
    head = f"HTTP/1.1 {response.status}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in response.headers.items()) + "\r\n"
    return len(body) + len(head.encode())


@pytest.fixture
def fifty(app):
    with app.app_context():
        school = factories.small_school(students_per_class=50)
    client = app.test_client()
    client.post("/login", data={"username": school.usernames["teacher"],
                                "password": factories.PASSWORD})
    return client, (f"/homerooms/{school.homeroom_ids['room1']}/checks/2027-03-02/attendance")


def visit(client, url, encoding):
    with clock.frozen(at(7, 50)):
        page = client.get(url, headers={"Accept-Encoding": encoding})
        html = NOSCRIPT.sub("", client.get(url).get_data(as_text=True))
    assert page.status_code == 200 and html.count('class="row"') == 50
    return page, sorted(set(FETCHED.findall(html) + WORKER.findall(html)))


@pytest.mark.parametrize("scheme", sorted(ENCODINGS))
def test_a_first_visit_fits_in_15_kb(fifty, scheme):
    client, url = fifty
    page, files = visit(client, url, ENCODINGS[scheme])
    kinds = {name.rsplit(".", 1)[-1].split("?")[0] for name in files}
    assert {"css", "js", "svg"} <= kinds
    sizes = {url: transferred(page)}
    for name in files:
        response = client.get(name, headers={"Accept-Encoding": ENCODINGS[scheme]})
        assert response.status_code == 200, name
        sizes[name] = transferred(response)
    total = sum(sizes.values())
    print(f"first visit over {scheme}: {total} bytes", sizes)
    assert total <= FIRST_VISIT, sizes


@pytest.mark.parametrize("scheme", sorted(ENCODINGS))
def test_a_repeat_visit_fetches_only_the_page_in_6_kb(fifty, scheme):
    client, url = fifty
    page, files = visit(client, url, ENCODINGS[scheme])
    for name in (name for name in files if name.startswith("/static/")):
        response = client.get(name)
        response.close()
        assert response.cache_control.max_age == YEAR and response.cache_control.immutable, name
    size = transferred(page)
    print(f"repeat visit over {scheme}: {size} bytes")
    assert page.headers["Content-Encoding"] in ("gzip", "br", "zstd")
    assert size <= REPEAT_VISIT
