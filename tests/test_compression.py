"""Bytes: pages, static files and JSON compressed by the app itself, static files kept a year by
the phone under their hashed URLs. Pages may be compressed because their CSRF token is masked
afresh for every response (BREACH; tests/test_csrf_mask.py)."""

import gzip

import brotli
import pytest
from flask import url_for

from tests.checks_support import check_url, school_time

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py


def static_url(app, filename):
    with app.test_request_context():
        return url_for("static", filename=filename)


def fetched(client, url, **headers):
    """The response, read whole and closed (a static file is streamed from an open file)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize("filename", ["css/rollcall.css", "js/checks.js"])
def test_static_files_are_compressed_and_kept_for_a_year(app, client, filename):
    url = static_url(app, filename)
    response = fetched(client, url, **{"Accept-Encoding": "br, gzip"})
    original = (app.static_folder + "/" + filename)
    with open(original, "rb") as file:
        content = file.read()
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.data) == content
    assert len(response.data) < len(content) / 2
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable
    plain = fetched(client, url, **{"Accept-Encoding": "identity"})
    assert plain.data == content and "Content-Encoding" not in plain.headers


def test_a_static_file_under_an_old_hash_is_not_kept_for_a_year(app, client):
    response = fetched(client, "/static/css/rollcall.css?v=000000000000")
    assert response.status_code == 200
    assert response.cache_control.max_age != 365 * 24 * 3600
    assert not response.cache_control.immutable


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_pages_are_compressed(app, login_as, school, encoding):
    client = login_as("teacher")
    with school_time(7, 40):
        response = client.get(check_url(school, "attendance"),
                              headers={"Accept-Encoding": encoding})
        plain = client.get(check_url(school, "attendance"),
                           headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    unpack = brotli.decompress if encoding == "br" else gzip.decompress
    page = unpack(response.data)
    assert b'name="csrf_token"' in page and b'class="row' in page
    assert len(response.data) < len(page) / 3
    assert "Content-Encoding" not in plain.headers and b'name="csrf_token"' in plain.data
