"""Browser fixtures: the app served on 127.0.0.1 from a thread, driven by the system Chromium
through Playwright at a phone's size (390×844, touch), in Chinese or English."""

import os
import shutil
import subprocess
import threading
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}
LOCALES = {"zh": "zh-CN", "en": "en-US"}


def pytest_generate_tests(metafunc):
    """A test marked both_languages (what is drawn: layout, fit, glyphs, words) runs in Chinese
    and in English; any other browser test (behaviour) runs in one of the two, chosen by its
    name, so that each language drives about half of the behaviour tests in every run."""
    parametrized = metafunc.definition.iter_markers("parametrize")
    if "lang" not in metafunc.fixturenames or any("lang" in str(m.args[0]) for m in parametrized):
        return
    if metafunc.definition.get_closest_marker("both_languages"):
        metafunc.parametrize("lang", sorted(LOCALES), indirect=True)
    else:
        one = sorted(LOCALES)[zlib.crc32(metafunc.definition.nodeid.encode()) % len(LOCALES)]
        metafunc.parametrize("lang", [one], indirect=True)


def pytest_collection_modifyitems(config, items):
    """Browser tests drive pages: they run once, on SQLite (tests/dialect_guard.py fails one
    whose requests depend on the database)."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.any_database)


def chinese_fonts() -> list[str]:
    """The fonts fontconfig offers Chromium for Chinese text ([] when fc-list is missing too)."""
    if not shutil.which("fc-list"):
        return []
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                            check=False)
    return listed.stdout.split()


@pytest.fixture(scope="session")
def browser():
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} is not installed (apt-get install chromium)")
    if not chinese_fonts():
        # Without one, every Chinese page draws boxes and the layout tests measure the boxes.
        missing.append("no Chinese font: `fc-list :lang=zh` is empty "
                       "(apt-get install fonts-noto-cjk)")
    if missing:
        reason = "; ".join(missing)
        if os.environ.get("ROLLCALL_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " but ROLLCALL_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


def buffered(app):
    """Hand werkzeug's test server whole bodies. When Chromium drops a connection (a favicon
    request cut short by a navigation), werkzeug's serving loop can fail while draining the
    socket before it closes the response's file, and the open file surfaces later as a
    ResourceWarning in whatever test is running. A body read and closed here leaves nothing open."""

    def wsgi(environ, start_response):
        chunks = app(environ, start_response)
        try:
            return [b"".join(chunks)]
        finally:
            if hasattr(chunks, "close"):
                chunks.close()

    return wsgi


@pytest.fixture
def live_server(shared_app):
    """The app with CSRF on, served on a free port of 127.0.0.1 for the length of one test."""
    app = shared_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(app=app, url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def lang(request):
    """The test's language: both, one after the other, or one (see pytest_generate_tests)."""
    return request.param


@pytest.fixture
def phone(browser, lang):
    """A fresh phone-sized, touch-enabled browser page speaking the test's language."""
    context = browser.new_context(locale=LOCALES[lang], **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in():
    """Sign in through the real form, as a person would."""

    def do(page, base_url, username, password):
        page.goto(f"{base_url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.locator("form.card button[type=submit]").tap()

    return do


def sign_out(page):
    """Sign out through the top bar, as a person would: on a phone, staff first open the menu
    that folds the sign-out button away."""
    menu = page.locator(".menu-button")
    if menu.count() and menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.tap() if _touch(page) else menu.click()
    with page.expect_navigation():
        button = page.locator("form[action$='/logout'] button")
        button.tap() if _touch(page) else button.click()


def _touch(page) -> bool:
    return bool(page.evaluate("navigator.maxTouchPoints > 0"))


def too_wide(page, base_url, paths, width=390) -> dict:
    """{path: scroll width} for the pages that scroll sideways at this width (none, we hope)."""
    wide = {}
    for path in paths:
        page.goto(f"{base_url}{path}")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wide[path] = scroll_width
    return wide


@pytest.fixture(scope="session")
def demo_rows():
    """The demo school's rows, built once per run (about 2 s) and copied into each test."""
    return {}


@pytest.fixture
def demo_class(live_server, demo_rows):
    """The demo school (history before 2027-03-02); seat -> student id of 九年级1班."""
    from rollcall.extensions import db
    from rollcall.models import Homeroom
    from tests import snapshots

    with live_server.app.app_context():
        if not demo_rows:
            demo_rows.update(snapshots.take(_build_demo_school))
        else:
            snapshots.restore(demo_rows)
        room = db.session.scalar(db.select(Homeroom).where(Homeroom.name == "九年级1班"))
        return room.id, {s.seat: s.id for s in room.students}


def _build_demo_school():
    from rollcall import clock
    from rollcall.demo.school import build_demo_school
    from rollcall.extensions import db
    from tests.checks_support import at

    with clock.frozen(at(6, 0)):
        build_demo_school()
        db.session.commit()
