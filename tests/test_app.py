"""Configuration, security headers, health check, languages and error pages."""

import hashlib
from pathlib import Path

import pytest

from rollcall import create_app
from rollcall.config import ConfigError


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("ROLLCALL_ENV", "production")
    monkeypatch.delenv("ROLLCALL_SECRET_KEY", raising=False)
    monkeypatch.setenv("ROLLCALL_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/x.sqlite3")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_uses_secure_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("ROLLCALL_ENV", "production")
    monkeypatch.setenv("ROLLCALL_SECRET_KEY", "s3cret-from-the-environment")
    monkeypatch.setenv("ROLLCALL_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/x.sqlite3")
    app = create_app()
    assert app.config["SECRET_KEY"] == "s3cret-from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.delenv("ROLLCALL_SECRET_KEY", raising=False)
    monkeypatch.setenv("ROLLCALL_ENV", "development")
    monkeypatch.setenv("ROLLCALL_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path / "i"))
    first, second = create_app(), create_app()
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "i" / "secret_key").stat().st_mode & 0o077 == 0


def test_plain_postgresql_urls_use_psycopg3(tmp_path):
    app = create_app({"SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "postgresql://u@127.0.0.1/db"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1/db"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    from rollcall.extensions import db

    app = create_app({"SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/wal.sqlite3"})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_static_urls_carry_a_hash_of_the_file_so_proxies_may_cache_them_long(app, client):
    css = Path(app.static_folder) / "css" / "rollcall.css"
    version = hashlib.sha256(css.read_bytes()).hexdigest()[:12]
    page = client.get("/login").get_data(as_text=True)
    assert f'href="/static/css/rollcall.css?v={version}"' in page
    with client.get(f"/static/css/rollcall.css?v={version}") as response:
        assert response.status_code == 200 and response.data == css.read_bytes()


def test_every_page_carries_the_security_headers(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_static_scripts_and_styles_carry_only_nosniff_the_worker_and_images_everything(client):
    """A page's policy governs its stylesheets and scripts; a worker script and an SVG (which
    may be opened as a document) keep their own."""
    for url in ("/static/css/rollcall.css", "/static/js/checks.js"):
        with client.get(url) as response:
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "Content-Security-Policy" not in response.headers
    for url in ("/sw.js", "/static/favicon.svg"):
        with client.get(url) as response:
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_healthz_reports_the_database_and_the_scheduler(client):
    response = client.get("/healthz")
    assert response.status_code == 200  # no scheduler yet, but the app has only just started
    assert response.get_json() == {"status": "ok", "database": "ok", "scheduler": "ok",
                                   "last_tick": None}


def test_healthz_says_so_when_the_database_is_gone(tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{tmp_path}/missing-dir/none.sqlite3"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


@pytest.mark.parametrize(("accept", "expected"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", "登录"),
    ("zh-Hans", "登录"),
    ("en-US,en;q=0.9", "Sign in"),
    ("", "登录"),  # the school's language when the browser says nothing
])
def test_language_follows_the_browser(client, accept, expected):
    page = client.get("/login", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert f"<h1>{expected}</h1>" in page


def test_chosen_language_wins_over_the_browser(client):
    client.post("/language", data={"locale": "en", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "<h1>Sign in</h1>" in page and 'lang="en"' in page


def test_a_signed_in_users_language_is_kept_on_the_account(app, login_as):
    from rollcall.extensions import db
    from rollcall.models import User

    client = login_as("teacher")
    client.post("/language", data={"locale": "en"})
    with app.app_context():
        assert db.session.scalar(db.select(User.locale).where(User.username == "t.wang")) == "en"
    phone = login_as("teacher")
    page = phone.get("/account/password",
                     headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in page


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "https://evil.example"])
def test_language_switch_does_not_redirect_off_site(client, target):
    response = client.post("/language", data={"locale": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "does not exist" in response.get_data(as_text=True)


def test_forms_are_csrf_protected(make_app, school):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"username": "t.wang",
                                           "password": "correct horse battery"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert client.get("/").status_code == 302
    assert client.post("/language", data={"locale": "en"}).status_code == 400


@pytest.mark.parametrize(("role", "path"), [
    ("admin", "/admin/guardians"), ("admin", "/admin/guardians?q=138"),
    ("office", "/office/texts"), ("office", "/office/"), ("office", "/office/log.csv"),
    ("office", "/office/log"), ("teacher", "/today"), ("teacher", "/account/password"),
])
def test_signed_in_pages_and_exports_are_never_cached(login_as, role, path):
    response = login_as(role).get(path, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_api_answers_are_never_cached(app, school):
    from rollcall.api import tokens
    from rollcall.extensions import db
    from tests.checks_support import user

    with app.app_context():
        token = tokens.create_token(user(school, "teacher"))
        db.session.commit()
    response = app.test_client().get("/api/v1/homerooms",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(login_as):
    response = login_as("teacher").get("/static/css/rollcall.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
