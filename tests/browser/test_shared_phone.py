"""A shared phone: the class's pages kept for use without signal belong to the sign-in that
fetched them. Once that sign-in is over on this phone (the browser closed without signing out,
the session ended from another device, a sign-out while the phone was still fetching pages),
the names no longer open offline; a teacher who chose "stay signed in" keeps them."""

import threading
from types import SimpleNamespace

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from rollcall.demo.school import DEMO_PASSWORD
from rollcall.extensions import db
from rollcall.models import Homeroom, User
from tests import snapshots
from tests.browser.conftest import PHONE, _build_demo_school, buffered, sign_out
from tests.browser.test_checks_morning import school_clock
from tests.browser.test_checks_offline import PAGES_KEPT, ready_offline

CHECK = "/homerooms/{room}/checks/2027-03-02/{kind}"


def opens_offline(phone, base, room, kind="attendance") -> bool:
    """Without signal: does the check page (its class's names) open from the phone's copy?"""
    phone.context.set_offline(True)
    try:
        answer = phone.goto(base + CHECK.format(room=room, kind=kind))
        return bool(answer and answer.from_service_worker and phone.locator(".row").count())
    except PlaywrightError:  # the worker had no copy to give: the browser's own error page
        return False
    finally:
        phone.context.set_offline(False)


def kept_pages(phone, base) -> list[str]:
    """The pages the worker keeps, asked from a page of the site that is not one of them."""
    page = phone.context.new_page()
    try:
        page.goto(f"{base}/static/favicon.svg")
        return page.evaluate(PAGES_KEPT)
    finally:
        page.close()


def close_the_browser(context):
    """What closing the browser does to cookies: those without an expiry go."""
    kept = [cookie for cookie in context.cookies() if cookie["expires"] != -1]
    context.clear_cookies()
    context.add_cookies(kept)


@pytest.mark.parametrize("remembered", [False, True])
def test_after_the_browser_is_closed_the_names_open_offline_only_if_remembered(
        live_server, phone, demo_class, remembered):
    base, (room, _) = live_server.url, demo_class
    with school_clock(7, 35):
        phone.goto(f"{base}/login")
        phone.fill("input[name=username]", "teacher1")
        phone.fill("input[name=password]", DEMO_PASSWORD)
        if remembered:
            phone.locator("input[name=remember]").check()
        with phone.expect_navigation():
            phone.locator("form.card button[type=submit]").tap()
        ready_offline(phone, base)
        assert opens_offline(phone, base, room)
        close_the_browser(phone.context)
        assert opens_offline(phone, base, room) is remembered
        if not remembered:
            assert kept_pages(phone, base) == []


@pytest.fixture
def second_device(browser):
    context = browser.new_context(locale="zh-CN", **PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def sign_out_everywhere_else(page, base):
    page.goto(f"{base}/account/password")
    with page.expect_navigation():
        page.locator("button[formaction$='/account/sessions/end-others']").tap()


def disable_teacher1(page, base, app):
    with app.app_context():
        teacher = db.session.scalar(db.select(User).where(User.username == "teacher1")).id
    page.goto(f"{base}/admin/users/{teacher}")
    page.locator("input[name=active]").uncheck()
    with page.expect_navigation():
        page.locator("input[name=active]").evaluate("(box) => box.form.requestSubmit()")


@pytest.mark.parametrize("how", ["sign_out_everywhere_else", "admin_disables"])
def test_a_session_ended_from_another_device_leaves_no_names_offline(
        live_server, phone, second_device, demo_class, sign_in, how):
    base, (room, _) = live_server.url, demo_class
    with school_clock(7, 35):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        ready_offline(phone, base)
        if how == "sign_out_everywhere_else":
            sign_in(second_device, base, "teacher1", DEMO_PASSWORD)
            sign_out_everywhere_else(second_device, base)
        else:
            sign_in(second_device, base, "admin", DEMO_PASSWORD)
            disable_teacher1(second_device, base, live_server.app)
        assert opens_offline(phone, base, room)  # the phone has not heard of it yet
        # Any answer from the server tells it: here the teacher opens Today with signal.
        phone.goto(f"{base}/homerooms/{room}/today")
        assert "/login" in phone.url
        assert not opens_offline(phone, base, room)
        assert not opens_offline(phone, base, room, "bag")


class HeldPages:
    """WSGI middleware: the answer for a held path is made (while the session is live), then
    held back until released, as a slow network would deliver it."""

    def __init__(self, app):
        self.app, self.path = app, None
        self.arrived, self.release = threading.Event(), threading.Event()

    def __call__(self, environ, start_response):
        body = self.app(environ, start_response)
        if environ.get("PATH_INFO") == self.path:
            self.arrived.set()
            self.release.wait(timeout=20)
        return body


@pytest.fixture
def slow_server(shared_app):
    app = shared_app(WTF_CSRF_ENABLED=True)
    held = HeldPages(buffered(app))
    server = make_server("127.0.0.1", 0, held, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(app=app, url=f"http://127.0.0.1:{server.server_port}", held=held)
    held.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_a_page_that_arrives_after_sign_out_is_not_kept(slow_server, phone, sign_in,
                                                        demo_rows):
    base = slow_server.url
    with slow_server.app.app_context():
        if not demo_rows:
            demo_rows.update(snapshots.take(_build_demo_school))
        else:
            snapshots.restore(demo_rows)
        room = db.session.scalar(db.select(Homeroom).where(Homeroom.name == "九年级1班")).id
    with school_clock(7, 35):
        sign_in(phone, base, "teacher1", DEMO_PASSWORD)
        ready_offline(phone, base)
        slow_server.held.path = CHECK.format(room=room, kind="dismissal")
        phone.reload()  # Today asks the worker to keep its pages again; one is slow to come
        assert slow_server.held.arrived.wait(timeout=10)
        sign_out(phone)
        slow_server.held.release.set()
        phone.wait_for_timeout(1000)  # the late page reaches the worker
        assert kept_pages(phone, base) == []
        assert not opens_offline(phone, base, room, "dismissal")
